package score

import (
	"math"
	"slices"

	"github.com/sipas-vn/sipas/server/survey"
)

// The respondent is the unit of sampling (SIPAS.md "Formulas"): one
// citizen's answers move together, so every interval above the item level
// comes from one respondent-clustered variance. Each node of a definition
// (the index, each aspect, each element) is treated as the ratio
// Σ_r t_r / Σ_r v_r over respondents r, where t_r and v_r are the
// respondent's weighted satisfied and valid answers under the node; with the
// weights of the mean roll-up that ratio is the node's index whenever nobody
// skipped an item. Its linearised (Taylor) variance needs only the additive
// sums of Moments, so the rollups keep them beside the answer counts and a
// province costs what a counter costs. docs/decisions/0008 writes out the
// maths and why it was chosen over a bootstrap.

// MethodVersion names the method of the published intervals, change tests
// and funnel limits. It is printed on reports and returned by the scores API
// so that figures from different versions are not compared unknowingly.
const MethodVersion = "2026.12-respondent"

// Moments are sums over respondents that a node's clustered variance needs.
// Being sums, they add up over counters, days, months and agencies like any
// count. Respondents with no valid answer under the node are not counted.
type Moments struct {
	N  int64 `json:"n"`  // respondents with a valid answer under the node
	T  int64 `json:"t"`  // Σ t_r: weighted satisfied answers
	V  int64 `json:"v"`  // Σ v_r: weighted valid answers
	TT int64 `json:"tt"` // Σ t_r²
	TV int64 `json:"tv"` // Σ t_r·v_r
	VV int64 `json:"vv"` // Σ v_r²
}

// Add counts one respondent with weighted satisfied t and valid v answers;
// a respondent without valid answers (v = 0) is not counted.
func (m *Moments) Add(t, v int64) {
	if v <= 0 {
		return
	}
	m.N++
	m.T += t
	m.V += v
	m.TT += t * t
	m.TV += t * v
	m.VV += v * v
}

// Merge adds another set of sums (respondents of another counter or month).
func (m *Moments) Merge(o Moments) {
	m.N += o.N
	m.T += o.T
	m.V += o.V
	m.TT += o.TT
	m.TV += o.TV
	m.VV += o.VV
}

// Variance returns the linearised variance of the ratio T/V as a proportion
// (0–1 scale): n/(n−1) · Σ_r (t_r − R·v_r)² / V² with R = T/V. ok is false
// with fewer than two respondents, where no variance can be estimated.
func (m Moments) Variance() (v float64, ok bool) {
	if m.N < 2 || m.V <= 0 {
		return 0, false
	}
	r := float64(m.T) / float64(m.V)
	q := float64(m.TT) - 2*r*float64(m.TV) + r*r*float64(m.VV)
	n, den := float64(m.N), float64(m.V)
	return max(q, 0) * n / (n - 1) / (den * den), true
}

// PerRespondent returns the variance of one respondent's contribution, N
// times Variance: what a sample of n respondents divides by n. The funnel
// limits use the province's (FunnelLimits).
func (m Moments) PerRespondent() (float64, bool) {
	v, ok := m.Variance()
	return v * float64(m.N), ok
}

// EffectiveN is the number of independent yes/no answers that would carry
// as much information as the respondents behind an index p (percent): Kish's
// p(1−p)/Var. It is capped at answers, the valid item answers themselves,
// which no clustering can exceed. When the variance is 0 (every respondent
// alike, as when everyone is satisfied with everything) nothing says how
// alike respondents are, so each respondent counts once, the cautious
// choice. It is 0 when nothing can be said (fewer than two respondents).
func (m Moments) EffectiveN(p float64, answers int) float64 {
	v, ok := m.Variance()
	if !ok {
		if m.N == 1 {
			return 1
		}
		return 0
	}
	q := p / 100
	if v <= 0 || q <= 0 || q >= 1 {
		return float64(m.N)
	}
	n := q * (1 - q) / v
	if answers > 0 {
		n = min(n, float64(answers))
	}
	return n
}

// ClusteredInterval is the 95% interval of an index (percent) with the
// respondent-clustered variance of m: Wilson's score interval at the
// effective sample size (see EffectiveN), with Student's quantile for the
// respondents' degrees of freedom. Wilson keeps it inside 0–100 and sensible
// at 0 % and 100 %, which small communes hit often. Nil when the index is
// undefined or nobody answered.
func ClusteredInterval(index Figure, m Moments, answers int) *Interval {
	if !index.Valid || m.N <= 0 {
		return nil
	}
	neff := m.EffectiveN(index.Value, answers)
	lo, hi := wilsonAt(index.Value/100, neff, quantile95(m.N))
	return &Interval{Lo: 100 * lo, Hi: 100 * hi}
}

