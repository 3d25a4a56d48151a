package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

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
// counts do, one entry per distinct rollup key.
func (db *DB) BulkStream(ctx context.Context, surveys *survey.Catalog, next func() (*survey.Response, bool)) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		var last, maxID int64
		if err := tx.QueryRowContext(ctx, `SELECT last_id, (SELECT COALESCE(max(id), 0) FROM responses) FROM rollup_state WHERE id = 1`).
			Scan(&last, &maxID); err != nil {
			return err
		}
		if last != maxID {
			return errors.New("bulk insert: the monthly counts are behind; run `sipas rollup rebuild` first")
		}
		// Many rows per INSERT statement: the per-statement cost of the
		// driver, not SQLite's own work, dominates single-row inserts.
		const rowsPer = 64
		multi, err := tx.PrepareContext(ctx, insertResponse+strings.Repeat(", "+insertValues, rowsPer-1))
		if err != nil {
			return err
		}
		defer multi.Close()
		single, err := tx.PrepareContext(ctx, insertResponse)
		if err != nil {
			return err
		}
		defer single.Close()
		cs := newCounts()
		pending := make([]*survey.Response, 0, rowsPer)
		args := make([]any, 0, rowsPer*insertArgs)
		flush := func(stmt *sql.Stmt, rs []*survey.Response) error {
			args = args[:0]
			for _, r := range rs {
				args = append(args, responseArgs(r)...)
			}
			res, err := stmt.ExecContext(ctx, args...)
			if err != nil {
				return err
			}
			lastID, err := res.LastInsertId()
			if err != nil {
				return err
			}
			// Rowids of one statement are consecutive: nothing else writes meanwhile.
			for i, r := range rs {
				r.ID = lastID - int64(len(rs)-1-i)
				if err := countBulk(surveys, r, cs); err != nil {
					return err
				}
			}
			last = lastID
			return nil
		}
		for r, ok := next(); ok; r, ok = next() {
			pending = append(pending, r)
			if len(pending) == rowsPer {
				if err := flush(multi, pending); err != nil {
					return err
				}
				pending = pending[:0]
			}
		}
		for _, r := range pending {
			if err := flush(single, []*survey.Response{r}); err != nil {
				return err
			}
		}
		if err := applyCounts(ctx, tx, cs, 1); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE rollup_state SET last_id = ? WHERE id = 1`, last)
		return err
	})
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
