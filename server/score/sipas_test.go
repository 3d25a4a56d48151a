package score_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The worked example of SIPAS.md is the spec's test vector.
func TestWorkedExampleMatchesSIPASmd(t *testing.T) {
	const tol = 1e-12
	for _, tc := range []struct {
		rollup  survey.Rollup
		element float64
	}{
		{survey.RollupMean, 77.98245614035088},   // (80 + 78.947… + 75)/3
		{survey.RollupPooled, 77.96610169491525}, // 92/118
		{"", 77.98245614035088},                  // default is mean
	} {
		t.Run(string(tc.rollup), func(t *testing.T) {
			def, c := workedExample(tc.rollup)
			r := compute(t, def, c)
			s := r.SIPAS
			if s == nil || r.ND61 != nil || r.Quick != nil {
				t.Fatalf("want only the SIPAS section, got %+v", r)
			}
			e := s.Aspects[0].Elements[0]
			for i, want := range []float64{80, 1500.0 / 19, 75} {
				valid(t, "I_"+e.Items[i].Code, e.Items[i].Index, want, tol)
			}
			near(t, "I_10", e.Items[1].Index.Value, 78.94736842105263, tol)
			for i, want := range [][2]int{{40, 32}, {38, 30}, {40, 30}} {
				if it := e.Items[i]; it.N != want[0] || it.Satisfied != want[1] {
					t.Errorf("item %s n, s = %d, %d; want %d, %d", it.Code, it.N, it.Satisfied, want[0], want[1])
				}
			}
			valid(t, "E", e.Index, tc.element, tol)
			valid(t, "aspect", s.Aspects[0].Index, tc.element, tol)
			valid(t, "overall (one aspect is the aspect itself)", s.Index, tc.element, tol)
			valid(t, "item 9 mean score", e.Items[0].Mean, 4.00, tol)
			lo, hi := score.Wilson(32, 40)
			near(t, "Wilson 32/40 lo", lo, 65.2, 0.05)
			near(t, "Wilson 32/40 hi", hi, 89.5, 0.05)
			if ci := e.Items[0].CI95; ci == nil || ci.Lo != lo || ci.Hi != hi {
				t.Errorf("item 9 ci95 = %+v, want Wilson(32, 40)", ci)
			}
			if s.N != 118 || s.Satisfied != 92 || s.NA != 2 {
				t.Errorf("overall n, s, na = %d, %d, %d; want 118, 92, 2", s.N, s.Satisfied, s.NA)
			}
			valid(t, "pooled share", s.Pooled, 77.96610169491525, tol)
			valid(t, "overall mean score", s.Mean, (160.0+151+155)/118, tol)
			want := []score.LevelCount{{Value: 1, Count: 3}, {Value: 2, Count: 6}, {Value: 3, Count: 17}, {Value: 4, Count: 60}, {Value: 5, Count: 32}}
			if got := marshal(t, s.Counts); got != marshal(t, want) {
				t.Errorf("distribution = %s, want %s", got, marshal(t, want))
			}
			if !r.Reliable || r.Responses != 40 {
				t.Errorf("responses %d reliable %v, want 40 true", r.Responses, r.Reliable)
			}
			// The element's interval is respondent-clustered: wider than
			// Wilson on its 118 answers pooled, and the margin beside n is
			// that same interval's half width.
			ci := e.CI95
			plo, phi := score.Wilson(92, 118)
			if ci == nil || ci.Lo > e.Index.Value || ci.Hi < e.Index.Value || ci.Hi-ci.Lo <= phi-plo {
				t.Errorf("element ci95 = %+v, want around %v and wider than pooled Wilson %v–%v", ci, e.Index.Value, plo, phi)
			} else {
				valid(t, "margin", r.Margin, (s.CI95.Hi-s.CI95.Lo)/2, 1e-12)
			}
		})
	}
}

