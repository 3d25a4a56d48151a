// Package report turns the rolled-up counts into the figures agency heads
// and the province read: an agency's monthly score, its trend, its
// counters and officers, and rankings. It joins storage (sqlite) and the
// formulas (score); the API and the dashboard both render what it returns.
package report

import (
	"context"
	"errors"
	"maps"
	"sync"
	"time"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// Reports builds reports from the database and the active questionnaires.
type Reports struct {
	db      *sqlite.DB
	surveys *survey.Catalog

	mu    sync.Mutex
	ranks map[rankKey]*Ranking // recent rankings: every scorecard shows its rank among siblings
}

type rankKey struct {
	parent        int64
	survey, month string
	tree          int64 // the agency tree's version: a merger or move shows at once
}

// rankTTL is how long a ranking is reused. Ranking thousands of siblings
// costs ~0.1 s and every scorecard of a sibling needs it; a rank a minute
// old is as good as a fresh one for a monthly figure.
const rankTTL = time.Minute

// New returns a report builder.
func New(db *sqlite.DB, surveys *survey.Catalog) *Reports {
	return &Reports{db: db, surveys: surveys, ranks: map[rankKey]*Ranking{}}
}

// Score is one scope's score for a month.
type Score struct {
	Agency     *survey.Agency
	Month      string
	Definition *survey.Definition
	Result     score.Result
	Tally      *Tally // the raw counts behind Result (choices, partial, comments)
	Excluded   int    // flagged responses left out
	// SharesOnly marks a ranking's score built from satisfied shares alone
	// (score.FromShares): index, interval and n are exact; there is no
	// element breakdown, and Tally holds only the response counts.
	SharesOnly bool
	// Dossiers holds the response rates and the QĐ 766 indicator; nil
	// when no dossier counts were reported for the scope and month.
	Dossiers *Dossiers
}

// Request names what to score; Survey may be empty (the agency's own).
type Request struct {
	Agency string // mã định danh
	Month  string // YYYY-MM
	Survey string
}

// Resolve checks a request: the agency exists, the month is well formed,
// and the questionnaire is known (defaulting to the agency's assignment).
func (r *Reports) Resolve(ctx context.Context, req Request) (*survey.Agency, *survey.Definition, error) {
	if _, err := survey.ParseMonth(req.Month); err != nil || len(req.Month) != 7 {
		return nil, nil, survey.FieldError("month", "error.month.malformed", nil)
	}
	a, err := r.db.AgencyByCode(ctx, req.Agency)
	if errors.Is(err, survey.ErrNotFound) {
		return nil, nil, survey.Errorf(survey.CodeNotFound, "error.agency.unknown", map[string]any{"Code": req.Agency})
	}
	if err != nil {
		return nil, nil, err
	}
	id := req.Survey
	if id == "" {
		if id, err = r.db.SurveyFor(ctx, a.ID); err != nil {
			return nil, nil, err
		}
	}
	def, ok := r.surveys.Get(id)
	if !ok {
		if req.Survey == "" {
			def = r.surveys.Default()
		} else {
			return nil, nil, survey.FieldError("survey", "error.survey.unknown", map[string]any{"ID": id})
		}
	}
	return a, def, nil
}

// Score scores an agency's whole subtree for one month, as the tree stood
// in that month (its branches then, and the agencies merged into it before
// then): counts are summed first, then the formula is applied (SIPAS.md).
func (r *Reports) Score(ctx context.Context, a *survey.Agency, def *survey.Definition, month string) (*Score, error) {
	return r.Period(ctx, a, def, month, month)
}

// Period scores an agency's subtree over the months from..to (inclusive)
// pooled over respondents, with the subtree as it stood in the last month;
// Month of the result is to. A quarter is three months pooled.
func (r *Reports) Period(ctx context.Context, a *survey.Agency, def *survey.Definition, from, to string) (*Score, error) {
	ids, err := r.db.SubtreeIn(ctx, a.ID, to)
	if err != nil {
		return nil, err
	}
	t, err := r.tallies(ctx, ids, def.ID, from, to, ByNone)
	if err != nil {
		return nil, err
	}
	tally := t[""]
	if tally == nil {
		tally = newTally()
	}
	res, err := score.Compute(def, tally.Counts(def))
	if err != nil {
		return nil, err
	}
	sc := &Score{Agency: a, Month: to, Definition: def, Result: res, Tally: tally, Excluded: tally.Excluded}
	if from == to { // one month: its dossier counts (a pooled period carries none)
		if sc.Dossiers, err = r.dossiers(ctx, ids, def, to); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// Months returns the n months ending with month, oldest first.
func Months(month string, n int) []string {
	t, err := survey.ParseMonth(month)
	if err != nil {
		return nil
	}
	out := make([]string, n)
	for i := range n {
		out[n-1-i] = t.AddDate(0, -i, 0).Format("2006-01")
	}
	return out
}

// Series scores an agency's subtree for each of the n months ending with
// month, each month with the subtree as it stood then, so every point is
// the month's own Score.
func (r *Reports) Series(ctx context.Context, a *survey.Agency, def *survey.Definition, month string, n int) ([]*Score, error) {
	months := Months(month, n)
	runs, err := r.runs(ctx, a.ID, months)
	if err != nil {
		return nil, err
	}
	ts := map[string]*Tally{}
	for _, run := range runs {
		got, err := r.tallies(ctx, run.ids, def.ID, run.from, run.to, ByMonth)
		if err != nil {
			return nil, err
		}
		maps.Copy(ts, got)
	}
	out := make([]*Score, 0, n)
	for _, m := range months {
		t := ts[m]
		if t == nil {
			t = newTally()
		}
		res, err := score.Compute(def, t.Counts(def))
		if err != nil {
			return nil, err
		}
		out = append(out, &Score{Agency: a, Month: m, Definition: def, Result: res, Tally: t, Excluded: t.Excluded})
	}
	// The month shown carries its dossier figures, as Score's does; the
	// earlier points of a trend do not show them.
	if len(runs) > 0 {
		last := out[len(out)-1]
		if last.Dossiers, err = r.dossiers(ctx, runs[len(runs)-1].ids, def, last.Month); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Ranking scores every child of parent (each with its subtree) for a month
// and ranks the reliable ones under the same questionnaire (UX.md "Ranking rules").
type Ranking struct {
	Parent  *survey.Agency
	Month   string
	Survey  *survey.Definition
	Scores  map[int64]*Score // by child agency ID
	P0      float64          // the index of all children together, computed as each child's (0 when none)
	Share   score.Figure     // P0, undefined when the children have no answers
	Spread  score.Spread     // the children's per-respondent variance behind the funnel limits
	Result  score.RankResult
	Elapsed time.Duration

	computed time.Time
}

// Rank ranks the children of parent (all root agencies when parent is nil),
// reusing a ranking computed in the last minute.
func (r *Reports) Rank(ctx context.Context, parent *survey.Agency, def *survey.Definition, month string) (*Ranking, error) {
	tree, err := r.db.AgencyTree(ctx)
	if err != nil {
		return nil, err
	}
	key := rankKey{survey: def.ID + "@" + def.Version, month: month, tree: tree.Version}
	if parent != nil {
		key.parent = parent.ID
	}
	r.mu.Lock()
	cached := r.ranks[key]
	r.mu.Unlock()
	if cached != nil && time.Since(cached.computed) < rankTTL {
		return cached, nil
	}
	rk, err := r.rank(ctx, tree, parent, def, month)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if len(r.ranks) > 512 {
		clear(r.ranks)
	}
	r.ranks[key] = rk
	r.mu.Unlock()
	return rk, nil
}

// rank ranks the children of parent as they stood in month: those that
// existed then, each with its subtree then, so a later merger, closure or
// new agency leaves a past month's table as it was.
func (r *Reports) rank(ctx context.Context, tree *survey.Tree, parent *survey.Agency, def *survey.Definition, month string) (*Ranking, error) {
	start := time.Now()
	var parentID int64
	if parent != nil {
		parentID = parent.ID
	}
	tops := tree.ChildrenIn(parentID, month)
	var err error
	// SIPAS-style and quick indexes need only each item's satisfied share:
	// the small per-item summary serves thousands of agencies at once. nd61
	// also reports points per dossier, so it takes the full tallies.
	var shares map[int64]*sqlite.Shares
	var ts map[string]*Tally
	if def.Method == survey.MethodND61 {
		ts, err = r.tallies(ctx, ids(tree.All()), def.ID, month, month, ByAgency)
	} else {
		shares, err = r.db.ItemShares(ctx, month, def.ID)
	}
	if err != nil {
		return nil, err
	}
	counted, err := r.db.DossierTotalsByAgency(ctx, month)
	if err != nil {
		return nil, err
	}
	rk := &Ranking{Parent: parent, Month: month, Survey: def, Scores: map[int64]*Score{}}
	var entries []score.RankEntry
	// The province is scored like each agency, from everything the ranked
	// agencies hold together, so that the funnel compares like with like.
	var everyone []int64
	scope := func(ids []int64) (score.Result, *Tally, error) {
		sum := newTally()
		if shares != nil {
			n, sh, m := sumShares(ids, shares, sum)
			res, err := score.FromShares(def, n, sh, m)
			return res, sum, err
		}
		for _, id := range ids {
			if t := ts[itoa(id)]; t != nil {
				add(sum, t)
			}
		}
		res, err := score.Compute(def, sum.Counts(def))
		return res, sum, err
	}
	for _, top := range tops {
		ids := tree.SubtreeIn(top.ID, month)
		everyone = append(everyone, ids...)
		res, sum, err := scope(ids)
		if err != nil {
			return nil, err
		}
		s := &Score{Agency: top, Month: month, Definition: def, Result: res, Tally: sum, Excluded: sum.Excluded, SharesOnly: shares != nil,
			Dossiers: rates(counted, ids)}
		rk.Scores[top.ID] = s
		idx, ci := res.Headline()
		entries = append(entries, score.RankEntry{Code: top.Code, DefinitionID: def.ID, Responses: res.Responses, Index: idx, CI95: ci})
	}
	whole, sum, err := scope(everyone)
	if err != nil {
		return nil, err
	}
	if p0, _ := whole.Headline(); p0.Valid {
		rk.P0, rk.Share = p0.Value, p0
	}
	rk.Spread = score.OneAnswerSpread(rk.P0)     // a quick rating: one yes/no each
	if whole.SIPAS != nil || whole.ND61 != nil { // several answers a respondent: the clustered spread
		rk.Spread = score.ProvinceSpread(rk.P0, sum.Moments[score.IndexNode])
	}
	rk.Result = score.Rank(def.ID, rk.P0, rk.Spread, entries)
	rk.Elapsed, rk.computed = time.Since(start), time.Now()
	return rk, nil
}

// Headline returns the score's main figure and its 95% interval.
func (s *Score) Headline() (score.Figure, *score.Interval) { return s.Result.Headline() }

func add(dst, src *Tally) {
	dst.Responses += src.Responses
	dst.Excluded += src.Excluded
	dst.Partial += src.Partial
	dst.Unsatisfied += src.Unsatisfied
	dst.WithComment += src.WithComment
	for node, m := range src.Moments {
		cur := dst.Moments[node]
		cur.Merge(m)
		dst.Moments[node] = cur
	}
	for q, vals := range src.Answers {
		if dst.Answers[q] == nil {
			dst.Answers[q] = map[string]int{}
		}
		for v, n := range vals {
			dst.Answers[q][v] += n
		}
	}
}

func ids(as []*survey.Agency) []int64 {
	out := make([]int64, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

// sumShares adds up the item shares and index sums of a subtree (and its
// response counts into sum, whose index moments it also fills).
func sumShares(ids []int64, shares map[int64]*sqlite.Shares, sum *Tally) (int, map[string]score.Share, score.Moments) {
	out := map[string]score.Share{}
	var m score.Moments
	for _, id := range ids {
		sh := shares[id]
		if sh == nil {
			continue
		}
		sum.Responses += sh.Responses
		sum.Excluded += sh.Excluded
		m.Merge(sh.Index)
		for q, v := range sh.Items {
			o := out[q]
			out[q] = score.Share{Valid: o.Valid + v[0], Satisfied: o.Satisfied + v[1]}
		}
	}
	cur := sum.Moments[score.IndexNode]
	cur.Merge(m)
	sum.Moments[score.IndexNode] = cur
	return sum.Responses, out, m
}
