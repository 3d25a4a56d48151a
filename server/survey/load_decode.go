package survey

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The loader walks yaml.Node trees by hand instead of unmarshalling into
// structs: that is what gives every problem a line and column, lets it reject
// unknown keys with a helpful message, and lets it keep going after the first
// problem so an operator sees them all at once.

// filePos is where something was written in a definition file.
type filePos struct {
	file      string
	line, col int
}

func (p filePos) errorf(format string, args ...any) LoadError {
	return LoadError{File: p.file, Line: p.line, Column: p.col, Message: fmt.Sprintf(format, args...)}
}

// nodeDecoder collects the problems of one file.
type nodeDecoder struct {
	file string
	errs LoadErrors
}

func (d *nodeDecoder) at(n *yaml.Node) filePos { return filePos{d.file, n.Line, n.Column} }

func (d *nodeDecoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, d.at(n).errorf(format, args...))
}

// deref follows YAML aliases (*name) so that anchors work like copies.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// mapping is one YAML mapping, checked against the keys it may hold.
type mapping struct {
	node *yaml.Node
	keys map[string]*yaml.Node
	vals map[string]*yaml.Node
}

// get returns the value of key, nil when absent or written empty.
func (f mapping) get(key string) *yaml.Node {
	if v := f.vals[key]; !isNull(v) {
		return v
	}
	return nil
}

// fields checks that n is a mapping with only known, non-repeated keys.
func (d *nodeDecoder) fields(n *yaml.Node, known ...string) (mapping, bool) {
	f := mapping{node: n, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "expected a mapping (key: value lines)")
		return f, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		switch {
		case !slices.Contains(known, k.Value):
			d.errorf(k, "unknown field %q", k.Value)
		case f.keys[k.Value] != nil:
			d.errorf(k, "field %q appears twice (first at line %d)", k.Value, f.keys[k.Value].Line)
		default:
			f.keys[k.Value], f.vals[k.Value] = k, v
		}
	}
	return f, true
}

// need returns the value of a required key, reporting it when absent or empty.
func (d *nodeDecoder) need(f mapping, key string) *yaml.Node {
	if v := f.get(key); v != nil {
		return v
	}
	if k := f.keys[key]; k != nil {
		d.errorf(k, "field %q is empty", key)
	} else {
		d.errorf(f.node, "missing field %q", key)
	}
	return nil
}

// str reads a scalar as trimmed text; numbers are accepted as written.
func (d *nodeDecoder) str(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorf(n, "expected a single value")
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

func (d *nodeDecoder) int(n *yaml.Node) (int, bool) {
	var v int
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Decode(&v) != nil {
		d.errorf(n, "expected a whole number, got %q", n.Value)
		return 0, false
	}
	return v, true
}

// bool accepts true and false only: yes/no/on/off mean booleans in some YAML
// versions and text in others, so they are rejected rather than guessed.
func (d *nodeDecoder) bool(n *yaml.Node) bool {
	var v bool
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&v) != nil {
		d.errorf(n, "expected true or false, got %q", n.Value)
	}
	return v
}

// seq returns the items of a list (aliases followed).
func (d *nodeDecoder) seq(n *yaml.Node) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "expected a list")
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out
}

var (
	surveyIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	codePattern     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,31}$`)
	iconPattern     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	langPattern     = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// code reads a code: codes end up in stored answers, JSON keys and export
// column names, so they are kept to letters, digits and "_".
func (d *nodeDecoder) code(n *yaml.Node) string {
	s, ok := d.str(n)
	if !ok {
		return ""
	}
	if !codePattern.MatchString(s) {
		d.errorf(n, "invalid code %q (start with a letter; use letters, digits and \"_\", at most 32)", s)
	}
	return s
}

// text reads a {vi: ..., en: ...} mapping. Vietnamese is the source language
// and required everywhere; other languages fall back to it (Text.In).
func (d *nodeDecoder) text(n *yaml.Node) Text {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, `expected texts by language, e.g. {vi: "...", en: "..."}`)
		return nil
	}
	t := Text{}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		lang := k.Value
		switch {
		case lang == "vn":
			d.errorf(k, `unknown language "vn" (Vietnamese is "vi")`)
			continue
		case !langPattern.MatchString(lang):
			d.errorf(k, "unknown language %q (use a language code such as vi or en)", lang)
			continue
		case first[lang] != 0:
			d.errorf(k, "field %q appears twice (first at line %d)", lang, first[lang])
			continue
		}
		first[lang] = k.Line
		if isNull(v) || (v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) == "") {
			if lang == "vi" {
				d.errorf(k, "missing Vietnamese text (vi)")
			} else {
				d.errorf(k, "empty %q text", lang)
			}
			continue
		}
		if s, ok := d.str(v); ok {
			t[lang] = s
		}
	}
	if _, ok := t["vi"]; !ok && first["vi"] == 0 {
		d.errorf(n, "missing Vietnamese text (vi)")
	}
	return t
}

// optText reads an optional text field; nil when absent.
func (d *nodeDecoder) optText(f mapping, key string) Text {
	if n := f.get(key); n != nil {
		return d.text(n)
	}
	return nil
}

// needText reads a required text field.
func (d *nodeDecoder) needText(f mapping, key string) Text {
	if n := d.need(f, key); n != nil {
		return d.text(n)
	}
	return nil
}

// intList reads a list of whole numbers, keeping each node for positions.
func (d *nodeDecoder) intList(n *yaml.Node) ([]int, []*yaml.Node) {
	var vals []int
	var nodes []*yaml.Node
	for _, c := range d.seq(n) {
		if v, ok := d.int(c); ok {
			vals, nodes = append(vals, v), append(nodes, c)
		}
	}
	return vals, nodes
}

// strList reads a list of single values, keeping each node for positions.
func (d *nodeDecoder) strList(n *yaml.Node) ([]string, []*yaml.Node) {
	var vals []string
	var nodes []*yaml.Node
	for _, c := range d.seq(n) {
		if v, ok := d.str(c); ok {
			vals, nodes = append(vals, v), append(nodes, c)
		}
	}
	return vals, nodes
}
