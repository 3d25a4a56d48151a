package report

import (
	"context"
	"sort"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// Breakdown scores an agency's subtree for one month split by one dimension
// (ByCounter, ByOfficer, ByChannel or ByAgency), from the rollups
// only. Keys are the dimension's value as text; "0" is "none" for counters
// and officers (a response without one).
func (r *Reports) Breakdown(ctx context.Context, a *survey.Agency, def *survey.Definition, month string, by GroupBy) (map[string]*Score, error) {
	ids, err := r.db.SubtreeIn(ctx, a.ID, month)
	if err != nil {
		return nil, err
	}
	ts, err := r.tallies(ctx, ids, def.ID, month, month, by)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Score, len(ts))
	for k, t := range ts {
		res, err := score.Compute(def, t.Counts(def))
		if err != nil {
			return nil, err
		}
		out[k] = &Score{Agency: a, Month: month, Definition: def, Result: res, Tally: t, Excluded: t.Excluded}
	}
	return out, nil
}

// Day is the number of responses counted on one day (Asia/Ho_Chi_Minh).
type Day struct {
	Date      string // YYYY-MM-DD
	Responses int
	Excluded  int
}

// Days returns every day of the month in order with its responses, zero
// for days without any, so a gap (a closed counter, an offline tablet) shows.
func (r *Reports) Days(ctx context.Context, a *survey.Agency, def *survey.Definition, month string) ([]Day, error) {
	start, err := survey.ParseMonth(month)
	if err != nil {
		return nil, err
	}
	ids, err := r.db.SubtreeIn(ctx, a.ID, month)
	if err != nil {
		return nil, err
	}
	ts, err := r.tallies(ctx, ids, def.ID, month, month, ByDay)
	if err != nil {
		return nil, err
	}
	var out []Day
	for d := start; d.Format("2006-01") == month; d = d.AddDate(0, 0, 1) {
		day := Day{Date: d.Format("2006-01-02")}
		if t := ts[day.Date]; t != nil {
			day.Responses, day.Excluded = t.Responses, t.Excluded
		}
		out = append(out, day)
	}
	return out, nil
}

// Staff returns the counters and officers of an agency's subtree by ID, to
// name the rows of a breakdown: of every month, merged agencies included.
func (r *Reports) Staff(ctx context.Context, a *survey.Agency) (map[int64]*survey.Counter, map[int64]*survey.Officer, error) {
	ids, err := r.db.Subtree(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	// One indexed query each for the subtree's agencies: a commune's
	// scorecard reads its own few rows, not the province's thousands.
	cs, err := r.db.CountersOf(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	os, err := r.db.OfficersOf(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	counters, officers := make(map[int64]*survey.Counter, len(cs)), make(map[int64]*survey.Officer, len(os))
	for _, c := range cs {
		counters[c.ID] = c
	}
	for _, o := range os {
		officers[o.ID] = o
	}
	return counters, officers, nil
}

// Children returns the agencies directly under a (or, for nil, the roots
// of the tree) that are open today (no end date, not merged), sorted by
// code. A month's rows are ChildrenIn.
func (r *Reports) Children(ctx context.Context, a *survey.Agency) ([]*survey.Agency, error) {
	all, err := r.db.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	var parentID int64
	if a != nil {
		parentID = a.ID
	}
	var out []*survey.Agency
	for _, x := range all {
		if x.ParentID == parentID && (parentID != 0 || x.SuccessorID == 0) && x.ValidTo == "" {
			out = append(out, x)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// ChildrenIn returns the agencies directly under a (or, for nil, the roots
// of the tree) that existed in month, sorted by code: the rows Rank ranks.
func (r *Reports) ChildrenIn(ctx context.Context, a *survey.Agency, month string) ([]*survey.Agency, error) {
	tree, err := r.db.AgencyTree(ctx)
	if err != nil {
		return nil, err
	}
	var parentID int64
	if a != nil {
		parentID = a.ID
	}
	return tree.ChildrenIn(parentID, month), nil
}
