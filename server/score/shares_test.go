package score_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// TestFromSharesMatchesCompute: on random counts, scoring from the items'
// satisfied shares gives exactly Compute's index, interval and n.
func TestFromSharesMatchesCompute(t *testing.T) {
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	defs := cat.All()
	rng := rand.New(rand.NewPCG(9, 9))
	for _, def := range defs {
		if def.Method == survey.MethodND61 {
			continue
		}
		for _, how := range []survey.Rollup{survey.RollupMean, survey.RollupPooled} {
			def.Rollup = how
			for range 200 {
				c := score.Counts{Responses: 200, Items: map[string]*score.ItemCounts{}}
				shares := map[string]score.Share{}
				for _, q := range def.Items() {
					if rng.IntN(6) == 0 {
						continue // nobody answered this item
					}
					ic := &score.ItemCounts{ByValue: map[int]int{}, NA: rng.IntN(5)}
					var sh score.Share
					for _, o := range q.Scale.Options {
						n := rng.IntN(30)
						ic.ByValue[o.Value] = n
						sh.Valid += n
						if slices.Contains(q.Scale.Satisfied, o.Value) {
							sh.Satisfied += n
						}
					}
					c.Items[q.Code], shares[q.Code] = ic, sh
				}
				full, err := score.Compute(def, c)
				if err != nil {
					t.Fatal(err)
				}
				fast, err := score.FromShares(def, 200, shares, score.Moments{})
				if err != nil {
					t.Fatal(err)
				}
				fi, fn, fs := headlineOf(full)
				si, sn, ss := headlineOf(fast)
				if fi != si || fn != sn || fs != ss || full.Reliable != fast.Reliable {
					t.Fatalf("%s/%s: Compute %v %d %d, FromShares %v %d %d", def.ID, how, fi, fn, fs, si, sn, ss)
				}
			}
		}
	}
}

func headlineOf(r score.Result) (score.Figure, int, int) {
	if r.SIPAS != nil {
		return r.SIPAS.Index, r.SIPAS.N, r.SIPAS.Satisfied
	}
	return r.Quick.Index, r.Quick.N, r.Quick.Satisfied
}
