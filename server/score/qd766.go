package score

import (
	"slices"

	"github.com/sipas-vn/sipas/server/survey"
)

// Rate is a share with what it is made of: Value = 100 · Num / Den.
type Rate struct {
	Num, Den int
	Value    Figure
}

// NewRate returns num over den, nil when den is 0: with nothing to divide
// by there is no rate, and none is shown (not 0 %).
func NewRate(num, den int) *Rate {
	if den <= 0 {
		return nil
	}
	return &Rate{Num: num, Den: den, Value: defined(100 * float64(num) / float64(den))}
}

// Low reports whether the rate is under threshold (a fraction, 0.1 = 10 %).
func (r *Rate) Low(threshold float64) bool {
	return r != nil && r.Value.Valid && r.Value.Value < 100*threshold
}

// QD766Source is where the indicator is defined, shown with its figure.
// docs/decisions/0015 says how far the transcription was checked.
const QD766Source = "QĐ 766/QĐ-TTg ngày 23/6/2022, Phụ lục, nhóm chỉ số “Mức độ hài lòng”"

// QD766 is the satisfaction indicator of QĐ 766/QĐ-TTg as the national
// portal's index defines it: over the dossiers handled, 100 % minus the
// share handled late and minus the share with a complaint or rated "not
// satisfied". Late and Complaints come from the one-stop software's counts,
// NotSatisfied from dossier-bound ratings only (docs/decisions/0015).
type QD766 struct {
	Handled      int
	Late         int
	Complaints   int
	Rated        int // dossier-bound ratings
	NotSatisfied int // of those, rated "not satisfied"
	Index        Figure
}

// ComputeQD766 returns the indicator, nil when it cannot be computed: no
// dossiers handled were reported, or no dossier-bound rating exists. The
// result is floored at 0: a dossier both late and complained of counts in
// both shares, as the formula reads.
func ComputeQD766(handled, late, complaints, rated, notSatisfied int) *QD766 {
	if handled <= 0 || rated <= 0 {
		return nil
	}
	v := 100 * (1 - float64(late)/float64(handled) - float64(complaints+notSatisfied)/float64(handled))
	return &QD766{Handled: handled, Late: late, Complaints: complaints, Rated: rated, NotSatisfied: notSatisfied, Index: defined(max(v, 0))}
}

// notSatisfiedLabel is how the shipped nd61 scales name the level of a
// criterion asked as satisfaction (criteria 5–8).
const notSatisfiedLabel = "Không hài lòng"

// QD766NotSatisfied returns the criteria of an nd61 definition asked as
// satisfaction (an unsatisfied level labelled "Không hài lòng") and those
// levels: a dossier-bound rating with one of them is "not satisfied".
// Criteria answered with facts (time taken, number of contacts or agencies)
// are not: lateness comes from the software's count, and needing two
// agencies is how a procedure works, not an unhappy citizen (decision 11).
func QD766NotSatisfied(def *survey.Definition) (items []string, values []int) {
	seen := map[int]bool{}
	for _, q := range def.Items() {
		if q.Scale == nil {
			continue
		}
		for _, o := range q.Scale.Options {
			if slices.Contains(q.Scale.Unsatisfied, o.Value) && o.Label["vi"] == notSatisfiedLabel {
				if !slices.Contains(items, q.Code) {
					items = append(items, q.Code)
				}
				if !seen[o.Value] {
					seen[o.Value], values = true, append(values, o.Value)
				}
			}
		}
	}
	return items, values
}
