package survey

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
)

// Answer is one question's answer as sent: its code and raw JSON value.
// JSON null is "Không trả lời / Không áp dụng".
type Answer struct {
	Code  string
	Value json.RawMessage
}

// Answers are a response's answers in code order, each code once. A sorted
// slice rather than a map: every submission decodes, validates, encodes and
// tallies them, and the map was most of what that cost (decision 14). An
// absent code is the same as JSON null.
//
// Make them with NewAnswers or by decoding JSON; a literal must be in code
// order.
type Answers []Answer

// NewAnswers returns m's answers in code order.
func NewAnswers(m map[string]json.RawMessage) Answers {
	a := make(Answers, 0, len(m))
	for _, code := range slices.Sorted(maps.Keys(m)) {
		a = append(a, Answer{code, m[code]})
	}
	return a
}

// Value is the answer to code, nil if there is none.
func (a Answers) Value(code string) json.RawMessage {
	v, _ := a.Lookup(code)
	return v
}

// Lookup is the answer to code and whether the code is given.
func (a Answers) Lookup(code string) (json.RawMessage, bool) {
	i, ok := slices.BinarySearchFunc(a, code, func(x Answer, code string) int { return cmp.Compare(x.Code, code) })
	if !ok {
		return nil, false
	}
	return a[i].Value, true
}

// sortCodes puts decoded answers in code order. A questionnaire's answers
// come in its own order, a score of them: an insertion sort with the
// comparison inline costs a fraction of slices.SortFunc there (which was 2 %
// of a submission's CPU); a long list, only ever a malformed body, takes
// the general sort.
func (a Answers) sortCodes() {
	if len(a) > 32 {
		slices.SortFunc(a, func(x, y Answer) int { return cmp.Compare(x.Code, y.Code) })
		return
	}
	for i := 1; i < len(a); i++ {
		x := a[i]
		j := i
		for ; j > 0 && x.Code < a[j-1].Code; j-- {
			a[j] = a[j-1]
		}
		a[j] = x
	}
}
