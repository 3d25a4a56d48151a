package report

import (
	"context"
	"strconv"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// Tally is the raw counts of one group of a scope: responses, the partial
// ones, comments, every answer by value, and the per-respondent sums the
// intervals need. Score carries it beside the formulas' Result. It has the
// fields of the storage's row and report's own methods.
type Tally sqlite.TallyRow

func newTally() *Tally {
	return &Tally{Answers: map[string]map[string]int{}, Moments: map[string]score.Moments{}}
}

// GroupBy splits a tally by one dimension.
type GroupBy string

// Dimensions a report can be split by.
const (
	ByNone    GroupBy = ""
	ByMonth   GroupBy = "month"
	ByCounter GroupBy = "counter"
	ByOfficer GroupBy = "officer"
	ByAgency  GroupBy = "agency"
	ByChannel GroupBy = "channel"
	ByDay     GroupBy = "day" // responses only
)

var storageGroup = map[GroupBy]sqlite.GroupBy{
	ByNone: sqlite.ByNone, ByMonth: sqlite.ByMonth, ByCounter: sqlite.ByCounter, ByOfficer: sqlite.ByOfficer,
	ByAgency: sqlite.ByAgency, ByChannel: sqlite.ByChannel, ByDay: sqlite.ByDay,
}

// tallies reads the rolled-up counts of agencies, a questionnaire and a
// range of months, split by one dimension (the key is the dimension's
// value as text; "" for ByNone).
func (r *Reports) tallies(ctx context.Context, ids []int64, surveyID, from, to string, by GroupBy) (map[string]*Tally, error) {
	rows, err := r.db.Tallies(ctx, sqlite.Scope{Agencies: ids, Survey: surveyID, From: from, To: to}, storageGroup[by])
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Tally, len(rows))
	for k, row := range rows {
		t := Tally(*row)
		out[k] = &t
	}
	return out, nil
}

// Counts turns a tally into the formulas' input for a definition: scale
// values of its scored items; choices and free text are left out.
func (t *Tally) Counts(def *survey.Definition) score.Counts {
	c := score.Counts{Responses: t.Responses, UnsatisfiedResponses: t.Unsatisfied, Items: map[string]*score.ItemCounts{}, Moments: t.Moments}
	for _, q := range def.Items() {
		vals := t.Answers[q.Code]
		if vals == nil {
			continue
		}
		ic := &score.ItemCounts{ByValue: map[int]int{}}
		for v, n := range vals {
			if v == "NA" {
				ic.NA += n
			} else if k, err := strconv.Atoi(v); err == nil {
				ic.ByValue[k] += n
			}
		}
		c.Items[q.Code] = ic
	}
	return c
}
