package score_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// propertyDefinition has uneven shapes on purpose: one aspect of two
// elements (3 and 1 items), one of one element (2 items).
func propertyDefinition(rollup survey.Rollup) *survey.Definition {
	return definition(survey.MethodSIPAS, rollup,
		aspect("A",
			element("E1", items(hl5(), "Q1", "Q2", "Q3")...),
			element("E2", items(hl5(), "Q4")...)),
		aspect("B", element("E3", items(hl5(), "Q5", "Q6")...)))
}

// countsFrom turns 36 small numbers (6 items × 5 levels + NA) into
// consistent counts: Responses is the largest item total.
func countsFrom(next func() int) score.Counts {
	c := score.Counts{Items: map[string]*score.ItemCounts{}}
	for _, code := range []string{"Q1", "Q2", "Q3", "Q4", "Q5", "Q6"} {
		ic := hl(next(), next(), next(), next(), next(), next())
		total := ic.NA
		for _, k := range ic.ByValue {
			total += k
		}
		c.Responses = max(c.Responses, total)
		c.Items[code] = ic
	}
	return c
}

// checkBounds is the property: every rolled-up index lies between the
// smallest and largest defined index below it (a mean or a weighted mean
// can do nothing else), is undefined exactly when everything below is, and
// the overall index is within [0, 100].
func checkBounds(t *testing.T, c score.Counts) {
	t.Helper()
	for _, rollup := range []survey.Rollup{survey.RollupMean, survey.RollupPooled} {
		r, err := score.Compute(propertyDefinition(rollup), c)
		if err != nil {
			t.Fatalf("Compute(%+v): %v", c, err)
		}
		between := func(what string, f score.Figure, below []score.Figure) {
			lo, hi, any := math.Inf(1), math.Inf(-1), false
			for _, b := range below {
				if b.Valid {
					lo, hi, any = min(lo, b.Value), max(hi, b.Value), true
				}
			}
			if f.Valid != any {
				t.Fatalf("%s %s: valid %v but something below is valid: %v", rollup, what, f.Valid, any)
			}
			if any && (f.Value < lo-1e-9 || f.Value > hi+1e-9) {
				t.Fatalf("%s %s = %v outside [%v, %v]", rollup, what, f.Value, lo, hi)
			}
		}
		var aspects []score.Figure
		for _, a := range r.SIPAS.Aspects {
			var elems []score.Figure
			for _, e := range a.Elements {
				var its []score.Figure
				for _, it := range e.Items {
					its = append(its, it.Index)
				}
				between("element "+e.Code, e.Index, its)
				elems = append(elems, e.Index)
			}
			between("aspect "+a.Code, a.Index, elems)
			aspects = append(aspects, a.Index)
		}
		between("overall", r.SIPAS.Index, aspects)
		if f := r.SIPAS.Index; f.Valid && (f.Value < 0 || f.Value > 100) {
			t.Fatalf("overall %v outside [0, 100]", f.Value)
		}
		if ci := r.SIPAS.CI95; ci != nil && (ci.Lo < 0 || ci.Hi > 100 || ci.Lo > r.SIPAS.Pooled.Value || ci.Hi < r.SIPAS.Pooled.Value) {
			t.Fatalf("ci95 %+v does not hold pooled %v within [0, 100]", ci, r.SIPAS.Pooled.Value)
		}
		marshal(t, r)
	}
}

func TestRollupStaysWithinItsParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		// Many zeros, so that undefined items and elements are common.
		checkBounds(t, countsFrom(func() int { return max(0, rng.IntN(12)-6) }))
	}
}

// FuzzRollupStaysWithinItsParts runs the same property on fuzzed counts:
// go test -fuzz FuzzRollup ./server/score/
func FuzzRollupStaysWithinItsParts(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 2, 5, 20, 12, 0, 0, 1, 7, 22, 8, 2, 2, 3, 5, 18, 12, 0})
	f.Add([]byte{0, 0, 0, 0, 0, 9, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		i := 0
		checkBounds(t, countsFrom(func() int {
			if i >= len(data) {
				return 0
			}
			i++
			return int(data[i-1])
		}))
	})
}
