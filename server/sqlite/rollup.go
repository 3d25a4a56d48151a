package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// Rollup keeps the monthly counts (rollup_answers, rollup_responses) in
// step with the raw responses. Each Step reads the responses after the
// stored position, adds their counts and moves the position, all in one
// transaction: a crash at any point leaves counts and position agreeing.
type Rollup struct {
	db      *DB
	surveys *survey.Catalog

	mu   sync.Mutex
	defs map[string]*survey.Definition // id@version → definition (older versions from the surveys table)

	afterCount func() // tests: runs between counting a batch and writing it

	shapes sync.Map // *survey.Definition → *shape, for tallies made on the submission path

	fedMu    sync.Mutex
	fed      []rawResponse // committed by the writer, each with its tally, in id order
	fromFeed int           // responses counted from the feed (tests check it is used)
}

// NewRollup returns the rollup keeper for db.
func (db *DB) NewRollup(surveys *survey.Catalog) *Rollup {
	return &Rollup{db: db, surveys: surveys, defs: map[string]*survey.Definition{}}
}

// dimKey is what every count of one response shares: its month,
// questionnaire, channel and place. Counting keys each response once by it
// and each answer only by its question and value, instead of hashing all of
// it again per answer (decision 14).
type dimKey struct {
	month, surveyID, version, channel string
	agency, counter, officer          int64
	excluded                          bool
}

type answerCell struct{ question, value string }

// scaleSlots are a scale question's counts in rollup_scales: slot 0 the
// "no answer" (null), slot n+1 the value n, for values 0–10.
const scaleSlots = 12

// dimCounts are the counts of one dimKey.
type dimCounts struct {
	scales  []scaleCounts              // rollup_scales, by question number (codebook); all 0: none
	answers map[answerCell]int64       // rollup_answers: other kinds, and scale values outside 0–10
	plan    *score.Plan                // the questionnaire version's moment plan
	moments []score.Moments            // rollup_moments, by plan node; N = 0: none
	days    map[string]*responseCounts // rollup_responses, by day
}

type responseCounts struct{ responses, partial, unsatisfied, withComment int64 }

// itemDim keys the per-item summary (rollup_items) that rankings read: only
// the satisfied share of each item, for every agency, in a few rows each.
type itemDim struct {
	month, surveyID string
	agency          int64
	excluded        bool
}

type itemCounts struct {
	valid, satisfied int64
	index            score.Moments // on the responses row (question ''): the index's per-respondent sums
}

// itemSet are the item counts of one itemDim: by question number, and the
// responses themselves (question ”).
type itemSet struct {
	items     []itemCounts // all 0: none
	responses itemCounts
}

// codebook numbers one questionnaire's question codes, across its versions,
// in the order first seen, so that counts live in slices by number instead
// of maps by code: counting millions of responses was mostly those lookups
// (decision 14).
type codebook struct {
	index map[string]int
	codes []string
}

// number returns code's number, giving it the next one on first sight.
func (b *codebook) number(code string) int {
	i, ok := b.index[code]
	if !ok {
		i = len(b.codes)
		b.index[code] = i
		b.codes = append(b.codes, code)
	}
	return i
}

// counts are the deltas one batch of responses adds to the rollup tables.
type counts struct {
	dims    map[dimKey]*dimCounts
	items   map[itemDim]*itemSet
	books   map[string]*codebook // by questionnaire id
	shapes  map[*survey.Definition]*shape
	numbers map[*shape][]int // question position → codebook number, -1 until first seen
}

func newCounts() *counts {
	return &counts{dims: map[dimKey]*dimCounts{}, items: map[itemDim]*itemSet{}, books: map[string]*codebook{},
		shapes: map[*survey.Definition]*shape{}, numbers: map[*shape][]int{}}
}

// shape returns def's shape, made once per batch.
func (cs *counts) shape(def *survey.Definition) *shape {
	s := cs.shapes[def]
	if s == nil {
		s = newShape(def)
		cs.shapes[def] = s
	}
	return s
}

// shape is what counting needs of one questionnaire version, worked out
// once: its questions by position and its moment plan.
type shape struct {
	def     *survey.Definition
	plan    *score.Plan
	qs      []*survey.Question
	pos     map[string]int // code → position in qs (the first question of that code, as Definition.Question)
	first   []int          // position → the first position of its code
	planPos []int          // the plan's item i → position
}

func newShape(def *survey.Definition) *shape {
	s := &shape{def: def, plan: score.NewPlan(def), qs: def.Questions(), pos: map[string]int{}}
	for i, q := range s.qs {
		if _, dup := s.pos[q.Code]; !dup {
			s.pos[q.Code] = i
		}
		s.first = append(s.first, s.pos[q.Code])
	}
	for _, code := range s.plan.ItemCodes() {
		s.planPos = append(s.planPos, s.pos[code])
	}
	return s
}

// shapeOf is shape for the submission path, kept for the Rollup's life.
func (r *Rollup) shapeOf(def *survey.Definition) *shape {
	if s, ok := r.shapes.Load(def); ok {
		return s.(*shape)
	}
	s, _ := r.shapes.LoadOrStore(def, newShape(def))
	return s.(*shape)
}

