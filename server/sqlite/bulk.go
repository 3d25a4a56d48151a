package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// SetDurable switches the writer between synchronous=FULL (the default:
// every commit survives a power cut) and OFF, for bulk loads of generated
// data that can simply be regenerated. Never turn it off while serving.
func (db *DB) SetDurable(ctx context.Context, durable bool) error {
	mode, cache := "FULL", "-8000"
	if !durable {
		mode, cache = "OFF", "-262144" // and a 256 MB page cache for the load
	}
	if _, err := db.write.ExecContext(ctx, "PRAGMA cache_size = "+cache); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, "PRAGMA synchronous = "+mode)
	return err
}

// BulkInsert stores generated responses in one transaction and adds their
// monthly counts in the same transaction, moving the rollup position past
// them: the worker then has nothing to recount. It refuses unless the
// rollups are caught up, since it would otherwise skip older responses.
func (db *DB) BulkInsert(ctx context.Context, surveys *survey.Catalog, rs []*survey.Response) error {
	i := 0
	return db.BulkStream(ctx, surveys, func() (*survey.Response, bool) {
		if i == len(rs) {
			return nil, false
		}
		i++
		return rs[i-1], true
	})
}

// BulkStream is BulkInsert for responses pulled one at a time from next
// until it says no more, so a large load need not sit in memory: only the
// counts do, one entry per distinct rollup key. Encoding and counting run
// on other goroutines while this one inserts, so a load uses every core;
// next is called from one goroutine at a time.
func (db *DB) BulkStream(ctx context.Context, surveys *survey.Catalog, next func() (*survey.Response, bool)) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		var from, maxID int64
		if err := tx.QueryRowContext(ctx, `SELECT last_id, (SELECT COALESCE(max(id), 0) FROM responses) FROM rollup_state WHERE id = 1`).
			Scan(&from, &maxID); err != nil {
			return err
		}
		if from != maxID {
			return errors.New("bulk insert: the monthly counts are behind; run `sipas rollup rebuild` first")
		}
		last := from
		multi, err := tx.PrepareContext(ctx, insertResponse+strings.Repeat(", "+insertValues, bulkRows-1))
		if err != nil {
			return err
		}
		defer multi.Close()
		single, err := tx.PrepareContext(ctx, insertResponse)
		if err != nil {
			return err
		}
		defer single.Close()
		pctx, cancel := context.WithCancel(ctx)
		g, gctx := errgroup.WithContext(pctx)
		chunks := make(chan *bulkChunk, 16)
		cs := prepareBulk(gctx, g, surveys, next, chunks)
		defer func() { // when an insert failed: stop the preparing goroutines
			cancel()
			for range chunks {
			}
			g.Wait()
		}()
		for c := range chunks {
			stmt, n := multi, bulkRows
			if len(c.rs) < bulkRows {
				stmt, n = single, 1
			}
			for i := 0; i < len(c.rs); i += n {
				res, err := stmt.ExecContext(ctx, c.args[i*insertArgs:(i+n)*insertArgs]...)
				if err != nil {
					return err
				}
				if last, err = res.LastInsertId(); err != nil {
					return err
				}
				// Rowids of one statement are consecutive: nothing else writes meanwhile.
				for j, r := range c.rs[i : i+n] {
					r.ID = last - int64(n-1-j)
				}
			}
		}
		if err := g.Wait(); err != nil {
			return err
		}
		if err := applyCounts(ctx, tx, nil, mergeCounts(cs), 1); err != nil { // once a load: compiled in tx
			return err
		}
		return advance(ctx, tx, from, last)
	})
}

// bulkRows is how many rows one INSERT statement of a bulk load carries:
// the per-statement cost of the driver, not SQLite's own work, dominates
// single-row inserts.
const bulkRows = 64

// bulkChunk is up to bulkRows responses with their INSERT parameters.
type bulkChunk struct {
	rs   []*survey.Response
	args []any
}

// bulkWorkers encode and count a bulk load's responses: counting costs as
// much as inserting, so two share it while a third goroutine inserts.
const bulkWorkers = 2

