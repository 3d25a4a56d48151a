package demo

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/sipas-vn/sipas/server/survey"
)

// model is how one questionnaire behaves in the demo. Everything comes from
// the definition: item codes, scales and option codes are never written here,
// so the demo follows the YAML files when they change.
type model struct {
	def      *survey.Definition
	items    []*survey.Question
	element  []int     // per item: index of its element, for agency-specific weak spots
	offset   []float64 // per item: systematic shift of the satisfied share
	naRate   []float64 // per item: share of "Không trả lời / Không áp dụng"
	elements int
	weights  map[string][]float64 // choice question code → option weights
}

// newModel draws the fixed traits of a questionnaire. Procedure items and
// complaint handling come out weaker, as they do in published SIPAS results;
// complaint items also get more NA, since few citizens ever filed one.
func newModel(def *survey.Definition, rng *rand.Rand) *model {
	m := &model{def: def, weights: map[string][]float64{}}
	for _, a := range def.Aspects {
		for _, e := range a.Elements {
			title := strings.ToLower(e.Title["vi"])
			weak := strings.HasPrefix(title, "thủ tục") || strings.Contains(title, "phản ánh")
			for _, q := range e.Items {
				off := (rng.Float64() - 0.5) * 0.06
				na := 0.05 + rng.Float64()*0.03
				if weak {
					off -= 0.08
				}
				if strings.Contains(title, "phản ánh") {
					na += 0.02
				}
				m.items = append(m.items, q)
				m.element = append(m.element, m.elements)
				m.offset = append(m.offset, off)
				m.naRate = append(m.naRate, na)
			}
			m.elements++
		}
	}
	for _, p := range def.Parts {
		for _, q := range p.Questions {
			if len(q.Options) == 0 {
				continue
			}
			w := make([]float64, len(q.Options))
			for i, o := range q.Options {
				w[i] = 0.6 + rng.Float64()*0.8
				if q.Kind == survey.KindMulti {
					w[i] /= 1 + 0.3*float64(i) // reasons listed first are the common ones
				}
				if o.Code == "khac" { // "Khác" (other) is a small minority
					w[i] *= 0.15
				}
			}
			m.weights[q.Code] = w
		}
	}
	return m
}

// respondent is one citizen's disposition for one response.
type respondent struct {
	quality  float64   // the agency's level this month
	elements []float64 // the agency's own shift per element
	mood     float64   // halo: one person's answers move together
}

// answered is one generated set of answers.
type answered struct {
	answers   map[string]json.RawMessage
	partial   bool
	satisfied float64 // share of satisfied among scored answers, to pick a fitting comment
}

var jsonNull = json.RawMessage("null")

// answer fills a questionnaire the way citizens do: mostly on the positive
// side, some straight-lining, some "Không trả lời", some stopping early, and
// the optional parts only now and then.
func (m *model) answer(rng *rand.Rand, who respondent) answered {
	out := answered{answers: map[string]json.RawMessage{}}
	n := len(m.items)
	stop := n
	if n > 1 && rng.Float64() < 0.06 {
		stop = 1 + rng.IntN(n-1) // "Dừng và gửi": the items answered so far are kept
		out.partial = true
	}
	straight := 0
	if n > 1 && rng.Float64() < 0.08 {
		straight = 1 // same face for every item
		if rng.Float64() < 0.25 {
			straight = -1 // ... and sometimes "Bình thường" all the way down
		}
	}
	var scored, sat int
	for i := range stop {
		q := m.items[i]
		if straight == 0 && len(q.Scale.NA) > 0 && rng.Float64() < m.naRate[i] {
			out.answers[q.Code] = jsonNull
			continue
		}
		p := who.quality + m.offset[i] + who.elements[m.element[i]] + who.mood
		v := scaleValue(rng, q.Scale, p, straight)
		out.answers[q.Code] = json.RawMessage(strconv.Itoa(v))
		scored++
		if slices.Contains(q.Scale.Satisfied, v) {
			sat++
		}
	}
	if scored > 0 {
		out.satisfied = float64(sat) / float64(scored)
	}
	if !out.partial {
		m.parts(rng, who, out.answers)
	}
	return out
}

