package survey

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

// Limits on free text: long enough for a real complaint, short enough that
// a kiosk cannot be used to store documents.
const (
	defaultMaxLength = 1000
	maxMaxLength     = 5000
)

// defBuilder turns the checked nodes of one file into a Definition, keeping the
// positions that the cross-reference checks (codes, scales, show_if) need.
type defBuilder struct {
	*nodeDecoder
	def       *Definition
	choices   map[string][]Option
	codes     map[string]int // aspect, element, part and question codes → line first seen
	questions []*Question    // display order: scored items, then parts in order
	index     map[string]int // question code → position in questions
	shows     []pendingShow  // show_if conditions, checked once every question is known
	scored    int
}

// definition builds the whole file; it returns nil only when the root is not
// a mapping, so that an id can still be used for duplicate checks otherwise.
func (d *nodeDecoder) definition(root *yaml.Node) (*Definition, filePos) {
	f, ok := d.fields(root, "id", "title", "description", "basis", "legacy", "method",
		"rollup", "duration", "scales", "choices", "aspects", "parts", "comment")
	if !ok {
		return nil, filePos{}
	}
	b := &defBuilder{
		nodeDecoder: d,
		def:         &Definition{Scales: map[string]*Scale{}, Rollup: RollupMean},
		choices:     map[string][]Option{},
		codes:       map[string]int{},
		index:       map[string]int{},
	}
	def := b.def
	var idPos filePos
	if n := d.need(f, "id"); n != nil {
		id, _ := d.str(n)
		if id != "" && !surveyIDPattern.MatchString(id) {
			d.errorf(n, "invalid survey id %q (use lowercase letters, digits and \"-\")", id)
		}
		def.ID, idPos = id, d.at(n)
	}
	def.Title = d.needText(f, "title")
	def.Description = d.optText(f, "description")
	def.Duration = d.optText(f, "duration")
	if n := f.get("basis"); n != nil {
		def.Basis, _ = d.str(n)
	}
	if n := f.get("legacy"); n != nil {
		def.Legacy = d.bool(n)
	}
	if n := d.need(f, "method"); n != nil {
		s, _ := d.str(n)
		def.Method = Method(s)
		if s != "" && !slices.Contains([]Method{MethodSIPAS, MethodND61, MethodQuick}, def.Method) {
			d.errorf(n, "unknown method %q (want sipas, nd61 or quick)", s)
		}
	}
	if n := f.get("rollup"); n != nil {
		s, _ := d.str(n)
		def.Rollup = Rollup(s)
		if s != "" && !slices.Contains([]Rollup{RollupMean, RollupPooled}, def.Rollup) {
			d.errorf(n, "unknown rollup %q (want mean or pooled)", s)
		}
	}
	// Scales and choice sets first, whatever their place in the file, so
	// that questions can refer to them.
	if n := d.need(f, "scales"); n != nil {
		b.scales(n)
	}
	if n := f.get("choices"); n != nil {
		b.choiceSets(n)
	}
	if n := d.need(f, "aspects"); n != nil {
		b.aspects(n)
	}
	if n := f.get("parts"); n != nil {
		b.parts(n)
	}
	if n := f.get("comment"); n != nil {
		def.Comment = b.comment(n)
	}
	b.checkShows()
	if def.Method == MethodQuick && b.scored != 1 && f.get("aspects") != nil {
		d.errorf(f.get("aspects"), "a quick survey has exactly one scored question (found %d)", b.scored)
	}
	return def, idPos
}

// claim records a code in the shared namespace of aspects, elements, parts
// and questions; one namespace keeps reports and exports unambiguous.
func (b *defBuilder) claim(n *yaml.Node) string {
	c := b.code(n)
	if c == "" {
		return ""
	}
	if line, dup := b.codes[c]; dup {
		b.errorf(n, "duplicate code %q (first at line %d)", c, line)
	} else {
		b.codes[c] = n.Line
	}
	return c
}

func (b *defBuilder) aspects(n *yaml.Node) {
	list := b.seq(n)
	if n.Kind == yaml.SequenceNode && len(list) == 0 {
		b.errorf(n, "the questionnaire has no aspects")
	}
	for _, an := range list {
		f, ok := b.fields(an, "code", "title", "elements")
		if !ok {
			continue
		}
		a := &Aspect{}
		if c := b.need(f, "code"); c != nil {
			a.Code = b.claim(c)
		}
		a.Title = b.needText(f, "title")
		en := f.get("elements")
		if en != nil {
			for _, e := range b.seq(en) {
				if el := b.element(e); el != nil {
					a.Elements = append(a.Elements, el)
				}
			}
		}
		if en == nil || (en.Kind == yaml.SequenceNode && len(en.Content) == 0) {
			b.errorf(firstNonNil(en, an), "aspect %q has no elements", a.Code)
		}
		b.def.Aspects = append(b.def.Aspects, a)
	}
}

func (b *defBuilder) element(n *yaml.Node) *Element {
	f, ok := b.fields(n, "code", "title", "intro", "items")
	if !ok {
		return nil
	}
	e := &Element{}
	if c := b.need(f, "code"); c != nil {
		e.Code = b.claim(c)
	}
	e.Title = b.needText(f, "title")
	e.Intro = b.optText(f, "intro")
	in := f.get("items")
	if in != nil {
		for _, qn := range b.seq(in) {
			if q := b.question(qn, nil); q != nil {
				e.Items = append(e.Items, q)
			}
		}
	}
	if in == nil || (in.Kind == yaml.SequenceNode && len(in.Content) == 0) {
		b.errorf(firstNonNil(in, n), "element %q has no items", e.Code)
	}
	return e
}

func (b *defBuilder) parts(n *yaml.Node) {
	for _, pn := range b.seq(n) {
		f, ok := b.fields(pn, "code", "title", "intro", "items")
		if !ok {
			continue
		}
		p := &Part{}
		if c := b.need(f, "code"); c != nil {
			p.Code = b.claim(c)
		}
		p.Title = b.needText(f, "title")
		p.Intro = b.optText(f, "intro")
		in := f.get("items")
		if in != nil {
			for _, qn := range b.seq(in) {
				if q := b.question(qn, p); q != nil {
					p.Questions = append(p.Questions, q)
				}
			}
		}
		if in == nil || (in.Kind == yaml.SequenceNode && len(in.Content) == 0) {
			b.errorf(firstNonNil(in, pn), "part %q has no items", p.Code)
		}
		b.def.Parts = append(b.def.Parts, p)
	}
}

func (b *defBuilder) comment(n *yaml.Node) *Comment {
	f, ok := b.fields(n, "label", "hint", "max_length")
	if !ok {
		return nil
	}
	c := &Comment{Label: b.needText(f, "label"), Hint: b.optText(f, "hint"), MaxLength: defaultMaxLength}
	if m := f.get("max_length"); m != nil {
		c.MaxLength = b.maxLength(m)
	}
	return c
}

func (b *defBuilder) maxLength(n *yaml.Node) int {
	v, ok := b.int(n)
	if ok && (v < 1 || v > maxMaxLength) {
		b.errorf(n, "max_length must be between 1 and %d", maxMaxLength)
	}
	return v
}

func firstNonNil(ns ...*yaml.Node) *yaml.Node {
	for _, n := range ns {
		if n != nil {
			return n
		}
	}
	return nil
}
