package survey

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

var (
	allKinds    = []Kind{KindScale, KindSingle, KindMulti, KindText, KindProfile}
	choiceKinds = []Kind{KindSingle, KindMulti, KindProfile}
)

// integrityPart is the part code whose questions ask about harassment and
// unofficial payments. Like profile questions they must stay skippable:
// forcing an answer would push people to lie or to abandon the form.
const integrityPart = "integrity"

// pendingShow is a show_if condition waiting for every question to be known,
// since it may (wrongly) name a later one and the message should say so.
type pendingShow struct {
	q      *Question
	at     int // position of q in defBuilder.questions
	f      mapping
	target string
	values []int
	vnodes []*yaml.Node
	codes  []string
	cnodes []*yaml.Node
}

// question reads a scored item (part == nil) or a question of a part.
func (b *defBuilder) question(n *yaml.Node, part *Part) *Question {
	known := []string{"code", "kind", "text", "hint", "required", "scale", "show_if"}
	if part != nil {
		known = append(known, "options", "max_length")
	}
	f, ok := b.fields(n, known...)
	if !ok {
		return nil
	}
	q := &Question{}
	if c := b.need(f, "code"); c != nil {
		q.Code = b.claim(c)
	}
	validKind := true
	if part == nil {
		q.Kind = KindScale
		if k := f.get("kind"); k != nil {
			if s, _ := b.str(k); Kind(s) != KindScale {
				b.errorf(k, `scored items are always of kind "scale"`)
			}
		}
	} else if k := b.need(f, "kind"); k != nil {
		s, _ := b.str(k)
		q.Kind = Kind(s)
		if validKind = slices.Contains(allKinds, q.Kind); !validKind {
			b.errorf(k, "unknown kind %q (want scale, single, multi, text or profile)", s)
		}
	} else {
		validKind = false
	}
	q.Text = b.needText(f, "text")
	q.Hint = b.optText(f, "hint")
	if r := f.get("required"); r != nil {
		q.Required = b.bool(r)
		switch {
		case q.Required && q.Kind == KindProfile:
			b.errorf(r, "profile questions can never be required")
		case q.Required && part != nil && part.Code == integrityPart:
			b.errorf(r, "integrity questions can never be required")
		}
	}
	if validKind {
		b.questionScale(q, f)
		b.questionOptions(q, f)
		b.questionMaxLength(q, f)
	}
	if q.Code != "" {
		if _, dup := b.index[q.Code]; !dup {
			b.index[q.Code] = len(b.questions)
		}
	}
	b.questions = append(b.questions, q)
	if part == nil {
		b.scored++
	}
	if s := f.get("show_if"); s != nil {
		b.showIf(q, s)
	}
	return q
}

// questionScale resolves the scale of a scale question. A file with a single
// scale may leave it out on every item, which keeps the common case short.
func (b *defBuilder) questionScale(q *Question, f mapping) {
	sn := f.get("scale")
	switch {
	case q.Kind != KindScale:
		if sn != nil {
			b.errorf(f.keys["scale"], "scale applies only to scale questions")
		}
	case sn != nil:
		code, _ := b.str(sn)
		q.ScaleCode, q.Scale = code, b.def.Scales[code]
		if q.Scale == nil && code != "" {
			b.errorf(sn, "unknown scale %q", code)
		}
	case len(b.def.Scales) == 1:
		for code, s := range b.def.Scales {
			q.ScaleCode, q.Scale = code, s
		}
	case len(b.def.Scales) > 1:
		b.errorf(f.node, `missing field "scale" (the file defines several scales)`)
	}
}

// questionOptions reads the choices of a single, multi or profile question:
// either a list written in place or the code of a set under "choices".
func (b *defBuilder) questionOptions(q *Question, f mapping) {
	on := f.get("options")
	switch {
	case !slices.Contains(choiceKinds, q.Kind):
		if on != nil {
			b.errorf(f.keys["options"], "options apply only to single, multi and profile questions")
		}
	case on == nil:
		b.need(f, "options")
	case on.Kind == yaml.ScalarNode:
		code, _ := b.str(on)
		set, ok := b.choices[code]
		if !ok {
			b.errorf(on, "unknown choice set %q", code)
		}
		q.Options = append([]Option(nil), set...)
	default:
		q.Options = b.choiceOptions(on)
	}
}

func (b *defBuilder) questionMaxLength(q *Question, f mapping) {
	m := f.get("max_length")
	switch {
	case q.Kind == KindText && m != nil:
		q.MaxLength = b.maxLength(m)
	case q.Kind == KindText:
		q.MaxLength = defaultMaxLength
	case m != nil:
		b.errorf(f.keys["max_length"], "max_length applies only to text questions")
	}
}

func (b *defBuilder) showIf(q *Question, n *yaml.Node) {
	f, ok := b.fields(n, "question", "values", "codes")
	if !ok {
		return
	}
	p := pendingShow{q: q, at: len(b.questions) - 1, f: f}
	if t := b.need(f, "question"); t != nil {
		p.target, _ = b.str(t)
	}
	if v := f.get("values"); v != nil {
		p.values, p.vnodes = b.intList(v)
	}
	if c := f.get("codes"); c != nil {
		p.codes, p.cnodes = b.strList(c)
	}
	b.shows = append(b.shows, p)
}

// checkShows resolves every show_if now that all questions are known.
func (b *defBuilder) checkShows() {
	for _, p := range b.shows {
		if p.target == "" {
			continue
		}
		tn := p.f.vals["question"]
		i, known := b.index[p.target]
		switch {
		case !known:
			b.errorf(tn, "show_if points at an unknown question %q", p.target)
			continue
		case i == p.at:
			b.errorf(tn, "show_if points at the question itself")
			continue
		case i > p.at:
			b.errorf(tn, "show_if points at a later question %q", p.target)
			continue
		}
		t := b.questions[i]
		switch {
		case !slices.Contains(allKinds, t.Kind):
			continue // its own error is already reported
		case len(p.values) == 0 && len(p.codes) == 0:
			b.errorf(p.f.node, "show_if needs values or codes")
		case t.Kind == KindText:
			b.errorf(tn, "show_if cannot point at a text question %q", p.target)
		case t.Kind == KindScale && len(p.codes) > 0:
			b.errorf(p.f.keys["codes"], "show_if on scale question %q needs values, not codes", p.target)
		case t.Kind != KindScale && len(p.values) > 0:
			b.errorf(p.f.keys["values"], "show_if on choice question %q needs codes, not values", p.target)
		case t.Kind == KindScale:
			for j, v := range p.values {
				if t.Scale != nil && !t.Scale.Has(v) {
					b.errorf(p.vnodes[j], "value %d in show_if is not on scale %q", v, t.Scale.Code)
				}
			}
		default:
			for j, c := range p.codes {
				if !hasOption(t.Options, c) {
					b.errorf(p.cnodes[j], "code %q in show_if is not an option of %q", c, p.target)
				}
			}
		}
		p.q.ShowIf = &Condition{Question: p.target, Values: p.values, Codes: p.codes}
	}
}

func hasOption(opts []Option, code string) bool {
	for _, o := range opts {
		if o.Code == code {
			return true
		}
	}
	return false
}
