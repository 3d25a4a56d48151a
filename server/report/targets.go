package report

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// Standing is an agency's year so far against its target (issue 14, parts
// 2 and 5): the months of the year up to To pooled over respondents (their
// counts and moments summed, the formula applied once: never an average
// of monthly percentages), the same months a year earlier, the change, and
// the verdict against the year's target.
type Standing struct {
	Agency   *survey.Agency
	Year     int
	From, To string   // months of the period, YYYY-MM
	Period   *Rolling // the pooled months From–To
	LastYear *Rolling // the same months a year earlier
	Change   Change   // Period against LastYear
	Target   *survey.Target
	SetBy    *survey.Agency // where the target comes from: the agency itself or an ancestor
	Verdict  score.Verdict  // VerdictUnknown without a target or a figure
	Gap      float64        // index − target in points, when both exist
}

// Inherited reports whether the target was set on an ancestor.
func (s *Standing) Inherited() bool { return s.SetBy != nil && s.SetBy.ID != s.Agency.ID }

// YearOf returns the year of a month YYYY-MM and how many of its months
// run up to it (10 for October).
func YearOf(month string) (year, months int, err error) {
	t, err := survey.ParseMonth(month)
	if err != nil || len(month) != 7 {
		return 0, 0, survey.FieldError("month", "error.month.malformed", nil)
	}
	return t.Year(), int(t.Month()), nil
}

// plan is one year's targets with the tree they are inherited down.
type plan struct {
	tree *survey.Tree
	own  map[int64]survey.Target
}

// plan reads the targets of month's year.
func (r *Reports) plan(ctx context.Context, month string) (plan, error) {
	year, _, err := YearOf(month)
	if err != nil {
		return plan{}, err
	}
	tree, err := r.db.AgencyTree(ctx)
	if err != nil {
		return plan{}, err
	}
	own, err := r.db.Targets(ctx, year)
	return plan{tree: tree, own: own}, err
}

// TargetOf returns the target in force for an agency in month's year and
// the agency that set it; nil, nil when none is.
func (r *Reports) TargetOf(ctx context.Context, a *survey.Agency, month string) (*survey.Target, *survey.Agency, error) {
	p, err := r.plan(ctx, month)
	if err != nil {
		return nil, nil, err
	}
	t, from, ok := survey.EffectiveTarget(p.tree, a.ID, p.own)
	if !ok {
		return nil, nil, nil
	}
	return &t, from, nil
}

// Standing pools an agency's months from January to month (inclusive).
func (r *Reports) Standing(ctx context.Context, a *survey.Agency, def *survey.Definition, month string) (*Standing, error) {
	return r.StandingWith(ctx, a, def, month, nil)
}

// StandingWith is Standing that takes this year's months from a series the
// caller already read (the scorecard's 13 months hold them), so only last
// year's months are read again.
func (r *Reports) StandingWith(ctx context.Context, a *survey.Agency, def *survey.Definition, month string, series []*Score) (*Standing, error) {
	p, err := r.plan(ctx, month)
	if err != nil {
		return nil, err
	}
	return r.standing(ctx, p, a, def, month, series)
}

func (r *Reports) standing(ctx context.Context, p plan, a *survey.Agency, def *survey.Definition, month string, series []*Score) (*Standing, error) {
	year, n, err := YearOf(month)
	if err != nil {
		return nil, err
	}
	cur, ok, err := Pooled(a, def, series, month, n)
	if err == nil && !ok {
		cur, err = r.Rolling(ctx, a, def, month, n)
	}
	if err != nil {
		return nil, err
	}
	last, err := r.Rolling(ctx, a, def, lastYear(month), n)
	if err != nil {
		return nil, err
	}
	return judge(p, a, year, cur, last), nil
}

// lastYear is the same month a year earlier.
func lastYear(month string) string {
	y, _ := strconv.Atoi(month[:4])
	return strconv.Itoa(y-1) + month[4:]
}

// judge puts a period and the same months of the year before against the
// target in force.
func judge(p plan, a *survey.Agency, year int, cur, last *Rolling) *Standing {
	s := &Standing{Agency: a, Year: year, From: cur.From, To: cur.To, Period: cur, LastYear: last,
		Change: CompareScores(cur.Score, last.Score), Verdict: score.VerdictUnknown}
	if tg, from, ok := survey.EffectiveTarget(p.tree, a.ID, p.own); ok {
		s.Target, s.SetBy = &tg, from
		idx, ci := cur.Headline()
		s.Verdict = score.TargetVerdict(idx, ci, tg.Index)
		if idx.Valid {
			s.Gap = idx.Value - tg.Index
		}
	}
	return s
}