// book returns the codebook of questionnaire id, made on first use.
func (cs *counts) book(id string) *codebook {
	b := cs.books[id]
	if b == nil {
		b = &codebook{index: map[string]int{}}
		cs.books[id] = b
	}
	return b
}

// dim returns the counts of k, made on first use.
func (cs *counts) dim(k dimKey, s *shape) *dimCounts {
	d := cs.dims[k]
	if d == nil {
		p := s.plan
		d = &dimCounts{answers: map[answerCell]int64{}, plan: p, moments: make([]score.Moments, len(p.Nodes)),
			days: map[string]*responseCounts{}}
		cs.dims[k] = d
	}
	return d
}

// itemsOf returns the item counts under k, made on first use.
func (cs *counts) itemsOf(k itemDim) *itemSet {
	m := cs.items[k]
	if m == nil {
		m = &itemSet{}
		cs.items[k] = m
	}
	return m
}

// grow makes s long enough to index i.
func grow[T any](s []T, i int) []T {
	if i < len(s) {
		return s
	}
	return append(s, make([]T, i+1-len(s))...)
}

// scaleCounts are one scale question's counts, slot by slot.
type scaleCounts [scaleSlots]int64

// zero reports whether c counts nothing.
func (c *scaleCounts) zero() bool { return *c == scaleCounts{} }

// zero reports whether c counts nothing.
func (c *itemCounts) zero() bool { return *c == itemCounts{} }

// add adds o's counts to c.
func (c *itemCounts) add(o itemCounts) {
	c.valid, c.satisfied = c.valid+o.valid, c.satisfied+o.satisfied
	c.index.Merge(o.index)
}

// Step counts up to limit new responses and returns how many it counted.
func (r *Rollup) Step(ctx context.Context, limit int) (int, error) {
	n, _, err := r.step(ctx, limit)
	return n, err
}

// querier is what reading a batch needs: the reader pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// step is Step, also returning the position reached. The batch is read and
// counted on a reader connection, outside the write transaction, so that
// the writer, which the group commit of the submissions shares, is held
// only for the upserts. The transaction then checks that the position and
// the batch's excluded marks are still as read (an admin's flag decision
// may have changed one meanwhile); if not, it counts again inside.
func (r *Rollup) step(ctx context.Context, limit int) (int, int64, error) {
	var from int64
	if err := r.db.read.QueryRowContext(ctx, `SELECT last_id FROM rollup_state WHERE id = 1`).Scan(&from); err != nil {
		return 0, 0, err
	}
	batch, err := r.fedBatch(ctx, from, limit)
	if err != nil {
		return 0, from, err
	}
	if batch == nil {
		batch, err = readBatch(ctx, r.db.read, from, min(limit, stepSize))
	}
	if err != nil || len(batch) == 0 {
		return 0, from, err
	}
	cs, err := r.countBatch(ctx, r.db.read, batch)
	if err != nil {
		return 0, from, err
	}
	last := batch[len(batch)-1].id
	if r.afterCount != nil {
		r.afterCount()
	}
	us, err := r.db.rollupUpserts(ctx)
	if err != nil {
		return 0, from, err
	}
	err = r.db.tx(ctx, func(tx *sqlTx) error {
		var now int64
		if err := tx.QueryRowContext(ctx, `SELECT last_id FROM rollup_state WHERE id = 1`).Scan(&now); err != nil {
			return err
		}
		same, err := unchanged(ctx, tx, from, batch)
		if err != nil {
			return err
		}
		if now != from || !same {
			// Moved meanwhile: read and count again under the write lock.
			if batch, err = readBatch(ctx, tx, now, min(limit, stepSize)); err != nil || len(batch) == 0 {
				last = now
				return err
			}
			if cs, err = r.countBatch(ctx, tx, batch); err != nil {
				return err
			}
			last = batch[len(batch)-1].id
		}
		if err := applyCounts(ctx, tx, us, cs, 1); err != nil {
			return err
		}
		return advance(ctx, tx, now, last)
	})
	if err != nil {
		return 0, from, err
	}
	return len(batch), last, nil
}

// advance moves the rollup position from from to last in the transaction
// that counted the responses between, and files those responses in
// responses_by_agency_month: the map of an agency's month to its responses
// is kept here, a step at a time, instead of as an index that every group
// commit wrote (migration 19, decision 14).
func advance(ctx context.Context, tx *sqlTx, from, last int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO responses_by_agency_month (agency_id, month, id)
		SELECT agency_id, month, id FROM responses WHERE id > ? AND id <= ? ORDER BY 1, 2, 3`, from, last); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE rollup_state SET last_id = ? WHERE id = 1`, last)
	return err
}

// maxFed bounds the responses waiting in the feed (their tallies, ~650
// bytes each: 16,000 hold more than a second of full load in ~10 MB); when
// the worker is behind, or not running, the oldest are dropped and read
// back instead.
const maxFed = 4 * fedStepSize