// wilsonAt is Wilson's score interval for a proportion p at a (possibly
// fractional) sample size n and quantile z, as proportions.
func wilsonAt(p, n, z float64) (lo, hi float64) {
	if n <= 0 || math.IsNaN(p) {
		return 0, 1
	}
	p = min(max(p, 0), 1)
	z2 := z * z
	den := 1 + z2/n
	centre := (p + z2/(2*n)) / den
	half := z / den * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	lo, hi = centre-half, centre+half
	// The bounds are exactly 0 and 1 at the extremes; rounding would
	// otherwise leave -1e-17 or 1.0000000000000002.
	if p == 0 {
		lo = 0
	}
	if p == 1 {
		hi = 1
	}
	return max(lo, 0), min(hi, 1)
}

// quantile95 is the two-sided 95% quantile of Student's t with n−1 degrees
// of freedom (the normal 1.96 from large n): with 30 respondents the
// variance is itself uncertain, and the normal quantile would under-cover.
// The Cornish–Fisher expansion in 1/ν is within 0.002 of the table from
// ν = 5 on; fewer respondents than that get the ν = 5 value, which is wide
// enough for figures that are grey "chỉ để tham khảo" anyway.
func quantile95(n int64) float64 {
	nu := float64(max(n-1, 5))
	z := Z95
	z3, z5, z7 := z*z*z, z*z*z*z*z, z*z*z*z*z*z*z
	return z + (z3+z)/(4*nu) + (5*z5+16*z3+3*z)/(96*nu*nu) + (3*z7+19*z5+17*z3-15*z)/(384*nu*nu*nu)
}

// Plan says how one respondent's answers become the t and v of each node of
// a definition, with integer weights so that the rollups add exactly (a
// rebuild equals the incremental counts, to the last unit).
type Plan struct {
	Nodes []string // node keys: IndexNode, AspectNode(code), ElementNode(code)
	items []planItem
}

type planItem struct {
	q       *survey.Question
	weights []int64      // per node; 0 when the item is not under it
	nodes   []nodeWeight // the nonzero weights, for the per-respondent loop
	small   [16]int8     // for values 0–15: 0 not on the scale, 1 valid, 2 satisfied
}

type nodeWeight struct {
	k int
	w int64
}

// classify says whether val is on the item's scale and satisfied, through a
// table for the small values every shipped scale uses (the rollup asks it
// for every answer).
func (it *planItem) classify(val int) (valid, sat bool) {
	if val >= 0 && val < len(it.small) {
		c := it.small[val]
		return c > 0, c == 2
	}
	if it.q.Scale == nil || !it.q.Scale.Has(val) {
		return false, false
	}
	return true, slices.Contains(it.q.Scale.Satisfied, val)
}

// IndexNode is the node key of the overall index; AspectNode and
// ElementNode build the others. The prefixes keep an aspect and an element
// of the same code apart.
const IndexNode = ""

// AspectNode is the node key of an aspect.
func AspectNode(code string) string { return "a:" + code }

// ElementNode is the node key of an element.
func ElementNode(code string) string { return "e:" + code }

// weightScale bounds the integer weights: beyond it (a definition of odd
// shape) weights are rounded, which changes the variance by far less than
// its own sampling error.
const weightScale = 10_000

// NewPlan returns the plan of def. The SIPAS-style methods get a node for
// the index, each aspect and each element, weighted as def.Rollup combines
// items (a plain mean at each level weighs an item by 1/(aspects ·
// elements of its aspect · items of its element)); nd61 and the quick rating
// get one node, every answer weighing 1, as their pooled share is computed.
func NewPlan(def *survey.Definition) *Plan {
	p := &Plan{Nodes: []string{IndexNode}}
	items := def.Items()
	for _, q := range items {
		it := planItem{q: q}
		if q.Scale != nil {
			for _, o := range q.Scale.Options {
				if o.Value >= 0 && o.Value < len(it.small) {
					it.small[o.Value] = 1
				}
			}
			for _, v := range q.Scale.Satisfied {
				if v >= 0 && v < len(it.small) && it.small[v] == 1 {
					it.small[v] = 2
				}
			}
		}
		p.items = append(p.items, it)
	}
	if def.Method != survey.MethodSIPAS || def.Rollup == survey.RollupPooled {
		for i := range p.items {
			p.items[i].weights = []int64{1}
		}
		if def.Method == survey.MethodSIPAS {
			p.addNodes(def, func(int, int, int) float64 { return 1 })
		}
		return p.sparse()
	}
	// Index weights: 1/(A·E_a·K_e); aspect weights: 1/(E_a·K_e); element: 1.
	// Each node's weights are scaled by the least common multiple of their
	// denominators, so that they are integers.
	p.addIndexWeights(def)
	p.addNodes(def, func(_, ea, ke int) float64 { return 1 / float64(ea*ke) })
	return p.sparse()
}

