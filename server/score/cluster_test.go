package score_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// The sums give the textbook linearised variance of a ratio, computed here
// the long way from each respondent's residual t − R·v; and they add up:
// two halves merged give the whole.
func TestMomentsVarianceIsTheLinearisedRatioVariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var ts, vs []float64
	var all, a, b score.Moments
	for r := range 57 {
		v := int64(rng.IntN(19) + 1)
		tt := int64(rng.IntN(int(v) + 1))
		ts, vs = append(ts, float64(tt)), append(vs, float64(v))
		all.Add(tt, v)
		if r%2 == 0 {
			a.Add(tt, v)
		} else {
			b.Add(tt, v)
		}
	}
	all.Add(0, 0) // a respondent who skipped every item is not counted
	a.Merge(b)
	if a != all {
		t.Fatalf("merged halves %+v, whole %+v", a, all)
	}
	var T, V float64
	for i := range ts {
		T, V = T+ts[i], V+vs[i]
	}
	R, q := T/V, 0.0
	for i := range ts {
		q += (ts[i] - R*vs[i]) * (ts[i] - R*vs[i])
	}
	n := float64(len(ts))
	want := n / (n - 1) * q / (V * V)
	got, ok := all.Variance()
	if !ok || math.Abs(got-want) > 1e-15 {
		t.Errorf("Variance = %v %v, want %v", got, ok, want)
	}
	if one := (score.Moments{N: 1, T: 3, V: 4, TT: 9, TV: 12, VV: 16}); one.EffectiveN(75, 4) != 1 {
		t.Errorf("one respondent counts as %v", one.EffectiveN(75, 4))
	}
	if _, ok := (score.Moments{N: 1, T: 1, V: 1, TT: 1, TV: 1, VV: 1}).Variance(); ok {
		t.Error("a variance from one respondent")
	}
}

// With one answer per respondent the clustered interval is Wilson's at n − 1
// with Student's quantile: a little wider than plain Wilson, never narrower.
// Everyone satisfied has no variance to measure; each respondent then
// counts once, so 30 of 30 is not 100 % ± 0.
func TestClusteredIntervalAtTheEdges(t *testing.T) {
	var m score.Moments
	for r := range 40 {
		m.Add(int64(min(1, r%5)), 1) // 32 of 40 satisfied
	}
	ci := score.ClusteredInterval(score.Figure{Value: 80, Valid: true}, m, 40)
	lo, hi := score.Wilson(32, 40)
	if ci == nil || ci.Lo >= lo || ci.Hi <= hi || ci.Lo < lo-2 || ci.Hi > hi+2 {
		t.Errorf("one answer each: %+v, want slightly wider than Wilson %v–%v", ci, lo, hi)
	}
	var all score.Moments
	for range 30 {
		all.Add(19, 19)
	}
	ci = score.ClusteredInterval(score.Figure{Value: 100, Valid: true}, all, 30*19)
	wlo, _ := score.Wilson(30, 30)
	if ci == nil || ci.Hi != 100 || ci.Lo > wlo || ci.Lo < 80 {
		t.Errorf("all satisfied: %+v, want about Wilson(30, 30) = %v–100", ci, wlo)
	}
	if score.ClusteredInterval(score.Figure{}, all, 1) != nil || score.ClusteredInterval(score.Figure{Value: 50, Valid: true}, score.Moments{}, 0) != nil {
		t.Error("an interval for an undefined index or no respondents")
	}
}

// The plan weighs items as the mean roll-up does: with nobody skipping, the
// ratio of the index node's sums is the index itself, for elements of
// different sizes and several aspects.
func TestPlanWeightsReproduceTheMeanOfMeans(t *testing.T) {
	def := definition(survey.MethodSIPAS, survey.RollupMean,
		aspect("A", element("E1", items(hl5(), "a", "b", "c", "d")...), element("E2", items(hl5(), "e", "f", "g")...)),
		aspect("B", element("E3", items(hl5(), "h", "i", "j", "k", "l")...)))
	rng := rand.New(rand.NewPCG(5, 6))
	plan := score.NewPlan(def)
	c := score.Counts{Items: map[string]*score.ItemCounts{}}
	for _, q := range def.Items() {
		c.Items[q.Code] = hl(0, 0, 0, 0, 0, 0)
	}
	moments := make([]score.Moments, len(plan.Nodes))
	for range 200 {
		row := make([]int, plan.Items())
		for i, q := range def.Items() {
			row[i] = 1 + rng.IntN(5)
			c.Items[q.Code].ByValue[row[i]]++
		}
		c.Responses++
		plan.Respondent(func(i int, _ string) (int, bool) { return row[i], true }, func(k int, t, v int64) { moments[k].Add(t, v) })
	}
	r := compute(t, def, c)
	for k, node := range plan.Nodes {
		ratio := 100 * float64(moments[k].T) / float64(moments[k].V)
		var want score.Figure
		switch node {
		case score.IndexNode:
			want = r.SIPAS.Index
		case score.AspectNode("A"):
			want = r.SIPAS.Aspects[0].Index
		case score.AspectNode("B"):
			want = r.SIPAS.Aspects[1].Index
		case score.ElementNode("E2"):
			want = r.SIPAS.Aspects[0].Elements[1].Index
		default:
			continue
		}
		valid(t, "node "+node, want, ratio, 1e-9)
	}
	if len(plan.Nodes) != 6 {
		t.Errorf("nodes %v, want the index, 2 aspects and 3 elements", plan.Nodes)
	}
}

// The funnel is drawn with the province's per-respondent spread: with a
// spread of one yes/no per respondent it is the binomial funnel, and a
// smaller spread (answers that do not all move together) narrows it.
func TestFunnelUsesTheProvinceSpread(t *testing.T) {
	wide := score.FunnelLimits(80, 100, score.OneAnswerSpread(80))
	near(t, "binomial hi95", wide.Hi95, 80+score.Z95*4, 1e-9)
	narrow := score.FunnelLimits(80, 100, 0.04)
	near(t, "spread 0.04 hi95", narrow.Hi95, 80+score.Z95*2, 1e-9)
	if got := score.TierOf(85, 100, 80, 0.04); got.Band != score.BandAbove {
		t.Errorf("85 against 80 ± 3.9: %+v, want above", got)
	}
	if got := score.TierOf(85, 100, 80, score.OneAnswerSpread(80)); got.Band != score.BandLevel {
		t.Errorf("85 against 80 ± 7.8: %+v, want level", got)
	}
	if s := score.ProvinceSpread(80, score.Moments{}); s != score.OneAnswerSpread(80) {
		t.Errorf("no moments: spread %v, want the one-answer fallback", s)
	}
}
