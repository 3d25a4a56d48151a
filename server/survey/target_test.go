package survey

import (
	"math"
	"testing"
)

func TestTargetValidate(t *testing.T) {
	rate := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		name  string
		t     Target
		field string
	}{
		{"ok", Target{Year: 2026, Index: 85}, ""},
		{"ok with rate", Target{Year: 2026, Index: 100, ResponseRate: rate(30)}, ""},
		{"zero is a target", Target{Year: 2026, Index: 0}, ""},
		{"year too early", Target{Year: 2016, Index: 85}, "year"},
		{"year typo", Target{Year: 20266, Index: 85}, "year"},
		{"index above 100", Target{Year: 2026, Index: 100.01}, "index"},
		{"index negative", Target{Year: 2026, Index: -1}, "index"},
		{"index NaN", Target{Year: 2026, Index: math.NaN()}, "index"},
		{"rate above 100", Target{Year: 2026, Index: 85, ResponseRate: rate(120)}, "response_rate"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.t.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			de, ok := err.(*Error)
			if !ok || de.Field != c.field || de.Code != CodeInvalid {
				t.Fatalf("Validate() = %v, want an invalid-field error on %q", err, c.field)
			}
		})
	}
}

func TestEffectiveTargetInheritsFromNearestAncestor(t *testing.T) {
	tree := NewTree([]*Agency{
		{ID: 1, Code: "H1"},
		{ID: 2, Code: "H1.A", ParentID: 1},
		{ID: 3, Code: "H1.A.X", ParentID: 2},
		{ID: 4, Code: "H1.B", ParentID: 1},
		{ID: 5, Code: "H2"},
	}, 1)
	own := map[int64]Target{1: {AgencyID: 1, Year: 2026, Index: 85}, 2: {AgencyID: 2, Year: 2026, Index: 90}}
	for _, c := range []struct {
		id    int64
		want  float64
		from  int64
		found bool
	}{
		{1, 85, 1, true},
		{2, 90, 2, true},  // own overrides the parent's
		{3, 90, 2, true},  // nearest ancestor, not the root
		{4, 85, 1, true},  // inherited from the root
		{5, 0, 0, false},  // another tree: none
		{99, 0, 0, false}, // unknown agency
	} {
		tg, from, ok := EffectiveTarget(tree, c.id, own)
		if ok != c.found || tg.Index != c.want || (ok && from.ID != c.from) {
			t.Errorf("agency %d: got %v from %v ok=%v, want %v from %d ok=%v", c.id, tg.Index, from, ok, c.want, c.from, c.found)
		}
	}
}
