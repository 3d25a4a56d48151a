package score

import (
	"slices"

	"github.com/sipas-vn/sipas/server/survey"
)

// ND61Result is the per-dossier evaluation of NĐ 61/2018 and TT 01/2018
// (SIPAS.md §3): each response rates one dossier, each criterion scores the
// value of its answer (2/1/0 on the shipped form).
//
// Its headline is Tally.Pooled, the share of criterion answers that meet the
// standard (a value in the scale's Satisfied list: 1 or 2 points), with the
// respondent-clustered Tally.CI95. It is not the QĐ 766/QĐ-TTg indicator,
// which is computed over dossiers handled and needs dossier counts; nothing
// here is shown under that name (docs/decisions/0011).
type ND61Result struct {
	// Dossiers is the number of rated dossiers (one response each).
	Dossiers int `json:"dossiers"`
	// Points is the average points per dossier: the sum over criteria of
	// each criterion's average points, NA left out per criterion. An answer
	// "does not apply" (often online services, criterion 9) is therefore
	// not scored 0, as NA is excluded everywhere else (SIPAS.md
	// "Formulas"); a criterion nobody answered drops out of both Points and
	// MaxPoints. With no NA it equals total points / dossiers. Null when no
	// criterion has a valid answer.
	Points Figure `json:"points"`
	// MaxPoints is the most Points can be: the sum of the highest scale
	// value of each criterion counted in Points (18 when all nine of the
	// shipped form are).
	MaxPoints int              `json:"max_points"`
	Criteria  []CriterionScore `json:"criteria"`
	Tally                      // all criterion answers; Pooled, the headline, is the share meeting the standard
}

// CriterionScore is one criterion: its average points (0–2 on the shipped
// form; also Tally.Mean) and how the answers split over the levels.
type CriterionScore struct {
	Code   string `json:"code"`
	Points Figure `json:"points"`
	Max    int    `json:"max"`
	Tally
}

// computeND61 scores every scored item of the definition as a criterion, in
// display order.
func computeND61(def *survey.Definition, c Counts) *ND61Result {
	out := &ND61Result{Dossiers: c.Responses, Criteria: []CriterionScore{}}
	all := &tally{}
	var points []Figure
	for _, q := range def.Items() {
		it := itemTally(q, c.Items[q.Code])
		cs := CriterionScore{Code: q.Code, Tally: it.done()}
		cs.Points = cs.Mean
		if vals := scaleValues(q.Scale); len(vals) > 0 {
			cs.Max = slices.Max(vals)
		}
		if cs.Points.Valid {
			points = append(points, cs.Points)
			out.MaxPoints += cs.Max
		}
		out.Criteria = append(out.Criteria, cs)
		all.add(it)
	}
	if len(points) > 0 {
		sum := 0.0
		for _, p := range points {
			sum += p.Value
		}
		out.Points = defined(sum)
	}
	out.Tally = all.done()
	out.CI95 = ClusteredInterval(out.Pooled, c.Moments[IndexNode], out.N) // nine answers a dossier move together
	return out
}