// feed hands the worker responses the writer has just committed, with
// their parsed answers, so that it need not read and decode them again
// (docs/decisions/0014). It only saves work: a step uses them only if they
// are exactly the responses after its position, else it reads as before.
func (r *Rollup) feed(rs []rawResponse) {
	r.fedMu.Lock()
	defer r.fedMu.Unlock()
	r.fed = append(r.fed, rs...)
	if len(r.fed) > maxFed { // drop the older half at once, not a few at every commit
		r.fed = append(r.fed[:0], r.fed[len(r.fed)-maxFed/2:]...)
	}
}

// fedBatch returns up to limit fed responses after position from, or nil if
// the feed does not hold exactly the stored responses that follow it (the
// worker was behind, or something other than the writer inserted).
func (r *Rollup) fedBatch(ctx context.Context, from int64, limit int) ([]rawResponse, error) {
	r.fedMu.Lock()
	i := 0
	for i < len(r.fed) && r.fed[i].id <= from {
		i++
	}
	r.fed = append(r.fed[:0], r.fed[i:]...) // counted already
	// Taken only when counted (the next step drops them): if the batch
	// does not fit, the step reads, and the feed may fit after that.
	batch := slices.Clone(r.fed[:min(limit, len(r.fed))])
	n := len(batch)
	r.fedMu.Unlock()
	if n == 0 {
		return nil, nil
	}
	same, err := unchanged(ctx, r.db.read, from, batch)
	if err != nil || !same {
		return nil, err
	}
	r.fedMu.Lock()
	r.fromFeed += len(batch)
	r.fedMu.Unlock()
	return batch, nil
}

// readBatch reads up to limit responses after position from.
func readBatch(ctx context.Context, q querier, from int64, limit int) ([]rawResponse, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, survey_id, survey_version, agency_id, COALESCE(counter_id, 0),
		COALESCE(officer_id, 0), channel, answered_at, received_at, month, `+answersOut+`, comment, partial, flags, excluded
		FROM responses WHERE id > ? ORDER BY id LIMIT ?`, from, limit)
	if err != nil {
		return nil, err
	}
	var batch []rawResponse
	for rows.Next() {
		var rr rawResponse
		if err := rows.Scan(&rr.id, &rr.surveyID, &rr.version, &rr.agency, &rr.counter, &rr.officer, &rr.channel,
			&rr.answered, &rr.received, &rr.month, &rr.answers, &rr.comment, &rr.partial, &rr.flags, &rr.excluded); err != nil {
			rows.Close()
			return nil, err
		}
		batch = append(batch, rr)
	}
	return batch, closeRows(rows)
}

// idsFollow reports whether the batch's ids increase from after from.
func idsFollow(from int64, batch []rawResponse) bool {
	for i := range batch {
		if batch[i].id <= from {
			return false
		}
		from = batch[i].id
	}
	return true
}

// countBatch counts a batch of responses.
func (r *Rollup) countBatch(ctx context.Context, q querier, batch []rawResponse) (*counts, error) {
	cs := newCounts()
	for i := range batch {
		if err := r.count(ctx, q, &batch[i], cs); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// unchanged reports whether the responses between from and the batch's
// last are still exactly the batch, with the same excluded marks. Stored
// responses are never deleted: when the batch's ids (always increasing)
// run from from+1 without a gap there is no room for another row, and
// otherwise SQLite counts the rows in the range. A mark changes only by an admin's decision
// (decideOne), which records itself in flag_decisions in the same
// transaction: with no decision on a response of the range, the marks are
// as they were stored; otherwise the excluded ones are compared. (Reading
// every row of the range for its mark was a quarter of a step.) The check
// runs twice a step, once holding the writer's connection.
func unchanged(ctx context.Context, q querier, from int64, batch []rawResponse) (bool, error) {
	if !idsFollow(from, batch) {
		return false, nil
	}
	last := batch[len(batch)-1].id
	var decided int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM flag_decisions WHERE response_id > ? AND response_id <= ?`,
		from, last).Scan(&decided); err != nil {
		return false, err
	}
	if last-from != int64(len(batch)) {
		var n int
		// The limit keeps the count as cheap as the batch, however far behind from is.
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT id FROM responses WHERE id > ? AND id <= ? LIMIT ?)`,
			from, last, len(batch)+1).Scan(&n); err != nil {
			return false, err
		}
		if n != len(batch) {
			return false, nil
		}
	}
	if decided == 0 {
		return true, nil
	}
	var excluded string
	if err := q.QueryRowContext(ctx, `SELECT coalesce(group_concat(id), '') FROM responses
		WHERE id > ? AND id <= ? AND excluded`, from, last).Scan(&excluded); err != nil {
		return false, err
	}
	var stored []int64
	for f := range strings.SplitSeq(excluded, ",") {
		if f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return false, err
		}
		stored = append(stored, id)
	}
	slices.Sort(stored)
	k := 0
	for i := range batch {
		if batch[i].excluded {
			if k >= len(stored) || stored[k] != batch[i].id {
				return false, nil
			}
			k++
		}
	}
	return k == len(stored), nil
}

// stepSize bounds one step's transaction when it reads the responses back.
// The writer connection is shared with the group commit that answers
// tablets, so a step is a pause for them; but the upserts cost per distinct
// key, and keys repeat more in a bigger step (decision 14).
const stepSize = 1000

// fedStepSize bounds a step counted from the feed: its tallies are made
// already and hold little memory, so it can be bigger, and most of a
// step's cost is its distinct keys (BenchmarkRollupFedStep, perf-ratio-like
// responses: 17 µs of CPU a response in steps of 1,000, 5 in 4,000, the
// longest step 21 ms; decision 14).
const fedStepSize = 4000

// CatchUp counts every response stored when it starts. It does not chase
// responses arriving meanwhile: under steady load that would mean a stream
// of tiny steps, each with its own commit, taking the writer from the
// submissions; the next tick takes them in one go.
func (r *Rollup) CatchUp(ctx context.Context) (int, error) {
	var target int64
	if err := r.db.read.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM responses`).Scan(&target); err != nil {
		return 0, err
	}
	total := 0
	for {
		n, last, err := r.step(ctx, fedStepSize)
		total += n
		if err != nil || n == 0 || last >= target {
			return total, err
		}
	}
}