// scaleValue draws one value: satisfied with probability p, then the top
// value more often the happier the agency; below "satisfied" the value next
// to it (Bình thường) is the usual one and the lowest is rare.
func scaleValue(rng *rand.Rand, s *survey.Scale, p float64, straight int) int {
	var good, bad []int
	for _, o := range s.Options {
		if slices.Contains(s.Satisfied, o.Value) {
			good = append(good, o.Value)
		} else {
			bad = append(bad, o.Value)
		}
	}
	slices.Sort(good)
	slices.Sort(bad)
	switch {
	case straight > 0 && len(good) > 0:
		return good[len(good)-1]
	case straight < 0 && len(bad) > 0:
		return bad[len(bad)-1]
	}
	p = min(max(p, 0.15), 0.98)
	if len(bad) == 0 || (len(good) > 0 && rng.Float64() < p) {
		if len(good) > 1 && rng.Float64() < min(max(p-0.45, 0.15), 0.6) {
			return good[len(good)-1]
		}
		return good[rng.IntN(max(len(good)-1, 1))]
	}
	// Weights 5, 2, 1, 1, … from the value just below "satisfied" downwards.
	w := make([]float64, len(bad))
	for i := range bad {
		switch len(bad) - 1 - i {
		case 0:
			w[i] = 5
		case 1:
			w[i] = 2
		default:
			w[i] = 1
		}
	}
	return bad[pick(rng, w)]
}

// parts answers the unscored parts. Follow-ups with a show_if condition are
// answered when shown; the others only by the few who go on past the
// scored block, each question skipped now and then (none is ever required).
func (m *model) parts(rng *rand.Rand, who respondent, answers map[string]json.RawMessage) {
	for _, p := range m.def.Parts {
		join := 0.12
		switch {
		case p.Code == "integrity":
			join = 0.20
		case len(p.Questions) > 0 && p.Questions[0].Kind == survey.KindProfile:
			join = 0.30
		}
		joined := rng.Float64() < join
		for _, q := range p.Questions {
			if q.ShowIf != nil {
				if !shown(q.ShowIf, answers) || rng.Float64() < 0.15 { // "Bỏ qua"
					continue
				}
			} else if !joined || rng.Float64() < 0.1 {
				continue
			}
			if v := m.choice(rng, who, p.Code, q); v != nil {
				answers[q.Code] = v
			}
		}
	}
}

// choice answers one unscored question; nil leaves it unanswered.
func (m *model) choice(rng *rand.Rand, who respondent, part string, q *survey.Question) json.RawMessage {
	w := m.weights[q.Code]
	switch q.Kind {
	case survey.KindScale:
		return json.RawMessage(strconv.Itoa(scaleValue(rng, q.Scale, who.quality+who.mood, 0)))
	case survey.KindSingle, survey.KindProfile:
		if len(w) == 0 {
			return nil
		}
		if part == "integrity" {
			// The first option is "none"; trouble is reported more where
			// service is worse, but stays rare everywhere.
			w = slices.Clone(w)
			w[0] = 20 * who.quality * who.quality
			for i := 2; i < len(w); i++ {
				w[i] *= 0.3
			}
		}
		return quote(q.Options[pick(rng, w)].Code)
	case survey.KindMulti:
		if len(w) == 0 {
			return nil
		}
		k := 1
		if r := rng.Float64(); r > 0.9 {
			k = 3
		} else if r > 0.65 {
			k = 2
		}
		w = slices.Clone(w)
		var codes []string
		for range min(k, len(w)) {
			i := pick(rng, w)
			codes = append(codes, q.Options[i].Code)
			w[i] = 0
		}
		js, _ := json.Marshal(codes)
		return js
	}
	return nil // free text: left to the comment field
}

// shown evaluates a show_if condition against the answers so far.
func shown(c *survey.Condition, answers map[string]json.RawMessage) bool {
	raw, ok := answers[c.Question]
	if !ok || string(raw) == "null" {
		return false
	}
	if v, err := strconv.Atoi(string(raw)); err == nil {
		return slices.Contains(c.Values, v)
	}
	var code string
	if json.Unmarshal(raw, &code) == nil {
		return slices.Contains(c.Codes, code)
	}
	return false
}

func quote(s string) json.RawMessage {
	js, _ := json.Marshal(s)
	return js
}

// pick returns an index with probability proportional to its weight.
func pick(rng *rand.Rand, w []float64) int {
	var total float64
	for _, x := range w {
		total += x
	}
	r := rng.Float64() * total
	for i, x := range w {
		if r < x {
			return i
		}
		r -= x
	}
	return len(w) - 1
}