// The whole result of the worked example is pinned in a golden file, so any
// change to a figure or to the JSON shape the API serves shows in review.
// Run with -update to rewrite it.
func TestWorkedExampleGoldenJSON(t *testing.T) {
	for _, rollup := range []survey.Rollup{survey.RollupMean, survey.RollupPooled} {
		t.Run(string(rollup), func(t *testing.T) {
			def, c := workedExample(rollup)
			got := []byte(marshal(t, compute(t, def, c)) + "\n")
			path := filepath.Join("testdata", "worked_example_"+string(rollup)+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := jsonDiff(got, want); diff != "" {
				t.Errorf("%s differs from the result at %s; run go test -update and review the diff.\ngot:\n%s", path, diff, got)
			}
			// The golden file reads back into the same figures.
			var back score.Result
			if err := json.Unmarshal(want, &back); err != nil {
				t.Fatal(err)
			}
			if marshal(t, back)+"\n" != string(want) {
				t.Error("golden JSON does not round-trip")
			}
		})
	}
}

// SIPAS.md: "an undefined item is left out of the means above it" — not
// counted as 0, at every level, down to an all-NA scope that has no index
// at all and must still marshal without NaN.
func TestUndefinedFiguresAreLeftOutOfTheMeans(t *testing.T) {
	def := definition(survey.MethodSIPAS, survey.RollupMean,
		aspect("A",
			element("E1", items(hl5(), "Q1", "Q2", "Q3")...),
			element("E2", items(hl5(), "Q4")...),
			element("E3", items(hl5(), "Q5")...)))

	t.Run("item and element without valid answers", func(t *testing.T) {
		r := compute(t, def, score.Counts{Responses: 10, Items: map[string]*score.ItemCounts{
			"Q1": hl(0, 0, 0, 10, 0, 0), // 100
			"Q2": hl(0, 0, 0, 0, 0, 10), // all NA: undefined
			"Q3": hl(5, 0, 0, 0, 5, 0),  // 50
			// Q4 missing altogether: nobody answered
			"Q5": hl(0, 0, 10, 0, 0, 0), // 0
		}})
		a := r.SIPAS.Aspects[0]
		undefined(t, "I_Q2", a.Elements[0].Items[1].Index)
		if a.Elements[0].Items[1].CI95 != nil {
			t.Error("an undefined item has an interval")
		}
		valid(t, "E1 (Q2 left out, not 0)", a.Elements[0].Index, 75, 1e-12)
		undefined(t, "E2", a.Elements[1].Index)
		valid(t, "aspect (E2 left out, not 0)", a.Index, 37.5, 1e-12)
		valid(t, "overall", r.SIPAS.Index, 37.5, 1e-12)
		if a.Elements[1].Items[0].N != 0 || len(a.Elements[1].Items[0].Counts) != 5 {
			t.Errorf("missing item should list 5 empty levels, got %+v", a.Elements[1].Items[0].Tally)
		}
	})

	t.Run("all NA", func(t *testing.T) {
		for _, rollup := range []survey.Rollup{survey.RollupMean, survey.RollupPooled} {
			def.Rollup = rollup
			r := compute(t, def, score.Counts{Responses: 3, Items: map[string]*score.ItemCounts{
				"Q1": hl(0, 0, 0, 0, 0, 3), "Q2": hl(0, 0, 0, 0, 0, 3),
			}})
			undefined(t, "overall", r.SIPAS.Index)
			undefined(t, "mean", r.SIPAS.Mean)
			undefined(t, "pooled", r.SIPAS.Pooled)
			if r.SIPAS.CI95 != nil || r.SIPAS.NA != 6 || r.Reliable {
				t.Errorf("ci95 %v na %d reliable %v; want nil, 6, false", r.SIPAS.CI95, r.SIPAS.NA, r.Reliable)
			}
			js := marshal(t, r)
			for _, want := range []string{`"index": null`, `"mean": null`, `"ci95": null`} {
				if !strings.Contains(js, want) {
					t.Errorf("JSON lacks %s:\n%s", want, js)
				}
			}
		}
	})

	t.Run("no responses", func(t *testing.T) {
		r := compute(t, def, score.Counts{})
		undefined(t, "overall", r.SIPAS.Index)
		undefined(t, "margin", r.Margin)
		marshal(t, r)
	})
}

func TestOneResponse(t *testing.T) {
	def, _ := workedExample(survey.RollupMean)
	r := compute(t, def, withMoments(def, score.Counts{Responses: 1, Items: map[string]*score.ItemCounts{
		"CC1": hl(0, 0, 0, 1, 0, 0), "CC2": hl(0, 0, 1, 0, 0, 0), "CC3": hl(0, 0, 0, 0, 0, 1),
	}}))
	valid(t, "overall", r.SIPAS.Index, 50, 1e-12)
	valid(t, "mean score", r.SIPAS.Mean, 3.5, 1e-12)
	// One respondent says almost nothing: the interval spans most of the scale.
	if ci := r.SIPAS.CI95; ci == nil || ci.Lo > 10 || ci.Hi < 90 {
		t.Errorf("ci95 %+v for one respondent, want nearly 0–100", ci)
	}
	valid(t, "margin", r.Margin, (r.SIPAS.CI95.Hi-r.SIPAS.CI95.Lo)/2, 1e-12)
	if r.Reliable {
		t.Error("one response is flagged reliable")
	}
}

// With two aspects the overall index is the mean of the aspects, not of the
// elements; pooled pools every answer. The case is built so that all three
// rules give different numbers.
func TestTwoAspectsMeanVersusPooled(t *testing.T) {
	build := func(rollup survey.Rollup) *survey.Definition {
		return definition(survey.MethodSIPAS, rollup,
			aspect("A",
				element("E1", items(hl5(), "Q1")...),
				element("E2", items(hl5(), "Q2", "Q3")...)),
			aspect("B", element("E3", items(hl5(), "Q4")...)))
	}
	c := score.Counts{Responses: 40, Items: map[string]*score.ItemCounts{
		"Q1": hl(0, 0, 0, 10, 0, 0),  // 10/10 = 100
		"Q2": hl(10, 0, 0, 0, 0, 0),  // 0/10
		"Q3": hl(0, 0, 10, 0, 30, 0), // 30/40 = 75
		"Q4": hl(0, 0, 8, 2, 0, 10),  // 2/10 = 20
	}}
	tests := []struct {
		rollup            survey.Rollup
		e2, a, b, overall float64
	}{
		// E2 = (0+75)/2; A = (100+37.5)/2; overall = (68.75+20)/2
		{survey.RollupMean, 37.5, 68.75, 20, 44.375},
		// E2 = 30/50; A = 40/60; overall = 42/70
		{survey.RollupPooled, 60, 200.0 / 3, 20, 60},
	}
	for _, tc := range tests {
		t.Run(string(tc.rollup), func(t *testing.T) {
			r := compute(t, build(tc.rollup), c)
			s := r.SIPAS
			if s.Rollup != tc.rollup {
				t.Errorf("rollup %q, want %q", s.Rollup, tc.rollup)
			}
			valid(t, "E2", s.Aspects[0].Elements[1].Index, tc.e2, 1e-12)
			valid(t, "aspect A", s.Aspects[0].Index, tc.a, 1e-12)
			valid(t, "aspect B", s.Aspects[1].Index, tc.b, 1e-12)
			valid(t, "overall", s.Index, tc.overall, 1e-12)
			valid(t, "pooled share (either rollup)", s.Pooled, 60, 1e-12)
			if s.N != 70 || s.NA != 10 {
				t.Errorf("n %d na %d, want 70, 10", s.N, s.NA)
			}
		})
	}
}

// Values that are not on the scale cannot be scored; they are reported and
// left out, never counted as dissatisfied.
func TestValuesOffTheScaleAreLeftOut(t *testing.T) {
	def, _ := workedExample(survey.RollupMean)
	ic := hl(0, 0, 0, 3, 1, 0)
	ic.ByValue[9] = 4
	r := compute(t, def, score.Counts{Responses: 8, Items: map[string]*score.ItemCounts{"CC1": ic}})
	it := r.SIPAS.Aspects[0].Elements[0].Items[0]
	if it.N != 4 || it.Unknown != 4 {
		t.Errorf("n %d unknown %d, want 4, 4", it.N, it.Unknown)
	}
	valid(t, "I", it.Index, 100, 0)
}

func TestComputeRejectsImpossibleCounts(t *testing.T) {
	def, good := workedExample(survey.RollupMean)
	tests := map[string]score.Counts{
		"negative responses":          {Responses: -1},
		"more answers than responses": {Responses: 39, Items: good.Items},
		"negative count":              {Responses: 40, Items: map[string]*score.ItemCounts{"CC1": hl(-1, 0, 0, 0, 0, 0)}},
		"negative NA":                 {Responses: 40, Items: map[string]*score.ItemCounts{"CC1": hl(0, 0, 0, 0, 0, -1)}},
		"unsatisfied over responses":  {Responses: 1, UnsatisfiedResponses: 2},
	}
	for name, c := range tests {
		if _, err := score.Compute(def, c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := score.Compute(nil, good); err == nil {
		t.Error("nil definition: no error")
	}
	def.Method = "bogus"
	if _, err := score.Compute(def, good); err == nil {
		t.Error("unknown method: no error")
	}
}

// jsonDiff compares two JSON documents, numbers to 1e-12 relative, and
// returns the path of the first difference or "". The tolerance keeps the
// golden file valid on platforms that fuse multiply-adds (arm64), which can
// move the last bit of a float.
func jsonDiff(a, b []byte) string {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		return "got: " + err.Error()
	}
	if err := json.Unmarshal(b, &y); err != nil {
		return "want: " + err.Error()
	}
	return valueDiff("$", x, y)
}

func valueDiff(path string, x, y any) string {
	switch x := x.(type) {
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return path
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok {
				return path + "." + k
			}
			if d := valueDiff(path+"."+k, v, w); d != "" {
				return d
			}
		}
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return path
		}
		for i := range x {
			if d := valueDiff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); d != "" {
				return d
			}
		}
	case float64:
		y, ok := y.(float64)
		if !ok || math.Abs(x-y) > 1e-12*math.Max(1, math.Abs(y)) {
			return path
		}
	default:
		if x != y {
			return path
		}
	}
	return ""
}