// Run keeps the counts current until ctx ends, stepping every interval.
func (r *Rollup) Run(ctx context.Context, interval time.Duration, onError func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	// Prepared now rather than by the first step with responses to count,
	// which may come under load; a failure here is tried again by that step.
	if _, err := r.db.rollupUpserts(ctx); err != nil && ctx.Err() == nil {
		onError(err)
	}
	for {
		if _, err := r.CatchUp(ctx); err != nil && ctx.Err() == nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Rebuild drops every count and recounts all responses from the raw rows.
func (r *Rollup) Rebuild(ctx context.Context) (int, error) {
	err := r.db.tx(ctx, func(tx *sqlTx) error {
		for _, q := range []string{`DELETE FROM rollup_answers`, `DELETE FROM rollup_scales`, `DELETE FROM rollup_responses`, `DELETE FROM rollup_items`,
			`DELETE FROM rollup_moments`, `DELETE FROM responses_by_agency_month`, `UPDATE rollup_state SET last_id = 0`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return r.CatchUp(ctx)
}

type rawResponse struct {
	id                                                  int64
	surveyID, version, channel, month, answers, comment string
	flags                                               string
	answered                                            sql.NullInt64 // as stored: nanos
	received                                            int64
	agency, counter, officer                            int64
	partial, excluded                                   bool
	parsed                                              survey.Answers // the answers already decoded, if known
	tally                                               *tally         // what it adds, if worked out already
}

// rawOf is a stored response as the counting code reads it, without a
// second decoding of its answers.
func rawOf(r *survey.Response) rawResponse {
	rr := rawResponse{id: r.ID, surveyID: r.SurveyID, version: r.SurveyVersion, channel: string(r.Channel),
		month: r.Month, comment: r.Comment, received: nanos(r.ReceivedAt), agency: r.AgencyID, counter: r.CounterID,
		officer: r.OfficerID, partial: r.Partial, excluded: r.Excluded, flags: strings.Join(r.Flags, ","),
		parsed: r.Answers}
	if rr.parsed == nil { // none: stored as {}, never read back as "not parsed"
		rr.parsed = survey.Answers{}
	}
	rr.answered = nullNanos(r.AnsweredAt)
	return rr
}

// fedOf is what the writer feeds the worker of a response it has just
// stored: with its tally, made on the request's goroutine, only what the
// step checks (id and excluded mark); without, the response as rawOf has it.
func fedOf(r *survey.Response, t *tally) rawResponse {
	if t == nil {
		return rawOf(r)
	}
	return rawResponse{id: r.ID, excluded: r.Excluded, tally: t}
}

// tallyFor is the tally of a response about to be stored, made on the
// submitting request's goroutine so that the worker, whose steps hold the
// writer's connection, only adds it up; nil if its questionnaire cannot be
// found (the worker then works it out from the stored row).
func (r *Rollup) tallyFor(ctx context.Context, resp *survey.Response) *tally {
	def, err := r.definition(ctx, r.db.read, resp.SurveyID, resp.SurveyVersion)
	if err != nil {
		return nil
	}
	rr := rawOf(resp)
	// The day from the response's own flags, not from rr's joined copy of them.
	return tallyOf(r.shapeOf(def), &rr, countDay(resp.Month, resp.ReceivedAt, resp.AnsweredAt, resp.Flags), rr.parsed)
}

// day is the Asia/Ho_Chi_Minh day the response counts in (countDay).
func (rr *rawResponse) day() string {
	return countDay(rr.month, fromNanos(rr.received), fromNullNanos(rr.answered), strings.Split(rr.flags, ","))
}

// countDay is the day a response counts in: the citizen's time unless the
// clock rule replaced it with the server's (flag "clock"), and never after
// the server received it.
func countDay(month string, received time.Time, answered *time.Time, flags []string) string {
	at := received
	if answered != nil && !slices.Contains(flags, "clock") && answered.Before(received) {
		at = *answered
	}
	d := survey.Day(at)
	if d[:7] != month { // the stored month is the truth; keep the day inside it
		d = month + "-01"
	}
	return d
}

func (r *Rollup) count(ctx context.Context, q querier, rr *rawResponse, cs *counts) error {
	if rr.tally != nil { // fed: the step checked its excluded mark against the stored one
		cs.add(rr.tally)
		return nil
	}
	def, err := r.definition(ctx, q, rr.surveyID, rr.version)
	if err != nil {
		return err
	}
	a := rr.parsed
	if a == nil {
		var err error
		if a, err = decodeAnswers(rr.answers); err != nil {
			return fmt.Errorf("response %d: answers: %w", rr.id, err)
		}
	}
	countOne(def, rr, a, cs)
	return nil
}

// countOne adds one response's counts.
func countOne(def *survey.Definition, rr *rawResponse, a survey.Answers, cs *counts) {
	cs.add(tallyOf(cs.shape(def), rr, rr.day(), a))
}

// tally is what one response adds to the rollups. tallyOf is the one place
// that decides it, shared by the worker, the rebuild, the bulk loader and
// the submission path, so they cannot disagree; the submission path makes
// it on the request's goroutine, and the worker only adds it up (decision 14).
type tally struct {
	shape       *shape
	dim         dimKey
	day         string
	marks       []mark       // scale slots and valid items
	answers     []answerCell // rollup_answers: other kinds, and scale values outside 0–10
	moments     []nodeSum    // the respondent's sums per plan node
	partial     bool
	unsatisfied bool
	withComment bool
	// Room for a usual questionnaire's marks and moments, so that a tally
	// is one allocation, made for every submission.
	markRoom   [32]mark
	momentRoom [16]nodeSum
}

// mark is one answer's place in rollup_scales and rollup_items.
type mark struct {
	q    int16 // position in the shape's questions
	slot int8  // rollup_scales slot; -1: none
	item int8  // rollup_items: 0 not a valid item answer, 1 valid, 2 valid and satisfied
}

// nodeSum is a respondent's t and v under plan node k.
type nodeSum struct {
	k    int
	t, v int64
}

// tallyOf works out what rr, whose answers are a, adds to the rollups.
// Each answer is parsed once, and the moments and the dossier rule read
// the parsed values by position instead of looking codes up again.
func tallyOf(s *shape, rr *rawResponse, day string, a survey.Answers) *tally {
	t := &tally{shape: s, dim: dimKey{month: rr.month, surveyID: rr.surveyID, version: rr.version, channel: rr.channel,
		agency: rr.agency, counter: rr.counter, officer: rr.officer, excluded: rr.excluded},
		day: day, partial: rr.partial, withComment: rr.comment != ""}
	t.marks, t.moments = t.markRoom[:0], t.momentRoom[:0]
	var buf [64]scaleValue
	vals := buf[:0]
	if len(s.qs) <= len(buf) {
		vals = buf[:len(s.qs)]
	} else {
		vals = make([]scaleValue, len(s.qs))
	}
	for _, x := range a {
		code, v := x.Code, x.Value
		p, ok := s.pos[code]
		if !ok {
			continue // validated on the way in; a definition change cannot add unknown codes
		}
		q := s.qs[p]
		n, number := survey.ScaleValue(v)
		vals[p] = scaleValue{n, number}
		slot, scale := scaleSlot(q, v, n, number)
		valid := number && q.Kind == survey.KindScale && q.Scale != nil && q.Scale.Has(n)
		if scale || valid {
			m := mark{q: int16(p), slot: -1}
			if scale {
				m.slot = int8(slot)
			}
			if valid {
				m.item = 1
				if slices.Contains(q.Scale.Satisfied, n) {
					m.item = 2
				}
			}
			t.marks = append(t.marks, m)
		}
		if !scale {
			for _, val := range answerValues(q, v, nil) {
				t.answers = append(t.answers, answerCell{code, val})
			}
		}
	}
	s.plan.Respondent(func(i int, _ string) (int, bool) { v := vals[s.planPos[i]]; return v.n, v.ok }, func(k int, tt, vv int64) {
		t.moments = append(t.moments, nodeSum{k, tt, vv})
	})
	// Items come first among the questions: item i is at position i.
	t.unsatisfied = score.DossierUnsatisfiedBy(s.def, func(i int, _ *survey.Question) (int, bool) { v := vals[s.first[i]]; return v.n, v.ok })
	return t
}

// scaleValue is an answer as survey.ScaleValue parsed it.
type scaleValue struct {
	n  int
	ok bool
}

// add adds one response's tally.
func (cs *counts) add(t *tally) {
	k := t.dim
	d := cs.dim(k, t.shape)
	items := cs.itemsOf(itemDim{month: k.month, surveyID: k.surveyID, agency: k.agency, excluded: k.excluded})
	nums := cs.numbers[t.shape]
	if nums == nil {
		cs.book(k.surveyID) // every counted questionnaire has one, answered items or not
		nums = make([]int, len(t.shape.qs))
		for i := range nums {
			nums[i] = -1
		}
		cs.numbers[t.shape] = nums
	}
	for _, m := range t.marks {
		i := nums[m.q]
		if i < 0 {
			i = cs.book(k.surveyID).number(t.shape.qs[m.q].Code)
			nums[m.q] = i
		}
		if m.slot >= 0 {
			d.scales = grow(d.scales, i)
			d.scales[i][m.slot]++
		}
		if m.item > 0 {
			items.items = grow(items.items, i)
			ic := &items.items[i]
			ic.valid++
			if m.item == 2 {
				ic.satisfied++
			}
		}
	}
	for _, c := range t.answers {
		d.answers[c]++
	}
	// The responses themselves, under the empty question, for the ranking's n.
	resp := &items.responses
	resp.valid++
	// The respondent's sums per node, for the clustered intervals.
	for _, m := range t.moments {
		d.moments[m.k].Add(m.t, m.v)
		if d.plan.Nodes[m.k] == score.IndexNode {
			resp.index.Add(m.t, m.v)
		}
	}
	c := d.days[t.day]
	if c == nil {
		c = &responseCounts{}
		d.days[t.day] = c
	}
	c.responses++
	if t.partial {
		c.partial++
	}
	if t.unsatisfied {
		c.unsatisfied++
	}
	if t.withComment {
		c.withComment++
	}
}

// scaleText is the text of scale values 0–10, to count them without
// formatting each.
var scaleText = func() (t [11]string) {
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

// scaleSlot is where a scale answer v, which survey.ScaleValue parsed as n
// (if number), counts in rollup_scales; false for any other question, and
// for a value outside 0–10 (counted in rollup_answers).
func scaleSlot(q *survey.Question, v json.RawMessage, n int, number bool) (int, bool) {
	if q.Kind != survey.KindScale {
		return 0, false
	}
	if number {
		if n >= 0 && n < scaleSlots-1 {
			return n + 1, true
		}
		return 0, false
	}
	if s := strings.TrimSpace(string(v)); s == "" || s == "null" {
		return 0, true
	}
	return 0, false
}

// answerValues appends to buf the rollup values of one answer: the scale
// value, "NA", or the chosen option codes. Free text is not counted.
func answerValues(q *survey.Question, v json.RawMessage, buf []string) []string {
	s := strings.TrimSpace(string(v))
	if s == "" || s == "null" {
		if q.Kind == survey.KindText {
			return buf
		}
		return append(buf, "NA")
	}
	switch q.Kind {
	case survey.KindScale:
		if n, ok := survey.ScaleValue(v); ok {
			if n >= 0 && n < len(scaleText) {
				return append(buf, scaleText[n])
			}
			return append(buf, strconv.Itoa(n))
		}
	case survey.KindSingle, survey.KindProfile:
		var code string
		if json.Unmarshal(v, &code) == nil {
			return append(buf, code)
		}
	case survey.KindMulti:
		var codes []string
		if json.Unmarshal(v, &codes) == nil {
			return append(buf, codes...)
		}
	}
	return buf
}

// applyCounts adds sign × the counts (sign −1 takes them back out), with
// the upserts us prepared before tx began (nil: prepared in tx, for one use).
func applyCounts(ctx context.Context, tx *sqlTx, us upsertStmts, cs *counts, sign int64) error {
	ins := newUpsert(ctx, tx, us, answersUpsert)
	defer ins.close()
	// In primary-key order: the b-tree is then written front to back, page
	// by page, instead of at random places (several times faster on big loads).
	type answerRow struct {
		dim  *dimKey
		cell answerCell
		n    int64
	}
	var rows []answerRow
	for k, d := range cs.dims {
		dk := &k
		for c, n := range d.answers {
			rows = append(rows, answerRow{dk, c, n})
		}
	}
	slices.SortFunc(rows, func(a, b answerRow) int {
		return cmp.Or(cmp.Compare(a.dim.month, b.dim.month), cmp.Compare(a.dim.agency, b.dim.agency),
			cmp.Compare(a.dim.surveyID, b.dim.surveyID), cmp.Compare(a.cell.question, b.cell.question),
			cmp.Compare(a.cell.value, b.cell.value), cmp.Compare(a.dim.counter, b.dim.counter),
			cmp.Compare(a.dim.officer, b.dim.officer), cmp.Compare(a.dim.channel, b.dim.channel))
	})
	for _, r := range rows {
		k := r.dim
		if err := ins.add(k.month, k.agency, k.counter, k.officer, k.surveyID, k.version, k.channel,
			k.excluded, r.cell.question, r.cell.value, sign*r.n); err != nil {
			return err
		}
	}
	if err := ins.flush(); err != nil {
		return err
	}
	if err := applyScales(ctx, tx, us, cs, sign); err != nil {
		return err
	}
	insR := newUpsert(ctx, tx, us, responsesUpsert)
	defer insR.close()
	for k, d := range cs.dims {
		for day, c := range d.days {
			if err := insR.add(day, k.month, k.agency, k.counter, k.officer, k.surveyID, k.version, k.channel,
				k.excluded, sign*c.responses, sign*c.partial, sign*c.unsatisfied, sign*c.withComment); err != nil {
				return err
			}
		}
	}
	if err := insR.flush(); err != nil {
		return err
	}
	insI := newUpsert(ctx, tx, us, itemsUpsert)
	defer insI.close()
	for k, set := range cs.items {
		codes := cs.books[k.surveyID].codes
		for i := -1; i < len(set.items); i++ {
			c, q := &set.responses, ""
			if i >= 0 {
				if c, q = &set.items[i], codes[i]; c.zero() {
					continue
				}
			}
			m := c.index
			if err := insI.add(k.month, k.surveyID, k.agency, q, k.excluded, sign*c.valid, sign*c.satisfied,
				sign*m.N, sign*m.T, sign*m.V, sign*m.TT, sign*m.TV, sign*m.VV); err != nil {
				return err
			}
		}
	}
	if err := insI.flush(); err != nil {
		return err
	}
	insM := newUpsert(ctx, tx, us, momentsUpsert)
	defer insM.close()
	for k, d := range cs.dims {
		for i, m := range d.moments {
			if m.N == 0 {
				continue // no respondent answered under this node
			}
			if err := insM.add(k.month, k.agency, k.counter, k.officer, k.surveyID, k.version, k.channel, k.excluded,
				d.plan.Nodes[i], sign*m.N, sign*m.T, sign*m.V, sign*m.TT, sign*m.TV, sign*m.VV); err != nil {
				return err
			}
		}
	}
	return insM.flush()
}

// applyScales adds sign × the scale counts to rollup_scales, in key order.
func applyScales(ctx context.Context, tx *sqlTx, us upsertStmts, cs *counts, sign int64) error {
	type scaleRow struct {
		dim      *dimKey
		question string
		c        *scaleCounts
	}
	var rows []scaleRow
	for k, d := range cs.dims {
		dk, codes := &k, cs.books[k.surveyID].codes
		for i := range d.scales {
			if c := &d.scales[i]; !c.zero() {
				rows = append(rows, scaleRow{dk, codes[i], c})
			}
		}
	}
	slices.SortFunc(rows, func(a, b scaleRow) int {
		return cmp.Or(cmp.Compare(a.dim.month, b.dim.month), cmp.Compare(a.dim.agency, b.dim.agency),
			cmp.Compare(a.dim.surveyID, b.dim.surveyID), cmp.Compare(a.question, b.question),
			cmp.Compare(a.dim.counter, b.dim.counter), cmp.Compare(a.dim.officer, b.dim.officer),
			cmp.Compare(a.dim.channel, b.dim.channel))
	})
	ins := newUpsert(ctx, tx, us, scalesUpsert)
	defer ins.close()
	row := make([]any, 0, 9+scaleSlots)
	for _, r := range rows {
		k := r.dim
		row = append(row[:0], k.month, k.agency, k.counter, k.officer, k.surveyID, k.version, k.channel, k.excluded, r.question)
		for _, n := range r.c {
			row = append(row, sign*n)
		}
		if err := ins.add(row...); err != nil {
			return err
		}
	}
	return ins.flush()
}

// scaleColumns are rollup_scales' count columns, slot by slot.
var scaleColumns = [scaleSlots]string{"na", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10"}

// upsertRows is how many rows one upsert statement carries: the driver's
// cost per statement, not SQLite's own work, dominated one-row upserts
// (decision 14), and SQLite allows 32,766 parameters.
const upsertRows = 64

// upsertSpec is one rollup table's upsert: the INSERT's head, its number
// of columns and what a conflicting row adds to the stored one.
type upsertSpec struct {
	head, conflict string
	cols           int
}

// statement is the upsert text for n rows.
func (u *upsertSpec) statement(n int) string {
	row := "(?" + strings.Repeat(", ?", u.cols-1) + ")"
	return u.head + " VALUES " + row + strings.Repeat(", "+row, n-1) + " " + u.conflict
}

var (
	answersUpsert = &upsertSpec{head: `INSERT INTO rollup_answers
		(month, agency_id, counter_id, officer_id, survey_id, survey_version, channel, excluded, question, value, n)`, cols: 11,
		conflict: `ON CONFLICT DO UPDATE SET n = n + excluded.n`}
	scalesUpsert = func() *upsertSpec {
		set := make([]string, 0, scaleSlots)
		for _, col := range scaleColumns {
			set = append(set, col+" = "+col+" + excluded."+col)
		}
		return &upsertSpec{head: `INSERT INTO rollup_scales (month, agency_id, counter_id, officer_id, survey_id, survey_version,
		channel, excluded, question, ` + strings.Join(scaleColumns[:], ", ") + `)`, cols: 9 + scaleSlots,
			conflict: `ON CONFLICT DO UPDATE SET ` + strings.Join(set, ", ")}
	}()
	responsesUpsert = &upsertSpec{head: `INSERT INTO rollup_responses
		(day, month, agency_id, counter_id, officer_id, survey_id, survey_version, channel, excluded, responses, partial, unsatisfied, with_comment)`, cols: 13,
		conflict: `ON CONFLICT DO UPDATE SET responses = responses + excluded.responses, partial = partial + excluded.partial,
			unsatisfied = unsatisfied + excluded.unsatisfied, with_comment = with_comment + excluded.with_comment`}
	itemsUpsert = &upsertSpec{head: `INSERT INTO rollup_items (month, survey_id, agency_id, question, excluded, valid, satisfied,
			mn, mt, mv, mtt, mtv, mvv)`, cols: 13,
		conflict: `ON CONFLICT DO UPDATE SET valid = valid + excluded.valid, satisfied = satisfied + excluded.satisfied,
			mn = mn + excluded.mn, mt = mt + excluded.mt, mv = mv + excluded.mv,
			mtt = mtt + excluded.mtt, mtv = mtv + excluded.mtv, mvv = mvv + excluded.mvv`}
	momentsUpsert = &upsertSpec{head: `INSERT INTO rollup_moments
		(month, agency_id, counter_id, officer_id, survey_id, survey_version, channel, excluded, node, n, t, v, tt, tv, vv)`, cols: 15,
		conflict: `ON CONFLICT DO UPDATE SET n = n + excluded.n, t = t + excluded.t, v = v + excluded.v,
			tt = tt + excluded.tt, tv = tv + excluded.tv, vv = vv + excluded.vv`}
	upsertSpecs = []*upsertSpec{answersUpsert, scalesUpsert, responsesUpsert, itemsUpsert, momentsUpsert}
)

// upsertStmts are every rollup upsert, for upsertRows rows and for each
// smaller power of two, prepared once on the write pool: compiling a
// statement of 64 rows and ~1,000 parameters was a fifth of a rollup
// step's work, done again in every step while the step held the writer
// (decision 14). A transaction takes them with Tx.StmtContext, which
// reuses what is prepared on its connection.
type upsertStmts map[upsertKey]*sql.Stmt

type upsertKey struct {
	spec *upsertSpec
	rows int
}

// rollupUpserts returns the prepared upserts, preparing them on first use.
// It takes the write pool's one connection: call it before a transaction
// begins, never inside one.
func (db *DB) rollupUpserts(ctx context.Context) (upsertStmts, error) {
	db.upsertsMu.Lock()
	defer db.upsertsMu.Unlock()
	if db.upserts != nil {
		return db.upserts, nil
	}
	us := upsertStmts{}
	for _, spec := range upsertSpecs {
		for n := upsertRows; n >= 1; n /= 2 {
			st, err := db.write.PrepareContext(ctx, spec.statement(n))
			if err != nil {
				us.close()
				return nil, err
			}
			us[upsertKey{spec, n}] = st
		}
	}
	db.upserts = us
	return us, nil
}

func (us upsertStmts) close() {
	for _, st := range us {
		st.Close()
	}
}

// upsert adds rows to a rollup table upsertRows at a time.
type upsert struct {
	ctx  context.Context
	tx   *sqlTx
	us   upsertStmts
	spec *upsertSpec
	full *sql.Stmt // upsertRows rows, taken on first use
	args []any
}

func newUpsert(ctx context.Context, tx *sqlTx, us upsertStmts, spec *upsertSpec) *upsert {
	return &upsert{ctx: ctx, tx: tx, us: us, spec: spec}
}

// stmt is the statement for n rows in the transaction: the prepared one,
// or, without them, one compiled now.
func (u *upsert) stmt(n int) (*sql.Stmt, error) {
	if st := u.us[upsertKey{u.spec, n}]; st != nil {
		return u.tx.StmtContext(u.ctx, st), nil
	}
	return u.tx.PrepareContext(u.ctx, u.spec.statement(n))
}

// add queues one row, writing a full statement's worth when there is one.
func (u *upsert) add(row ...any) error {
	u.args = append(u.args, row...)
	if len(u.args) < upsertRows*u.spec.cols {
		return nil
	}
	if u.full == nil {
		var err error
		if u.full, err = u.stmt(upsertRows); err != nil {
			return err
		}
	}
	_, err := u.full.ExecContext(u.ctx, u.args...)
	u.args = u.args[:0]
	return err
}

// flush writes the rows still queued: with the prepared statements, in
// pieces of a power of two rows, largest first; else in one statement.
func (u *upsert) flush() error {
	defer func() { u.args = u.args[:0] }()
	for done := 0; done < len(u.args); {
		n := (len(u.args) - done) / u.spec.cols
		if u.us != nil {
			n = 1 << (bits.Len(uint(n)) - 1)
		}
		st, err := u.stmt(n)
		if err != nil {
			return err
		}
		_, err = st.ExecContext(u.ctx, u.args[done:done+n*u.spec.cols]...)
		st.Close()
		if err != nil {
			return err
		}
		done += n * u.spec.cols
	}
	return nil
}

func (u *upsert) close() {
	if u.full != nil {
		u.full.Close()
	}
}

// definition returns the questionnaire version a response answered.
func (r *Rollup) definition(ctx context.Context, q querier, id, version string) (*survey.Definition, error) {
	if d, ok := r.surveys.Get(id); ok && d.Version == version {
		return d, nil
	}
	key := id + "@" + version
	r.mu.Lock()
	defer r.mu.Unlock()
	if d := r.defs[key]; d != nil {
		return d, nil
	}
	var js string
	// On the reader pool, or inside the writer's transaction, whose
	// connection is the write pool's only one.
	if err := q.QueryRowContext(ctx, `SELECT definition FROM surveys WHERE id = ? AND version = ?`, id, version).Scan(&js); err != nil {
		return nil, fmt.Errorf("definition %s: %w", key, err)
	}
	d := &survey.Definition{}
	if err := json.Unmarshal([]byte(js), d); err != nil {
		return nil, err
	}
	r.defs[key] = d
	return d, nil
}
