package survey

import (
	"slices"
	"strings"
	"time"
)

// Tree is the agencies with their history: parent links, validity dates and
// successor links. It answers what stood under an agency in a given month,
// so that a month's figures come from the tree as it was in that month and
// a later merger or closure never rewrites them. Parent links carry no date:
// a move applies to every month, past ones included.
//
// A Tree is read-only once built; storage shares one between requests.
type Tree struct {
	Version  int64 // storage's change counter when the tree was read
	all      []*Agency
	byID     map[int64]*Agency
	children map[int64][]*Agency // by ParentID; 0 holds the roots
	merged   map[int64][]*Agency // by SuccessorID
}

// NewTree indexes agencies (kept in the given order by All) under version.
func NewTree(agencies []*Agency, version int64) *Tree {
	t := &Tree{Version: version, all: agencies, byID: make(map[int64]*Agency, len(agencies)),
		children: map[int64][]*Agency{}, merged: map[int64][]*Agency{}}
	for _, a := range agencies {
		t.byID[a.ID] = a
		t.children[a.ParentID] = append(t.children[a.ParentID], a)
		if a.SuccessorID != 0 {
			t.merged[a.SuccessorID] = append(t.merged[a.SuccessorID], a)
		}
	}
	for _, m := range []map[int64][]*Agency{t.children, t.merged} {
		for _, as := range m {
			slices.SortFunc(as, func(a, b *Agency) int { return strings.Compare(a.Code, b.Code) })
		}
	}
	return t
}

// All returns every agency, shared: callers must not change them.
func (t *Tree) All() []*Agency { return t.all }

// Agency returns the agency with the given ID, or nil.
func (t *Tree) Agency(id int64) *Agency { return t.byID[id] }

// MonthDays returns the first and last day ("YYYY-MM-DD") of a "YYYY-MM" month.
func MonthDays(month string) (first, last string, err error) {
	start, err := ParseMonth(month)
	if err != nil {
		return "", "", err
	}
	return start.Format(time.DateOnly), start.AddDate(0, 1, -1).Format(time.DateOnly), nil
}

// existedBetween reports whether the agency existed on a day of [first, last].
func (a *Agency) existedBetween(first, last string) bool {
	return (a.ValidFrom == "" || a.ValidFrom <= last) && (a.ValidTo == "" || a.ValidTo >= first)
}

// mergedBefore reports whether the agency had been merged into its
// successor before the day first: from then on it counts under the successor.
func (a *Agency) mergedBefore(first string) bool {
	return a.SuccessorID != 0 && a.ValidTo != "" && a.ValidTo < first
}

// ExistedIn reports whether the agency existed on at least one day of the
// month: such an agency has a row of its own in that month's comparisons,
// even if it closed or merged later in the month.
func (a *Agency) ExistedIn(month string) bool {
	first, last, err := MonthDays(month)
	return err == nil && a.existedBetween(first, last)
}

// SubtreeIn returns, sorted, the agency id and everything under it as the
// tree stood in month: its children and theirs, less those merged into
// another agency before the month began, plus the agencies merged into any
// of them before the month began (responses an absorbed agency still
// receives count under its successor). Each agency thus counts in exactly
// one place in any month. An agency not yet formed or closed without a
// successor stays under its parent: it has no row of its own, but anything
// counted for it still adds up above it.
func (t *Tree) SubtreeIn(id int64, month string) []int64 {
	first, _, err := MonthDays(month)
	if err != nil {
		return []int64{id}
	}
	seen := map[int64]bool{id: true}
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		n := out[i]
		for _, c := range t.children[n] {
			if !seen[c.ID] && !c.mergedBefore(first) {
				seen[c.ID] = true
				out = append(out, c.ID)
			}
		}
		for _, p := range t.merged[n] {
			if !seen[p.ID] && p.mergedBefore(first) {
				seen[p.ID] = true
				out = append(out, p.ID)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Subtree returns id and every agency below it, by parent or by merger, in
// any month (sorted): everything whose responses may count under id.
func (t *Tree) Subtree(id int64) []int64 {
	seen := map[int64]bool{id: true}
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		n := out[i]
		for _, c := range append(slices.Clone(t.children[n]), t.merged[n]...) {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c.ID)
			}
		}
	}
	slices.Sort(out)
	return out
}

// ChildrenIn returns the agencies directly under parentID (0: the roots)
// that existed in month, by code: the rows of that month's comparison.
func (t *Tree) ChildrenIn(parentID int64, month string) []*Agency {
	first, last, err := MonthDays(month)
	if err != nil {
		return nil
	}
	var out []*Agency
	for _, c := range t.children[parentID] {
		if c.existedBetween(first, last) {
			out = append(out, c)
		}
	}
	return out
}

// Predecessors returns the agencies merged into id and, in turn, those
// merged into them: whose months before their merger are the earlier
// history of id. The most recently closed come first.
func (t *Tree) Predecessors(id int64) []*Agency {
	seen := map[int64]bool{id: true}
	var out []*Agency
	queue := []int64{id}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, p := range t.merged[n] {
			if !seen[p.ID] {
				seen[p.ID] = true
				out = append(out, p)
				queue = append(queue, p.ID)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *Agency) int {
		if c := strings.Compare(b.ValidTo, a.ValidTo); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}
