package score_test

import (
	"slices"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// The hand-checked example of docs/decisions/0015: 80 dossiers handled, 4
// late, 1 with a complaint, 2 of 11 dossier-bound ratings not satisfied:
// 100 · (1 − 4/80 − 3/80) = 91.25.
func TestQD766FromDossiersHandled(t *testing.T) {
	q := score.ComputeQD766(80, 4, 1, 11, 2)
	if q == nil {
		t.Fatal("no indicator")
	}
	valid(t, "QĐ 766", q.Index, 91.25, 1e-12)
	if q := score.ComputeQD766(0, 0, 0, 11, 2); q != nil {
		t.Errorf("no dossiers handled, yet %+v", q)
	}
	if q := score.ComputeQD766(80, 4, 1, 0, 0); q != nil {
		t.Errorf("no dossier-bound rating, yet %+v", q)
	}
	// Everything late and complained of: the formula goes below 0; it is floored.
	valid(t, "floored", score.ComputeQD766(10, 10, 5, 1, 1).Index, 0, 0)
}

func TestRateIsNothingWithoutADenominator(t *testing.T) {
	if r := score.NewRate(5, 0); r != nil {
		t.Errorf("rate over 0 dossiers: %+v, want none (not 0 %%)", r)
	}
	r := score.NewRate(16, 100)
	valid(t, "rate", r.Value, 16, 1e-12)
	if r.Low(0.1) || !r.Low(0.2) {
		t.Errorf("16 %%: low under 10 %% is %v, under 20 %% is %v", r.Low(0.1), r.Low(0.2))
	}
}

// Only the criteria asked as satisfaction make a rating "not satisfied":
// ND5–ND8 on the shipped form, not ND4 (how many agencies; decision 11), not
// ND1–ND2 (lateness comes from the software's count), not ND3 or ND9.
func TestQD766NotSatisfiedCriteriaOfTheShippedForm(t *testing.T) {
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := cat.Get("nd61")
	items, values := score.QD766NotSatisfied(def)
	if !slices.Equal(items, []string{"ND5", "ND6", "ND7", "ND8"}) || !slices.Equal(values, []int{0}) {
		t.Errorf("not-satisfied criteria %v at values %v, want ND5–ND8 at 0", items, values)
	}
}
