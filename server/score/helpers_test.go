package score_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// hl5 is the 5-level SIPAS scale of SIPAS.md "The scale".
func hl5() *survey.Scale {
	s := &survey.Scale{Code: "hl5", Satisfied: []int{4, 5}, Unsatisfied: []int{1, 2}}
	for v := 1; v <= 5; v++ {
		s.Options = append(s.Options, survey.Option{Value: v})
	}
	return s
}

// points3 is an nd61 criterion scale: 0/1/2 points, 0 explicitly unsatisfied.
func points3() *survey.Scale {
	return &survey.Scale{
		Code:        "p3",
		Options:     []survey.Option{{Value: 0}, {Value: 1}, {Value: 2}},
		Satisfied:   []int{1, 2},
		Unsatisfied: []int{0},
	}
}

func items(s *survey.Scale, codes ...string) []*survey.Question {
	out := make([]*survey.Question, len(codes))
	for i, c := range codes {
		out[i] = &survey.Question{Code: c, Kind: survey.KindScale, Scale: s}
	}
	return out
}

func element(code string, qs ...*survey.Question) *survey.Element {
	return &survey.Element{Code: code, Items: qs}
}

func aspect(code string, es ...*survey.Element) *survey.Aspect {
	return &survey.Aspect{Code: code, Elements: es}
}

func definition(method survey.Method, rollup survey.Rollup, as ...*survey.Aspect) *survey.Definition {
	return &survey.Definition{ID: "test-" + string(method), Method: method, Rollup: rollup, Aspects: as}
}

// hl returns counts on the 5-level scale: five counts for values 1..5, then
// the NA count.
func hl(c1, c2, c3, c4, c5, na int) *score.ItemCounts {
	return &score.ItemCounts{ByValue: map[int]int{1: c1, 2: c2, 3: c3, 4: c4, 5: c5}, NA: na}
}

// pts returns counts on a 0/1/2 scale, then the NA count.
func pts(c0, c1, c2, na int) *score.ItemCounts {
	return &score.ItemCounts{ByValue: map[int]int{0: c0, 1: c1, 2: c2}, NA: na}
}

// workedExample is the test vector of SIPAS.md "Formulas": element "Công
// chức", items 9, 10 and 11, one agency-month of 40 responses.
func workedExample(rollup survey.Rollup) (*survey.Definition, score.Counts) {
	def := definition(survey.MethodSIPAS, rollup,
		aspect("DV", element("CC", items(hl5(), "CC1", "CC2", "CC3")...)))
	def.ID = "worked-example"
	return def, withMoments(def, score.Counts{Responses: 40, Items: map[string]*score.ItemCounts{
		"CC1": hl(1, 2, 5, 20, 12, 0),
		"CC2": hl(0, 1, 7, 22, 8, 2),
		"CC3": hl(2, 3, 5, 18, 12, 0),
	}})
}

// withMoments adds the per-respondent sums of one arrangement of the
// counts into respondents: each item's answers high to low, NA last, the
// r-th answer of every item going to respondent r (answers that move
// together, as one citizen's do). SIPAS.md's table gives counts only, so the
// arrangement is a choice; the figures of the counts do not depend on it.
func withMoments(def *survey.Definition, c score.Counts) score.Counts {
	plan := score.NewPlan(def)
	rows := make([][]int, c.Responses)
	for r := range rows {
		rows[r] = make([]int, plan.Items())
	}
	for i, q := range def.Items() {
		ic := c.Items[q.Code]
		r := 0
		for v := 9; v >= 0 && ic != nil; v-- {
			for range ic.ByValue[v] {
				rows[r][i] = v + 1 // 0 stays "no answer"
				r++
			}
		}
	}
	c.Moments = map[string]score.Moments{}
	for _, row := range rows {
		plan.Respondent(func(i int, _ string) (int, bool) { return row[i] - 1, row[i] > 0 }, func(k int, t, v int64) {
			m := c.Moments[plan.Nodes[k]]
			m.Add(t, v)
			c.Moments[plan.Nodes[k]] = m
		})
	}
	return c
}

func compute(t *testing.T, def *survey.Definition, c score.Counts) score.Result {
	t.Helper()
	r, err := score.Compute(def, c)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return r
}

// near fails unless got is within tol of want.
func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.15g, want %.15g (±%g)", what, got, want, tol)
	}
}

// valid fails unless f is defined and within tol of want.
func valid(t *testing.T, what string, f score.Figure, want, tol float64) {
	t.Helper()
	if !f.Valid {
		t.Errorf("%s is undefined, want %.15g", what, want)
		return
	}
	near(t, what, f.Value, want, tol)
}

// undefined fails unless f is undefined.
func undefined(t *testing.T, what string, f score.Figure) {
	t.Helper()
	if f.Valid {
		t.Errorf("%s = %.15g, want undefined", what, f.Value)
	}
}

// marshal encodes v and fails the test on error or on a NaN or Inf, which
// encoding/json refuses anyway but a custom marshaller could let through.
func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	s := string(b)
	if strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
		t.Fatalf("JSON has NaN or Inf:\n%s", s)
	}
	return s
}
