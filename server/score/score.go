// Package score holds the formulas of SIPAS.md "Formulas": pure functions
// from answer counts to indexes, intervals, points and rankings. It does no
// I/O and keeps full float64 precision; rounding (half-up, two decimals,
// decimal comma) is the display layer's job (SIPAS.md).
package score

import (
	"encoding/json"
	"math"
)

// MinResponses is the number of responses below which a figure is flagged
// as not reliable and its agency is not ranked (SIPAS.md; UX.md "Small n").
const MinResponses = 30

// Normal quantiles used by the intervals. Z95 is exact for Wilson and
// Newcombe; the funnel limits use the same two-sided quantiles that print as
// 1.96 and 3.09 (Spiegelhalter 2005, UX.md [S31]).
const (
	Z95  = 1.959963984540054 // two-sided 95%
	Z998 = 3.090232306167813 // two-sided 99.8%
)

// Figure is a number that may be undefined, such as the index of an item
// nobody answered. SIPAS.md leaves undefined figures out of the means above
// them instead of counting them as 0, so the type makes the difference
// explicit; an undefined Figure marshals as JSON null, never NaN.
type Figure struct {
	Value float64
	Valid bool
}

// defined returns a valid Figure, or an undefined one when v is not finite,
// so that no NaN can leak into a result.
func defined(v float64) Figure {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Figure{}
	}
	return Figure{Value: v, Valid: true}
}

// ratio returns 100·num/den, undefined when den is 0.
func ratio(num, den int) Figure {
	if den <= 0 {
		return Figure{}
	}
	return defined(100 * float64(num) / float64(den))
}

// MarshalJSON writes the number, or null when the figure is undefined.
func (f Figure) MarshalJSON() ([]byte, error) {
	if !f.Valid || math.IsNaN(f.Value) || math.IsInf(f.Value, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f.Value)
}

// UnmarshalJSON reads a number, or null as undefined.
func (f *Figure) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Figure{}
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = defined(v)
	return nil
}

// Interval is a confidence interval in percent (or percentage points for a
// difference).
type Interval struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// LevelCount is the number of answers with one scale value. Lists of them
// run low to high in scale option order, as the distribution bar shows them
// (UX.md §3 item 4).
type LevelCount struct {
	Value int `json:"value"`
	Count int `json:"count"`
}

// Tally is what every node of a result reports besides its index: the valid
// answers under it, how they split over the levels, the pooled share of
// satisfied answers, and the 95% interval of the node's figure (SIPAS.md
// "also report").
type Tally struct {
	N         int          `json:"n"`                 // valid answers (NA excluded)
	Satisfied int          `json:"satisfied"`         // valid answers whose value is in the scale's Satisfied list
	NA        int          `json:"na"`                // "Không trả lời / Không áp dụng"
	Unknown   int          `json:"unknown,omitempty"` // values not on the item's scale; left out like NA (should be 0)
	Mean      Figure       `json:"mean"`              // average value of the valid answers (1–5 score; 0–2 points for nd61)
	Pooled    Figure       `json:"pooled"`            // 100·satisfied/n
	CI95      *Interval    `json:"ci95"`              // 95% interval of the node's index: Wilson for one item (one answer per respondent), respondent-clustered above it (ClusteredInterval); nil when unknown
	Counts    []LevelCount `json:"counts"`            // per level, low to high
}

// tally accumulates answers; sum is Σ value·count for the mean.
type tally struct {
	Tally
	sum    int
	counts map[int]int
	order  []int // level values in first-seen scale option order
}

// addScale registers the levels of a scale so that they are listed even when
// nobody chose them.
func (t *tally) addScale(values []int) {
	if t.counts == nil {
		t.counts = map[int]int{}
	}
	for _, v := range values {
		if _, ok := t.counts[v]; !ok {
			t.counts[v] = 0
			t.order = append(t.order, v)
		}
	}
}

// add merges another accumulator into t.
func (t *tally) add(o *tally) {
	t.addScale(o.order)
	for v, c := range o.counts {
		t.counts[v] += c
	}
	t.N += o.N
	t.Satisfied += o.Satisfied
	t.NA += o.NA
	t.Unknown += o.Unknown
	t.sum += o.sum
}

// done fills the derived fields and returns the public Tally.
func (t *tally) done() Tally {
	out := t.Tally
	out.Counts = make([]LevelCount, len(t.order))
	for i, v := range t.order {
		out.Counts[i] = LevelCount{Value: v, Count: t.counts[v]}
	}
	out.Mean = Figure{}
	if out.N > 0 {
		out.Mean = defined(float64(t.sum) / float64(out.N))
	}
	out.Pooled = ratio(out.Satisfied, out.N)
	out.CI95 = wilsonInterval(out.Satisfied, out.N)
	return out
}

// wilsonInterval is Wilson as an *Interval, nil when there are no answers.
func wilsonInterval(s, n int) *Interval {
	if n <= 0 {
		return nil
	}
	lo, hi := Wilson(s, n)
	return &Interval{Lo: lo, Hi: hi}
}

// meanOf is the plain mean of the defined figures, undefined when none is
// (SIPAS.md: an undefined node is left out of the mean above it).
func meanOf(fs []Figure) Figure {
	sum, k := 0.0, 0
	for _, f := range fs {
		if f.Valid {
			sum += f.Value
			k++
		}
	}
	if k == 0 {
		return Figure{}
	}
	return defined(sum / float64(k))
}
