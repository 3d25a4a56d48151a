package survey

import (
	"slices"
	"testing"
)

// historyTree: a city (1) with a department (2) merged into another (3) on
// 15/11/2026, a commune (4) formed on 01/07/2025, a department (5) closed
// without a successor on 31/08/2026, and a province (6) merged into the
// city on 30/06/2025 with a unit of its own (7) that stayed under it.
func historyTree() *Tree {
	return NewTree([]*Agency{
		{ID: 1, Code: "H17"},
		{ID: 2, Code: "H17.12", ParentID: 1, ValidTo: "2026-11-15", SuccessorID: 3},
		{ID: 3, Code: "H17.10", ParentID: 1},
		{ID: 4, Code: "H17.50", ParentID: 1, ValidFrom: "2025-07-01"},
		{ID: 5, Code: "H17.13", ParentID: 1, ValidTo: "2026-08-31"},
		{ID: 6, Code: "H30", ValidTo: "2025-06-30", SuccessorID: 1},
		{ID: 7, Code: "H30.01", ParentID: 6},
	}, 1)
}

func codes(as []*Agency) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Code)
	}
	return out
}

func TestSubtreeInFollowsTheTreeAsItWas(t *testing.T) {
	tr := historyTree()
	for _, c := range []struct {
		id    int64
		month string
		want  []int64
	}{
		// Before the province's merger it is on its own; the city is without it.
		{1, "2025-06", []int64{1, 2, 3, 4, 5}},
		{6, "2025-06", []int64{6, 7}},
		// After: the province and the unit under it count in the city.
		{1, "2025-07", []int64{1, 2, 3, 4, 5, 6, 7}},
		// The merger month of H17.12 keeps it apart; from December it is in H17.10.
		{3, "2026-10", []int64{3}},
		{3, "2026-11", []int64{3}},
		{2, "2026-11", []int64{2}},
		{3, "2026-12", []int64{2, 3}},
		// The city's total is the same either way.
		{1, "2026-11", []int64{1, 2, 3, 4, 5, 6, 7}},
		{1, "2026-12", []int64{1, 2, 3, 4, 5, 6, 7}},
	} {
		if got := tr.SubtreeIn(c.id, c.month); !slices.Equal(got, c.want) {
			t.Errorf("SubtreeIn(%d, %s) = %v, want %v", c.id, c.month, got, c.want)
		}
	}
}

func TestChildrenInAreThoseThatExistedInTheMonth(t *testing.T) {
	tr := historyTree()
	for _, c := range []struct {
		parent int64
		month  string
		want   []string
	}{
		{1, "2025-06", []string{"H17.10", "H17.12", "H17.13"}},           // the commune not yet formed
		{1, "2026-08", []string{"H17.10", "H17.12", "H17.13", "H17.50"}}, // closed on the month's last day: still a row
		{1, "2026-11", []string{"H17.10", "H17.12", "H17.50"}},           // merged mid-month: still a row
		{1, "2026-12", []string{"H17.10", "H17.50"}},
		{0, "2025-06", []string{"H17", "H30"}},
		{0, "2025-07", []string{"H17"}},
	} {
		if got := codes(tr.ChildrenIn(c.parent, c.month)); !slices.Equal(got, c.want) {
			t.Errorf("ChildrenIn(%d, %s) = %v, want %v", c.parent, c.month, got, c.want)
		}
	}
}

func TestPredecessorsFollowSuccessorChains(t *testing.T) {
	tr := NewTree([]*Agency{
		{ID: 1, Code: "X"},
		{ID: 2, Code: "B", ValidTo: "2026-01-31", SuccessorID: 1},
		{ID: 3, Code: "A", ValidTo: "2025-06-30", SuccessorID: 2},
		{ID: 4, Code: "C", ValidTo: "2026-01-31", SuccessorID: 1},
		{ID: 5, Code: "Y", ParentID: 1},
	}, 1)
	if got := codes(tr.Predecessors(1)); !slices.Equal(got, []string{"B", "C", "A"}) {
		t.Errorf("Predecessors = %v, want B, C (latest merged first), then A (merged into B)", got)
	}
	if got := tr.Predecessors(5); len(got) != 0 {
		t.Errorf("an agency nothing merged into has predecessors %v", codes(got))
	}
}

func TestExistedIn(t *testing.T) {
	a := &Agency{ValidFrom: "2025-07-01", ValidTo: "2026-11-15"}
	for month, want := range map[string]bool{"2025-06": false, "2025-07": true, "2026-11": true, "2026-12": false, "bad": false} {
		if got := a.ExistedIn(month); got != want {
			t.Errorf("ExistedIn(%s) = %v, want %v", month, got, want)
		}
	}
}
