package score_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// The intervals and change tests shown to people are proven here by
// simulation, not by reasoning (SIPAS.md "Formulas"; docs/decisions/0008):
// respondents whose answers are strongly correlated, some items skipped, the
// questionnaire's real shape, and samples as small as a commune's month.

// population is a synthetic population answering a questionnaire shaped
// like sipas-dv-2023: each respondent has a latent satisfaction z, and item
// i is answered "satisfied" when sqrt(rho)·z + sqrt(1−rho)·e_i > c_i, so
// that any two of one respondent's items have latent correlation rho. Each
// answer is skipped (NA) with probability na_i. The population is a pool
// of 20,000 such respondents, drawn once; a month is n respondents drawn
// from it at random, and the truth is the pool's own index.
type population struct {
	def   *survey.Definition
	plan  *score.Plan
	codes []string
	pool  []member
	truth float64 // the index of the whole pool, in percent
	cut   []float64
}

// member is one respondent of the pool: which items they were satisfied
// with and which they skipped (bit i for item i), and their t and v per
// node of the plan, computed once by Plan.Respondent.
type member struct {
	sat, na uint32
	tv      [maxSimNodes][2]int64
}

const (
	poolSize    = 20_000
	maxSimNodes = 8
)

// dvShape is the number of items per element of sipas-dv-2023.
var dvShape = []int{4, 4, 5, 3, 3}

// newPopulation builds a population whose items have satisfied shares
// spread between lo and hi, and NA rates averaging na (the last element,
// complaints handling, is skipped twice as often, as it is in the field).
func newPopulation(t testing.TB, rng *rand.Rand, rho, na, lo, hi float64) *population {
	t.Helper()
	p := &population{}
	var elems []*survey.Element
	var rates []float64
	k, total := 0, 0
	for _, n := range dvShape {
		total += n
	}
	for e, n := range dvShape {
		var qs []*survey.Question
		for range n {
			code := "c" + strconv.Itoa(k+1)
			share := lo + (hi-lo)*float64((k*7)%total)/float64(total-1) // spread, not sorted by element
			p.codes = append(p.codes, code)
			p.cut = append(p.cut, math.Sqrt2*math.Erfinv(1-2*share)) // P(N(0,1) > c) = share
			rate := na
			if e == len(dvShape)-1 {
				rate = 2 * na
			}
			rates = append(rates, rate)
			qs = append(qs, &survey.Question{Code: code, Kind: survey.KindScale, Scale: hl5()})
			k++
		}
		elems = append(elems, element("e"+strconv.Itoa(e+1), qs...))
	}
	p.def = definition(survey.MethodSIPAS, survey.RollupMean, aspect("dv", elems...))
	p.plan = score.NewPlan(p.def)
	if len(p.plan.Nodes) > maxSimNodes {
		t.Fatalf("plan has %d nodes", len(p.plan.Nodes))
	}
	a, b := math.Sqrt(rho), math.Sqrt(1-rho)
	p.pool = make([]member, poolSize)
	for r := range p.pool {
		m := &p.pool[r]
		z := rng.NormFloat64()
		for i := range p.codes {
			switch {
			case rng.Float64() < rates[i]:
				m.na |= 1 << i
			case a*z+b*rng.NormFloat64() > p.cut[i]:
				m.sat |= 1 << i
			}
		}
		p.plan.Respondent(func(i int, _ string) (int, bool) { return m.value(i) }, func(k int, t, v int64) { m.tv[k] = [2]int64{t, v} })
	}
	all := make([]int32, poolSize)
	for r := range all {
		all[r] = int32(r)
	}
	p.truth = p.score(t, all).SIPAS.Index.Value
	return p
}

// value is the member's answer to item i: 5 (satisfied), 2 (not), or none.
func (m *member) value(i int) (int, bool) {
	switch {
	case m.na&(1<<i) != 0:
		return 0, false
	case m.sat&(1<<i) != 0:
		return 5, true
	}
	return 2, true
}

// sample is a month: the pool members who answered, drawn with replacement.
type sample []int32

func (p *population) sample(rng *rand.Rand, n int) sample {
	s := make(sample, n)
	for r := range s {
		s[r] = int32(rng.IntN(len(p.pool)))
	}
	return s
}