// prepareBulk pulls responses from next, bulkRows at a time, and has
// bulkWorkers goroutines count and encode them, each into its own counts,
// which it returns; chunks is closed when all are sent or on an error.
func prepareBulk(ctx context.Context, g *errgroup.Group, surveys *survey.Catalog, next func() (*survey.Response, bool), chunks chan<- *bulkChunk) []*counts {
	work := make(chan *bulkChunk, 2*bulkWorkers)
	g.Go(func() error {
		defer close(work)
		c := &bulkChunk{}
		for r, ok := next(); ok; r, ok = next() {
			c.rs = append(c.rs, r)
			if len(c.rs) < bulkRows {
				continue
			}
			select {
			case work <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
			c = &bulkChunk{rs: make([]*survey.Response, 0, bulkRows)}
		}
		if len(c.rs) > 0 {
			select {
			case work <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	cs := make([]*counts, bulkWorkers)
	var wg sync.WaitGroup
	for i := range cs {
		cs[i] = newCounts()
		wg.Add(1)
		g.Go(func() error {
			defer wg.Done()
			for c := range work {
				c.args = make([]any, 0, len(c.rs)*insertArgs)
				for _, r := range c.rs {
					if err := countBulk(surveys, r, cs[i]); err != nil {
						return err
					}
					c.args = append(c.args, responseArgs(r)...)
				}
				select {
				case chunks <- c:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	}
	go func() { wg.Wait(); close(chunks) }()
	return cs
}

// mergeCounts adds up the counts of several goroutines. It follows the
// fields of counts in rollup.go; TestBulkInsertCountsLikeTheWorker fails
// when one is missed. Each goroutine numbered the questions in its own
// codebook: they are renumbered into the first one's.
func mergeCounts(cs []*counts) *counts {
	all := cs[0]
	for _, o := range cs[1:] {
		renumber := func(survey string, i int) int { return all.book(survey).number(o.books[survey].codes[i]) }
		for k, d := range o.dims {
			a := all.dims[k]
			if a == nil {
				a = &dimCounts{answers: map[answerCell]int64{}, plan: d.plan, moments: make([]score.Moments, len(d.moments)),
					days: map[string]*responseCounts{}}
				all.dims[k] = a
			}
			for i := range d.scales {
				j := renumber(k.surveyID, i)
				a.scales = grow(a.scales, j)
				for slot, n := range d.scales[i] {
					a.scales[j][slot] += n
				}
			}
			for cell, n := range d.answers {
				a.answers[cell] += n
			}
			for i := range d.moments {
				a.moments[i].Merge(d.moments[i])
			}
			for day, c := range d.days {
				x := a.days[day]
				if x == nil {
					a.days[day] = c
					continue
				}
				x.responses, x.partial, x.unsatisfied, x.withComment = x.responses+c.responses, x.partial+c.partial,
					x.unsatisfied+c.unsatisfied, x.withComment+c.withComment
			}
		}
		for k, set := range o.items {
			a := all.itemsOf(k)
			a.responses.add(set.responses)
			for i := range set.items {
				j := renumber(k.surveyID, i)
				a.items = grow(a.items, j)
				a.items[j].add(set.items[i])
			}
		}
	}
	return all
}

// countBulk counts one inserted response through the worker's own code path.
func countBulk(surveys *survey.Catalog, r *survey.Response, cs *counts) error {
	def, ok := surveys.Get(r.SurveyID)
	if !ok || def.Version != r.SurveyVersion {
		return fmt.Errorf("bulk insert: %s@%s is not an active questionnaire", r.SurveyID, r.SurveyVersion)
	}
	rr := rawOf(r)
	countOne(def, &rr, rr.parsed, cs)
	return nil
}

// WithoutResponseIndexes runs fn with the indexes of responses dropped and
// builds them again afterwards, whatever fn returned: a load of millions of
// rows then writes each index once, sorted and packed, instead of row by
// row at random places. Only for a bulk load nothing else is using.
func (db *DB) WithoutResponseIndexes(ctx context.Context, fn func() error) error {
	rows, err := db.write.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'responses' AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	for _, name := range names {
		if _, err := db.write.ExecContext(ctx, `DROP INDEX `+name); err != nil {
			return err
		}
	}
	err = fn()
	for _, def := range defs {
		if _, e := db.write.ExecContext(context.WithoutCancel(ctx), def); e != nil && err == nil {
			err = e
		}
	}
	return err
}