// sparse lists each item's nonzero weights: an item sits under three nodes
// (index, aspect, element), not under all of them.
func (p *Plan) sparse() *Plan {
	for i := range p.items {
		it := &p.items[i]
		it.nodes = it.nodes[:0]
		for k, w := range it.weights {
			if w != 0 {
				it.nodes = append(it.nodes, nodeWeight{k, w})
			}
		}
	}
	return p
}

func (p *Plan) addIndexWeights(def *survey.Definition) {
	na := len(def.Aspects)
	var ws []float64
	for _, a := range def.Aspects {
		for _, e := range a.Elements {
			for range e.Items {
				ws = append(ws, 1/float64(na*len(a.Elements)*len(e.Items)))
			}
		}
	}
	for i, w := range integerWeights(ws) {
		p.items[i].weights = append(p.items[i].weights, w)
	}
}

// addNodes adds a node per aspect (item weight aspectW) and per element
// (weight 1), in display order.
func (p *Plan) addNodes(def *survey.Definition, aspectW func(na, ea, ke int) float64) {
	at := 0
	for _, a := range def.Aspects {
		p.Nodes = append(p.Nodes, AspectNode(a.Code))
		var ws []float64
		for _, e := range a.Elements {
			for range e.Items {
				ws = append(ws, aspectW(len(def.Aspects), len(a.Elements), len(e.Items)))
			}
		}
		iw := integerWeights(ws)
		for i := range p.items {
			w := int64(0)
			if i >= at && i < at+len(iw) {
				w = iw[i-at]
			}
			p.items[i].weights = append(p.items[i].weights, w)
		}
		for _, e := range a.Elements {
			p.Nodes = append(p.Nodes, ElementNode(e.Code))
			for i := range p.items {
				w := int64(0)
				if i >= at && i < at+len(e.Items) {
					w = 1
				}
				p.items[i].weights = append(p.items[i].weights, w)
			}
			at += len(e.Items)
		}
	}
}

// integerWeights scales positive weights to the smallest integers with the
// same ratios when their denominators allow it (1/4, 1/5 and 1/3 become 15,
// 12 and 20), and to rounded multiples of weightScale otherwise.
func integerWeights(ws []float64) []int64 {
	out := make([]int64, len(ws))
	l := int64(1)
	exact := true
	for _, w := range ws {
		d := int64(math.Round(1 / w))
		if d <= 0 || math.Abs(1/float64(d)-w) > 1e-12 {
			exact = false
			break
		}
		l = l / gcd(l, d) * d
		if l > weightScale {
			exact = false
			break
		}
	}
	for i, w := range ws {
		if exact {
			out[i] = int64(math.Round(w * float64(l)))
		} else {
			out[i] = max(1, int64(math.Round(w*weightScale/slices.Max(ws))))
		}
	}
	return out
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Items returns the scored items in the order Respondent asks for them.
func (p *Plan) Items() int { return len(p.items) }

// ItemCodes are the codes of the items Respondent asks value for, by i.
func (p *Plan) ItemCodes() []string {
	codes := make([]string, len(p.items))
	for i := range p.items {
		codes[i] = p.items[i].q.Code
	}
	return codes
}

// Respondent computes one respondent's t and v per node from their scale
// answers: value returns the answer to item i (of code code) and whether it
// is a real answer. Each node k with v > 0 is passed to add; its key is
// p.Nodes[k].
func (p *Plan) Respondent(value func(i int, code string) (int, bool), add func(k int, t, v int64)) {
	var buf [32]int64
	var tv []int64
	if n := 2 * len(p.Nodes); n > len(buf) {
		tv = make([]int64, n)
	} else {
		tv = buf[:n]
	}
	for i := range p.items {
		it := &p.items[i]
		val, ok := value(i, it.q.Code)
		if !ok {
			continue
		}
		valid, sat := it.classify(val)
		if !valid {
			continue
		}
		for _, nw := range it.nodes {
			tv[2*nw.k+1] += nw.w
			if sat {
				tv[2*nw.k] += nw.w
			}
		}
	}
	for k := range p.Nodes {
		if tv[2*k+1] > 0 {
			add(k, tv[2*k], tv[2*k+1])
		}
	}
}