// score computes the Result of a sample exactly as the rollups feed it:
// counts per item and value, and the per-respondent sums of each node.
func (p *population) score(t testing.TB, s sample) score.Result {
	t.Helper()
	var sat, na [32]int
	var moments [maxSimNodes]score.Moments
	for _, r := range s {
		m := &p.pool[r]
		for i := range p.codes {
			sat[i] += int(m.sat >> i & 1)
			na[i] += int(m.na >> i & 1)
		}
		for k := range p.plan.Nodes {
			moments[k].Add(m.tv[k][0], m.tv[k][1])
		}
	}
	c := score.Counts{Responses: len(s), Items: map[string]*score.ItemCounts{}, Moments: map[string]score.Moments{}}
	for i, code := range p.codes {
		c.Items[code] = &score.ItemCounts{ByValue: map[int]int{2: len(s) - sat[i] - na[i], 5: sat[i]}, NA: na[i]}
	}
	for k, node := range p.plan.Nodes {
		c.Moments[node] = moments[k]
	}
	res, err := score.Compute(p.def, c)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// simCase is one cell of the simulation grid.
type simCase struct {
	rho, na float64
	n       int
	lo, hi  float64 // item shares
}

func (c simCase) String() string {
	return fmt.Sprintf("rho=%.1f/na=%.0f%%/n=%d/shares=%.2f-%.2f", c.rho, 100*c.na, c.n, c.lo, c.hi)
}

// simGrid covers the ranges: intra-respondent correlation 0.3–0.7,
// 0–20 % NA, n of 30, 80 and 300, a typical satisfied population and a
// middling one.
func simGrid() []simCase {
	var out []simCase
	for _, rho := range []float64{0.3, 0.7} {
		for _, na := range []float64{0, 0.2} {
			for _, n := range []int{30, 80, 300} {
				out = append(out, simCase{rho: rho, na: na, n: n, lo: 0.6, hi: 0.95})
			}
		}
	}
	// A middling population, where the interval is widest.
	out = append(out, simCase{rho: 0.5, na: 0.1, n: 30, lo: 0.35, hi: 0.8}, simCase{rho: 0.5, na: 0.1, n: 80, lo: 0.35, hi: 0.8})
	return out
}

const simSamples = 2000

// caseOutcome is what 2,000 simulated months of one case gave.
type caseOutcome struct {
	simCase
	truth, elemTruth   float64
	covered, elemCover int     // samples whose interval held the truth
	oldCovered         int     // the same for the old pooled Wilson interval
	alarms             int     // pairs of months called a change though nothing changed
	width              float64 // mean interval width, points
	bad                string  // an inconsistency found on the way
}

var (
	simOnce     sync.Once
	simOutcomes []caseOutcome
)

// simulate runs every case of the grid once (in parallel, each with its own
// fixed seed, so that a failure reproduces) and keeps the outcomes for the
// tests below. Each sample is one month; it is paired with a second month
// from the same population for the change test.
func simulate(t *testing.T) []caseOutcome {
	simOnce.Do(func() {
		grid := simGrid()
		simOutcomes = make([]caseOutcome, len(grid))
		var wg sync.WaitGroup
		sem := make(chan struct{}, 2)
		for i, c := range grid {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				simOutcomes[i] = simulateCase(t, c, rand.New(rand.NewPCG(uint64(2026+i), 12)))
			}()
		}
		wg.Wait()
	})
	return simOutcomes
}

func simulateCase(t *testing.T, c simCase, rng *rand.Rand) caseOutcome {
	p := newPopulation(t, rng, c.rho, c.na, c.lo, c.hi)
	out := caseOutcome{simCase: c, truth: p.truth}
	all := make(sample, len(p.pool))
	for r := range all {
		all[r] = int32(r)
	}
	out.elemTruth = p.score(t, all).SIPAS.Aspects[0].Elements[2].Index.Value // items 9–13
	// Each month is also compared with the month before it: consecutive
	// samples are independent draws from one population, so every pair is a
	// case of "no change".
	var a, b score.Result
	for i := range simSamples + 1 {
		a, b = p.score(t, p.sample(rng, c.n)), a
		if i == 0 {
			continue
		}
		ci := a.SIPAS.CI95
		if ci == nil || b.SIPAS.CI95 == nil {
			out.bad = "no interval"
			return out
		}
		if math.Abs(a.Margin.Value-(ci.Hi-ci.Lo)/2) > 1e-9 {
			out.bad = fmt.Sprintf("margin %v is not the half width of %v", a.Margin.Value, *ci)
		}
		if ci.Lo <= p.truth && p.truth <= ci.Hi {
			out.covered++
		}
		out.width += (ci.Hi - ci.Lo) / simSamples
		if lo, hi := score.Wilson(a.SIPAS.Satisfied, a.SIPAS.N); lo <= p.truth && p.truth <= hi {
			out.oldCovered++
		}
		if e := a.SIPAS.Aspects[0].Elements[2].CI95; e != nil && e.Lo <= out.elemTruth && out.elemTruth <= e.Hi {
			out.elemCover++
		}
		if score.ChangeSignificant(a.SIPAS.Index.Value, ci, b.SIPAS.Index.Value, b.SIPAS.CI95) {
			out.alarms++
		}
	}
	return out
}

func pct(k int) float64 { return 100 * float64(k) / simSamples }

