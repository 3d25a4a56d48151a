package report

import (
	"context"
	"slices"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// run is consecutive months over which an agency's subtree stood the same,
// so that their counts come from one query.
type run struct {
	from, to string
	ids      []int64
}

// runs splits months (consecutive, oldest first) into runs of the same
// subtree as it stood in each month. Usually there is one run; a merger,
// closure or new branch inside the months starts another.
func (r *Reports) runs(ctx context.Context, id int64, months []string) ([]run, error) {
	tree, err := r.db.AgencyTree(ctx)
	if err != nil {
		return nil, err
	}
	var out []run
	for _, m := range months {
		ids := tree.SubtreeIn(id, m)
		if n := len(out); n > 0 && slices.Equal(out[n-1].ids, ids) {
			out[n-1].to = m
			continue
		}
		out = append(out, run{from: m, to: m, ids: ids})
	}
	return out, nil
}

// Rolling is an agency's figure over several months together: the counts
// of each month (with the subtree as it stood then) summed first, then the
// formula applied once. Small communes get it when one month has too few
// responses to read (UX.md §3 "Small n").
type Rolling struct {
	From, To string // first and last month, YYYY-MM
	*Score          // Score.Month is To
}

// Rolling scores an agency over the n months ending with month.
func (r *Reports) Rolling(ctx context.Context, a *survey.Agency, def *survey.Definition, month string, n int) (*Rolling, error) {
	months := Months(month, n)
	if len(months) == 0 {
		return nil, survey.FieldError("month", "error.month.malformed", nil)
	}
	runs, err := r.runs(ctx, a.ID, months)
	if err != nil {
		return nil, err
	}
	sum := newTally()
	for _, run := range runs {
		ts, err := r.tallies(ctx, run.ids, def.ID, run.from, run.to, ByNone)
		if err != nil {
			return nil, err
		}
		if t := ts[""]; t != nil {
			add(sum, t)
		}
	}
	return rollingOf(a, def, months, sum)
}

// Pooled is Rolling from a series already read (Series, one Score a month):
// the months' counts summed, no second read. ok is false when the series
// lacks one of the n months ending with month; then call Rolling.
func Pooled(a *survey.Agency, def *survey.Definition, series []*Score, month string, n int) (r *Rolling, ok bool, err error) {
	months := Months(month, n)
	byMonth := make(map[string]*Score, len(series))
	for _, sc := range series {
		byMonth[sc.Month] = sc
	}
	sum := newTally()
	for _, m := range months {
		sc := byMonth[m]
		if sc == nil || sc.Tally == nil {
			return nil, false, nil
		}
		add(sum, sc.Tally)
	}
	if len(months) == 0 {
		return nil, false, nil
	}
	r, err = rollingOf(a, def, months, sum)
	return r, err == nil, err
}

// rollingOf scores the summed counts of months.
func rollingOf(a *survey.Agency, def *survey.Definition, months []string, sum *Tally) (*Rolling, error) {
	res, err := score.Compute(def, sum.Counts(def))
	if err != nil {
		return nil, err
	}
	to := months[len(months)-1]
	return &Rolling{From: months[0], To: to,
		Score: &Score{Agency: a, Month: to, Definition: def, Result: res, Tally: sum, Excluded: sum.Excluded}}, nil
}

// Predecessor is the earlier history of an agency merged into another: its
// own figures, as it stood, for the months it existed.
type Predecessor struct {
	Agency *survey.Agency
	// Series has the successor's series' months; nil where the
	// predecessor did not exist (after its merger, or before it was formed).
	Series []*Score
}

// Predecessors returns the history of the agencies merged into a (and into
// them in turn) over the n months ending with month: what a merger adds to
// the successor's trend, beside its own line and never into it. Only those
// with responses in those months are returned, the most recently merged first.
func (r *Reports) Predecessors(ctx context.Context, a *survey.Agency, def *survey.Definition, month string, n int) ([]Predecessor, error) {
	tree, err := r.db.AgencyTree(ctx)
	if err != nil {
		return nil, err
	}
	var out []Predecessor
	for _, p := range tree.Predecessors(a.ID) {
		series, err := r.Series(ctx, p, def, month, n)
		if err != nil {
			return nil, err
		}
		seen := false
		for i, sc := range series {
			if !p.ExistedIn(sc.Month) {
				series[i] = nil
				continue
			}
			seen = seen || sc.Result.Responses > 0
		}
		if seen {
			out = append(out, Predecessor{Agency: p, Series: series})
		}
	}
	return out, nil
}
