package web_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPINullsValidateStrictly: kin-openapi, which the contract test
// uses, lets null through any schema marked nullable. OpenAPI 3.0.3 is
// stricter: nullable only adds null to a type given beside it, and allOf,
// oneOf and anyOf judge null by their own subschemas. So "nullable: true"
// beside "allOf: [$ref Place]" refuses null under a strict validator, and
// clients generated from the document break on the null the server sends.
// Every schema that says it is nullable must accept null the strict way.
func TestOpenAPINullsValidateStrictly(t *testing.T) {
	doc := loadOpenAPI(t)
	seen := map[*openapi3.Schema]bool{}
	var bad []string
	var walk func(path string, s *openapi3.Schema)
	walk = func(path string, s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		if s.Nullable && !strictAcceptsNull(s) {
			bad = append(bad, path)
		}
		for name, p := range s.Properties {
			walk(path+"."+name, p.Value)
		}
		if s.Items != nil {
			walk(path+"[]", s.Items.Value)
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			walk(path+"{}", ap.Value)
		}
		for _, list := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
			for _, r := range list {
				walk(path, r.Value)
			}
		}
	}
	for name, s := range doc.Components.Schemas {
		walk(name, s.Value)
	}
	sort.Strings(bad)
	for _, p := range bad {
		t.Errorf("%s is nullable, yet a strict OpenAPI 3.0 validator refuses null there", p)
	}
}

// strictAcceptsNull is OpenAPI 3.0.3's reading of a schema for a null
// value: a type admits it only with nullable beside it, an enum must list
// it, and each combinator decides by its subschemas.
func strictAcceptsNull(s *openapi3.Schema) bool {
	if s.Type != nil && len(*s.Type) > 0 && !s.Nullable {
		return false
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, any(nil)) {
		return false
	}
	for _, r := range s.AllOf {
		if !strictAcceptsNull(r.Value) {
			return false
		}
	}
	if len(s.OneOf) > 0 {
		n := 0
		for _, r := range s.OneOf {
			if strictAcceptsNull(r.Value) {
				n++
			}
		}
		if n != 1 {
			return false
		}
	}
	if len(s.AnyOf) > 0 && !slices.ContainsFunc(s.AnyOf, func(r *openapi3.SchemaRef) bool { return strictAcceptsNull(r.Value) }) {
		return false
	}
	return s.Not == nil || !strictAcceptsNull(s.Not.Value)
}
