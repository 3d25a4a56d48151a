package score

import (
	"fmt"
	"slices"

	"github.com/sipas-vn/sipas/server/survey"
)

// Counts is the input of Compute: answers per item and value for one scope
// (an agency subtree and a month, say) and one questionnaire definition. The
// aggregation layer builds it from its rollup rows; the formulas never see
// raw responses, so that a month of a province costs the same as a day of a
// counter (STYLE.md point 9).
type Counts struct {
	// Responses is the number of responses in scope, partial ones included
	// (each item stands alone in the formula, UX.md §1 screen 5).
	Responses int `json:"responses"`
	// UnsatisfiedResponses is the number of responses in which at least
	// one item has a value in its scale's Unsatisfied list (see
	// DossierUnsatisfied). It needs per-response information, so the
	// aggregation layer counts it when it stores a response. No figure is
	// computed from it: it once fed a "QĐ 766 ratio" that was not QĐ 766's
	// (docs/decisions/0011); it is kept, checked, for the indicator that
	// will count dossiers handled.
	UnsatisfiedResponses int `json:"unsatisfied_responses,omitempty"`
	// Items holds the counts by item code. Codes that are not scored items
	// of the definition (profile or follow-up questions) are ignored; a
	// scored item missing here counts as nobody having answered it.
	Items map[string]*ItemCounts `json:"items"`
	// Moments holds, per node of the definition's Plan (IndexNode,
	// AspectNode, ElementNode), the per-respondent sums behind the clustered
	// intervals. A node missing here has no interval (nil), never a guessed one.
	Moments map[string]Moments `json:"moments,omitempty"`
}

// ItemCounts are one item's answers.
type ItemCounts struct {
	ByValue map[int]int `json:"by_value"` // value → answers (1..5 on the SIPAS scale; 0/1/2 for nd61)
	NA      int         `json:"na"`       // "Không trả lời / Không áp dụng"
}

// validate rejects counts that no correct aggregation can produce: negative
// numbers, an item with more answers than there are responses, or more
// unsatisfied dossiers than dossiers. Such input means a bug upstream, and a
// plausible-looking index computed from it would hide the bug.
func (c Counts) validate(def *survey.Definition) error {
	if c.Responses < 0 {
		return fmt.Errorf("score: negative responses %d", c.Responses)
	}
	if c.UnsatisfiedResponses < 0 || c.UnsatisfiedResponses > c.Responses {
		return fmt.Errorf("score: %d unsatisfied responses out of %d", c.UnsatisfiedResponses, c.Responses)
	}
	for _, q := range def.Items() {
		ic := c.Items[q.Code]
		if ic == nil {
			continue
		}
		total := ic.NA
		if ic.NA < 0 {
			return fmt.Errorf("score: item %s: negative NA count %d", q.Code, ic.NA)
		}
		for v, k := range ic.ByValue {
			if k < 0 {
				return fmt.Errorf("score: item %s: negative count %d for value %d", q.Code, k, v)
			}
			total += k
		}
		if total > c.Responses {
			return fmt.Errorf("score: item %s: %d answers out of %d responses", q.Code, total, c.Responses)
		}
	}
	for node, m := range c.Moments {
		if m.N < 0 || m.N > int64(c.Responses) || m.V < 0 || m.T < 0 || m.T > m.V || m.TT < 0 || m.VV < 0 {
			return fmt.Errorf("score: node %q: moments %+v out of %d responses", node, m, c.Responses)
		}
	}
	return nil
}

// scaleValues returns the values of a scale in option order (low to high).
func scaleValues(s *survey.Scale) []int {
	if s == nil {
		return nil
	}
	out := make([]int, len(s.Options))
	for i, o := range s.Options {
		out[i] = o.Value
	}
	return out
}

// itemTally counts one item's answers against its scale. Values that are not
// on the scale cannot be scored; they are counted as Unknown and left out,
// like NA, rather than guessed at.
func itemTally(q *survey.Question, ic *ItemCounts) *tally {
	t := &tally{}
	t.addScale(scaleValues(q.Scale))
	if ic == nil {
		return t
	}
	t.NA = ic.NA
	for v, k := range ic.ByValue {
		if k == 0 {
			continue
		}
		if q.Scale == nil || !q.Scale.Has(v) {
			t.Unknown += k
			continue
		}
		t.counts[v] += k
		t.N += k
		t.sum += v * k
		if slices.Contains(q.Scale.Satisfied, v) {
			t.Satisfied += k
		}
	}
	return t
}

// DossierUnsatisfied reports whether one response has an answer in its
// scale's Unsatisfied list on some scored item. NA and skipped items do not
// count. The aggregation layer calls it per response to fill
// Counts.UnsatisfiedResponses. It is not the QĐ 766/QĐ-TTg rule: a 0 on a
// criterion that describes the procedure (nd61's ND4) is no complaint.
func DossierUnsatisfied(def *survey.Definition, answers survey.Answers) bool {
	return DossierUnsatisfiedBy(def, func(_ int, q *survey.Question) (int, bool) { return survey.ScaleValue(answers.Value(q.Code)) })
}

// DossierUnsatisfiedBy is DossierUnsatisfied with the answers given by
// value: the answer to scored item q, the i-th of def.Items(), and whether
// there is one. The rollups pass answers they have parsed already.
func DossierUnsatisfiedBy(def *survey.Definition, value func(i int, q *survey.Question) (int, bool)) bool {
	i := -1
	for _, a := range def.Aspects {
		for _, e := range a.Elements {
			for _, q := range e.Items {
				i++
				if q.Scale == nil {
					continue
				}
				if v, ok := value(i, q); ok && slices.Contains(q.Scale.Unsatisfied, v) {
					return true
				}
			}
		}
	}
	return false
}