// pooledShares pools the n months ending with month for each of agencies
// (each month with its subtree as it stood then) from the per-item shares
// a ranking reads (sqlite.ItemShares): one scan per month serves every
// agency, so a table of thousands of communes costs what one month's
// ranking costs per month. The index, interval and n are exactly
// Rolling's (score.FromShares); there is no breakdown below the index.
// whole is all of them together, as the ranking's funnel needs it.
func (r *Reports) pooledShares(ctx context.Context, tree *survey.Tree, agencies []*survey.Agency, def *survey.Definition, month string, n int) (out map[int64]*Rolling, whole score.Result, err error) {
	months := Months(month, n)
	k := len(agencies) // the last accumulator is everyone's
	sums := make([]*Tally, k+1)
	items := make([]map[string]score.Share, k+1)
	for i := range sums {
		sums[i], items[i] = newTally(), map[string]score.Share{}
	}
	for _, m := range months {
		shares, err := r.db.ItemShares(ctx, m, def.ID)
		if err != nil {
			return nil, whole, err
		}
		for i, a := range agencies {
			ids := tree.SubtreeIn(a.ID, m)
			for _, j := range []int{i, k} {
				_, got, _ := sumShares(ids, shares, sums[j])
				for q, sh := range got {
					o := items[j][q]
					items[j][q] = score.Share{Valid: o.Valid + sh.Valid, Satisfied: o.Satisfied + sh.Satisfied}
				}
			}
		}
	}
	results := make([]score.Result, k+1)
	for i := range results {
		if results[i], err = score.FromShares(def, sums[i].Responses, items[i], sums[i].Moments[score.IndexNode]); err != nil {
			return nil, whole, err
		}
	}
	out = make(map[int64]*Rolling, k)
	for i, a := range agencies {
		out[a.ID] = &Rolling{From: months[0], To: month, Score: &Score{Agency: a, Month: month, Definition: def, Result: results[i],
			Tally: sums[i], Excluded: sums[i].Excluded, SharesOnly: true}}
	}
	return out, results[k], nil
}

// YearTable is the children of an agency (the province's top level when
// parent is nil) over the same months of one year, with their targets,
// verdicts and ranking: the ranking rules of the monthly comparison
// (score.Rank) applied to the pooled figures.
type YearTable struct {
	Parent *survey.Agency
	Month  string
	Rows   []*Standing
	Rank   score.RankResult
}

// Year builds the table of the children of parent pooled from January to
// month. Children are those that stood under parent in month.
func (r *Reports) Year(ctx context.Context, parent *survey.Agency, def *survey.Definition, month string) (*YearTable, error) {
	p, err := r.plan(ctx, month)
	if err != nil {
		return nil, err
	}
	var parentID int64
	if parent != nil {
		parentID = parent.ID
	}
	t := &YearTable{Parent: parent, Month: month}
	all := newTally()
	var entries []score.RankEntry
	children := p.tree.ChildrenIn(parentID, month)
	year, n, err := YearOf(month)
	if err != nil {
		return nil, err
	}
	var cur, last map[int64]*Rolling
	var whole score.Result
	if def.Method != survey.MethodND61 { // nd61 reports points per dossier too: full tallies, agency by agency
		if cur, whole, err = r.pooledShares(ctx, p.tree, children, def, month, n); err != nil {
			return nil, err
		}
		if last, _, err = r.pooledShares(ctx, p.tree, children, def, lastYear(month), n); err != nil {
			return nil, err
		}
	}
	for _, a := range children {
		var s *Standing
		if cur != nil {
			s = judge(p, a, year, cur[a.ID], last[a.ID])
		} else if s, err = r.standing(ctx, p, a, def, month, nil); err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, s)
		add(all, s.Period.Tally)
		idx, ci := s.Period.Headline()
		entries = append(entries, score.RankEntry{Code: a.Code, DefinitionID: def.ID, Responses: s.Period.Result.Responses, Index: idx, CI95: ci})
	}
	if cur == nil {
		if whole, err = score.Compute(def, all.Counts(def)); err != nil {
			return nil, err
		}
	}
	p0, _ := whole.Headline()
	spread := score.OneAnswerSpread(p0.Value)
	if whole.SIPAS != nil || whole.ND61 != nil {
		spread = score.ProvinceSpread(p0.Value, all.Moments[score.IndexNode])
	}
	t.Rank = score.Rank(def.ID, p0.Value, spread, entries)
	return t, nil
}

// Position is where an agency ranks in the table (0 when not ranked) and
// how many were ranked.
func (t *YearTable) Position(code string) (pos, of int) {
	for _, e := range t.Rank.Ranked {
		if e.Code == code {
			return e.Position, len(t.Rank.Ranked)
		}
	}
	return 0, len(t.Rank.Ranked)
}

// Below returns the rows whose whole interval is below their target, the
// furthest below first.
func (t *YearTable) Below() []*Standing {
	var out []*Standing
	for _, s := range t.Rows {
		if s.Verdict == score.VerdictBelow {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b *Standing) int { return cmp.Compare(a.Gap, b.Gap) })
	return out
}
