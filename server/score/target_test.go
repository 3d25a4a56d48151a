package score_test

import (
	"math/rand/v2"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
)

func TestTargetVerdict(t *testing.T) {
	valid := score.Figure{Value: 84, Valid: true}
	for _, c := range []struct {
		name  string
		index score.Figure
		ci    *score.Interval
		want  score.Verdict
	}{
		{"lower bound on the target is met", valid, &score.Interval{Lo: 85, Hi: 90}, score.VerdictMet},
		{"whole interval below", valid, &score.Interval{Lo: 80, Hi: 84.99}, score.VerdictBelow},
		{"interval holds the target", valid, &score.Interval{Lo: 80, Hi: 88}, score.VerdictUnclear},
		{"upper bound on the target is not below", valid, &score.Interval{Lo: 80, Hi: 85}, score.VerdictUnclear},
		{"no interval", valid, nil, score.VerdictUnknown},
		{"no figure", score.Figure{}, &score.Interval{Lo: 80, Hi: 90}, score.VerdictUnknown},
	} {
		if got := score.TargetVerdict(c.index, c.ci, 85); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

// TestTargetVerdictErrorRateBySimulation proves the verdict on
// respondent-clustered data: when the true index equals the target, an
// agency is called below target in at most 3 % of 2,000 samples, the
// nominal 2.5 % of a one-sided call from a 95% interval plus the
// simulation's own error (and target met in at most 4 %). The same verdict read from the old pooled
// Wilson interval, which takes each item answer as independent, must blame
// far more agencies: the check can fail.
func TestTargetVerdictErrorRateBySimulation(t *testing.T) {
	cases := append(simGrid(), simCase{rho: 0.5, na: 0.1, n: 1000, lo: 0.6, hi: 0.95}) // a year of a busy counter
	for i, c := range cases {
		rng := rand.New(rand.NewPCG(uint64(160+i), 16))
		p := newPopulation(t, rng, c.rho, c.na, c.lo, c.hi)
		target := p.truth
		var below, met, oldBelow int
		for range simSamples {
			res := p.score(t, p.sample(rng, c.n))
			switch score.TargetVerdict(res.SIPAS.Index, res.SIPAS.CI95, target) {
			case score.VerdictBelow:
				below++
			case score.VerdictMet:
				met++
			case score.VerdictUnknown:
				t.Fatalf("%v: a sample of %d respondents has no verdict", c, c.n)
			}
			lo, hi := score.Wilson(res.SIPAS.Satisfied, res.SIPAS.N)
			if score.TargetVerdict(res.SIPAS.Index, &score.Interval{Lo: lo, Hi: hi}, target) == score.VerdictBelow {
				oldBelow++
			}
		}
		t.Logf("%v: target = truth %.2f: below %.1f%%, met %.1f%% (pooled Wilson: below %.1f%%)", c, target, pct(below), pct(met), pct(oldBelow))
		if pct(below) > 3 {
			t.Errorf("%v: true index on target, yet called below in %.1f%% of samples, want ≤ 3%%", c, pct(below))
		}
		// Met errs the other way; with 30 respondents Wilson's asymmetry
		// near 80 % lets it reach 3.5 %, still a rare and harmless call.
		if pct(met) > 4 {
			t.Errorf("%v: true index on target, yet called met in %.1f%% of samples, want ≤ 4%%", c, pct(met))
		}
		if c.rho >= 0.7 && pct(oldBelow) < 6 {
			t.Errorf("%v: the pooled Wilson interval called below only %.1f%%; the simulation no longer tells a wrong interval from a right one", c, pct(oldBelow))
		}
	}
}