// TestIntervalCoverageBySimulation proves the headline intervals: in every
// cell the 95% interval covers the true index in 93–97 % of 2,000 samples.
// The same check on the old interval (Wilson on all item answers pooled, as
// if they were independent) must fail, which shows the check can.
func TestIntervalCoverageBySimulation(t *testing.T) {
	for _, o := range simulate(t) {
		t.Logf("%v: truth %.2f, coverage %.1f%% (old pooled Wilson %.1f%%), mean width %.1f points",
			o.simCase, o.truth, pct(o.covered), pct(o.oldCovered), o.width)
		if o.rho >= 0.5 && pct(o.oldCovered) > 85 {
			t.Errorf("%v: the old pooled interval covered %.1f%%; the simulation no longer tells a wrong interval from a right one", o.simCase, pct(o.oldCovered))
		}
		if o.bad != "" {
			t.Errorf("%v: %s", o.simCase, o.bad)
		}
		if r := pct(o.covered); r < 93 || r > 97 {
			t.Errorf("%v: the 95%% interval covered the true index in %.1f%% of samples, want 93–97%%", o.simCase, r)
		}
	}
}

// TestElementCoverageBySimulation checks an element's interval the same way:
// fewer items, the same respondents.
func TestElementCoverageBySimulation(t *testing.T) {
	for _, o := range simulate(t) {
		t.Logf("%v: element truth %.2f, coverage %.1f%%", o.simCase, o.elemTruth, pct(o.elemCover))
		if r := pct(o.elemCover); r < 93 || r > 97 {
			t.Errorf("%v: the element's 95%% interval covered its truth in %.1f%% of samples, want 93–97%%", o.simCase, r)
		}
	}
}

// TestChangeFalseAlarmsBySimulation proves the month-on-month change test:
// two months drawn from the same population must be called a real change in
// at most 6 % of 2,000 pairs (each month against the one before).
func TestChangeFalseAlarmsBySimulation(t *testing.T) {
	for _, o := range simulate(t) {
		t.Logf("%v: false alarms %.1f%%", o.simCase, pct(o.alarms))
		if r := pct(o.alarms); r > 6 {
			t.Errorf("%v: no change, yet %.1f%% of pairs were called a change, want ≤ 6%%", o.simCase, r)
		}
	}
}

// TestChangeDetectsARealDrop checks that the test is not simply deaf: a
// drop of 10 points in every item share between months of 300 respondents
// is found in most pairs.
func TestChangeDetectsARealDrop(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	before, after := newPopulation(t, rng, 0.5, 0.1, 0.65, 0.95), newPopulation(t, rng, 0.5, 0.1, 0.55, 0.85)
	found := 0
	const pairs = 300
	for range pairs {
		a, b := after.score(t, after.sample(rng, 300)), before.score(t, before.sample(rng, 300))
		lo, hi := score.Difference(a.SIPAS.Index.Value, a.SIPAS.CI95, b.SIPAS.Index.Value, b.SIPAS.CI95)
		if hi < 0 {
			found++
		}
		if lo > hi {
			t.Fatalf("difference interval upside down: %v–%v", lo, hi)
		}
	}
	if found < pairs*8/10 {
		t.Errorf("a 10-point drop was found in %d of %d pairs, want at least 80%%", found, pairs)
	}
}

// TestIntervalMatchesBootstrap compares the interval with a bootstrap over
// respondents (resampling whole respondents, recomputing the index with
// Compute): for a month of strongly correlated respondents the two widths
// agree within ±20 %, while the old pooled Wilson interval is several times
// narrower.
func TestIntervalMatchesBootstrap(t *testing.T) {
	for _, c := range []simCase{{rho: 0.7, na: 0.1, n: 80, lo: 0.6, hi: 0.95}, {rho: 0.5, na: 0.2, n: 300, lo: 0.4, hi: 0.9}} {
		rng := rand.New(rand.NewPCG(11, uint64(c.n)))
		p := newPopulation(t, rng, c.rho, c.na, c.lo, c.hi)
		s := p.sample(rng, c.n)
		res := p.score(t, s)
		const reps = 2000
		boot := make([]float64, reps)
		re := make(sample, len(s))
		for b := range reps {
			for r := range re {
				re[r] = s[rng.IntN(len(s))]
			}
			boot[b] = p.score(t, re).SIPAS.Index.Value
		}
		slices.Sort(boot)
		bw := boot[int(0.975*reps)] - boot[int(0.025*reps)]
		w := res.SIPAS.CI95.Hi - res.SIPAS.CI95.Lo
		lo, hi := score.Wilson(res.SIPAS.Satisfied, res.SIPAS.N)
		t.Logf("%v: interval width %.2f, bootstrap %.2f, pooled Wilson %.2f", c, w, bw, hi-lo)
		if r := w / bw; r < 0.8 || r > 1.2 {
			t.Errorf("%v: interval %.2f points wide, bootstrap over respondents %.2f (ratio %.2f, want 0.8–1.2)", c, w, bw, r)
		}
	}
}
