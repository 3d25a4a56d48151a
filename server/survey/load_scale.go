package survey

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

// scales reads the top-level scales. A scale with problems is still
// registered under its code so that items using it do not also report
// "unknown scale".
func (b *defBuilder) scales(n *yaml.Node) {
	list := b.seq(n)
	if n.Kind == yaml.SequenceNode && len(list) == 0 {
		b.errorf(n, "the questionnaire has no scales")
	}
	lines := map[string]int{}
	for _, sn := range list {
		f, ok := b.fields(sn, "code", "options", "satisfied", "unsatisfied", "na")
		if !ok {
			continue
		}
		s := &Scale{}
		if c := b.need(f, "code"); c != nil {
			s.Code = b.code(c)
			if line, dup := lines[s.Code]; dup {
				b.errorf(c, "duplicate scale %q (first at line %d)", s.Code, line)
			} else if s.Code != "" {
				lines[s.Code] = c.Line
				b.def.Scales[s.Code] = s
			}
		}
		if on := b.need(f, "options"); on != nil {
			s.Options = b.scaleOptions(on)
			if on.Kind == yaml.SequenceNode && len(on.Content) < 2 {
				b.errorf(on, "scale %q needs at least two options", s.Code)
			}
		}
		if sat := b.need(f, "satisfied"); sat != nil {
			s.Satisfied = b.scaleValues(s, sat, "satisfied", nil)
			if sat.Kind == yaml.SequenceNode && len(sat.Content) == 0 {
				b.errorf(sat, "scale %q has no satisfied values", s.Code)
			}
		}
		if uns := f.get("unsatisfied"); uns != nil {
			s.Unsatisfied = b.scaleValues(s, uns, "unsatisfied", s.Satisfied)
		}
		s.NA = b.optText(f, "na")
	}
}

// scaleOptions reads the values of a scale, which must go from low to high:
// the kiosk draws them in that order and scores assume it.
func (b *defBuilder) scaleOptions(n *yaml.Node) []Option {
	var opts []Option
	lines := map[int]int{}
	for _, on := range b.seq(n) {
		f, ok := b.fields(on, "value", "face", "label")
		if !ok {
			continue
		}
		o := Option{}
		if vn := b.need(f, "value"); vn != nil {
			if v, ok := b.int(vn); ok {
				o.Value = v
				switch line, dup := lines[v]; {
				case dup:
					b.errorf(vn, "duplicate value %d (first at line %d)", v, line)
				case v < 0:
					b.errorf(vn, "scale values must not be negative")
				case len(opts) > 0 && v < opts[len(opts)-1].Value:
					b.errorf(vn, "scale values must go from low to high (%d after %d)", v, opts[len(opts)-1].Value)
				}
				lines[v] = vn.Line
			}
		}
		if fn := f.get("face"); fn != nil {
			if v, ok := b.int(fn); ok {
				o.Face = v
				if v < 1 || v > 5 {
					b.errorf(fn, "face must be between 1 and 5")
				}
			}
		}
		o.Label = b.needText(f, "label")
		opts = append(opts, o)
	}
	return opts
}

// scaleValues reads the satisfied or unsatisfied values of a scale.
func (b *defBuilder) scaleValues(s *Scale, n *yaml.Node, what string, other []int) []int {
	vals, nodes := b.intList(n)
	for i, v := range vals {
		switch {
		case !s.Has(v):
			b.errorf(nodes[i], "%s value %d is not on scale %q", what, v, s.Code)
		case slices.Contains(vals[:i], v):
			b.errorf(nodes[i], "%s value %d is listed twice", what, v)
		case slices.Contains(other, v):
			b.errorf(nodes[i], "value %d is both satisfied and unsatisfied", v)
		}
	}
	return vals
}

// choiceSets reads the top-level named option sets, shared by questions
// such as the ten priority areas that all offer "Rất nhiều / Nhiều / Ít".
func (b *defBuilder) choiceSets(n *yaml.Node) {
	lines := map[string]int{}
	for _, cn := range b.seq(n) {
		f, ok := b.fields(cn, "code", "options")
		if !ok {
			continue
		}
		var code string
		if c := b.need(f, "code"); c != nil {
			code = b.code(c)
			if line, dup := lines[code]; dup {
				b.errorf(c, "duplicate choice set %q (first at line %d)", code, line)
				code = ""
			} else if code != "" {
				lines[code] = c.Line
			}
		}
		var opts []Option
		if on := b.need(f, "options"); on != nil {
			opts = b.choiceOptions(on)
		}
		if code != "" {
			b.choices[code] = opts
		}
	}
}

// choiceOptions reads a list of {code, label, icon} choices.
func (b *defBuilder) choiceOptions(n *yaml.Node) []Option {
	var opts []Option
	lines := map[string]int{}
	list := b.seq(n)
	if n.Kind == yaml.SequenceNode && len(list) < 2 {
		b.errorf(n, "a choice needs at least two options")
	}
	for _, on := range list {
		f, ok := b.fields(on, "code", "label", "icon")
		if !ok {
			continue
		}
		o := Option{}
		if cn := b.need(f, "code"); cn != nil {
			o.Code = b.code(cn)
			if line, dup := lines[o.Code]; dup && o.Code != "" {
				b.errorf(cn, "duplicate option code %q (first at line %d)", o.Code, line)
			} else {
				lines[o.Code] = cn.Line
			}
		}
		o.Label = b.needText(f, "label")
		if in := f.get("icon"); in != nil {
			o.Icon, _ = b.str(in)
			if o.Icon != "" && !iconPattern.MatchString(o.Icon) {
				b.errorf(in, "invalid icon name %q (use lowercase letters, digits and \"-\")", o.Icon)
			}
		}
		opts = append(opts, o)
	}
	return opts
}
