package score

import (
	"errors"
	"fmt"

	"github.com/sipas-vn/sipas/server/survey"
)

// Result is the score of one scope under one definition. Exactly one of
// SIPAS, ND61 and Quick is set, chosen by Method, so a quick-rating share
// can never be read as a SIPAS-style index (SIPAS.md §4; UX.md "Ranking
// rules").
type Result struct {
	Method       survey.Method `json:"method"`
	DefinitionID string        `json:"definition_id"`
	Version      string        `json:"version,omitempty"`
	Responses    int           `json:"responses"`
	// Reliable is false under MinResponses responses: the figure is shown
	// grey "chỉ để tham khảo" and not ranked (UX.md "Small n").
	Reliable bool `json:"reliable"`
	// Margin is half the width of the headline's 95% interval, in points:
	// the "sai số khoảng ±x điểm" shown beside n (UX.md "Small n") is the
	// same interval said another way, never a second margin. Null when the
	// headline has no interval.
	Margin Figure `json:"margin"`
	// MethodVersion names how intervals and changes were computed.
	MethodVersion string `json:"method_version"`

	SIPAS *SIPASResult `json:"sipas,omitempty"`
	ND61  *ND61Result  `json:"nd61,omitempty"`
	Quick *QuickResult `json:"quick,omitempty"`
}

// ErrNoDefinition is returned by Compute for a nil definition.
var ErrNoDefinition = errors.New("score: no definition")

// Compute scores counts c under def, dispatching on def.Method. It fails
// only on input no correct caller produces: a nil or unscoreable definition,
// or inconsistent counts (see Counts). Empty counts are not an error: they
// give undefined figures.
func Compute(def *survey.Definition, c Counts) (Result, error) {
	if def == nil {
		return Result{}, ErrNoDefinition
	}
	if err := c.validate(def); err != nil {
		return Result{}, err
	}
	r := Result{
		Method:       def.Method,
		DefinitionID: def.ID,
		Version:      def.Version,
		Responses:    c.Responses,
		Reliable:     c.Responses >= MinResponses,
	}
	switch def.Method {
	case survey.MethodSIPAS:
		r.SIPAS = computeSIPAS(def, c)
	case survey.MethodND61:
		r.ND61 = computeND61(def, c)
	case survey.MethodQuick:
		q, err := computeQuick(def, c)
		if err != nil {
			return Result{}, err
		}
		r.Quick = q
	default:
		return Result{}, fmt.Errorf("score: definition %s: unknown method %q", def.ID, def.Method)
	}
	r.finish()
	return r, nil
}

// Headline returns the result's main figure and its interval: the
// SIPAS-style index, the quick rating's share, or for nd61 the share of
// criterion answers meeting the standard (1–2 points), whose interval is
// respondent-clustered.
func (r Result) Headline() (Figure, *Interval) {
	switch {
	case r.SIPAS != nil:
		return r.SIPAS.Index, r.SIPAS.CI95
	case r.Quick != nil:
		return r.Quick.Index, r.Quick.CI95
	case r.ND61 != nil:
		return r.ND61.Pooled, r.ND61.CI95
	}
	return Figure{}, nil
}

// MainTally is the tally behind the headline: every scored answer for the
// SIPAS-style index and nd61, the one question for the quick rating.
func (r Result) MainTally() Tally {
	switch {
	case r.SIPAS != nil:
		return r.SIPAS.Tally
	case r.Quick != nil:
		return r.Quick.Tally
	case r.ND61 != nil:
		return r.ND61.Tally
	}
	return Tally{}
}

// finish sets the fields derived from the headline.
func (r *Result) finish() {
	r.MethodVersion = MethodVersion
	r.Margin = Figure{}
	if _, ci := r.Headline(); ci != nil {
		r.Margin = defined((ci.Hi - ci.Lo) / 2)
	}
}
