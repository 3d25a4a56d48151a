package score

import "math"

// Funnel holds the control limits of a funnel plot at one n, in percent:
// the band an agency of that size stays in by chance alone when its true
// index is the province's (Spiegelhalter 2005, UX.md "Ranking rules").
type Funnel struct {
	Lo95  float64 `json:"lo95"`
	Hi95  float64 `json:"hi95"`
	Lo998 float64 `json:"lo998"`
	Hi998 float64 `json:"hi998"`
}

// Spread is how much one respondent's contribution to the province's index
// varies: the per-respondent variance of its clustered estimator
// (Moments.PerRespondent), as a proportion². An agency of n respondents then
// has variance Spread/n around the province's index if it is like the
// province. OneAnswerSpread is the fallback when the province's moments are
// unknown.
type Spread float64

// OneAnswerSpread is the spread of one yes/no per respondent at index p0
// (percent): p0(1−p0). It is what the quick rating has, and an upper bound
// for an index that averages several answers per respondent.
func OneAnswerSpread(p0 float64) Spread {
	q := min(max(p0/100, 0), 1)
	return Spread(q * (1 - q))
}

// ProvinceSpread returns the spread of the province's index from its
// moments, falling back to OneAnswerSpread when they cannot give one.
func ProvinceSpread(p0 float64, m Moments) Spread {
	if s, ok := m.PerRespondent(); ok && s > 0 {
		return Spread(s)
	}
	return OneAnswerSpread(p0)
}

// FunnelLimits returns the 95% and 99.8% limits around the province's index
// p0 (percent) for n respondents: p0 ± z·sqrt(spread/n), clamped to
// [0, 100]. With n ≤ 0 the limits are the whole range. The spread is the
// province's own, so that every agency is judged against the same funnel and
// the limits narrow smoothly with n.
func FunnelLimits(p0 float64, n int, spread Spread) Funnel {
	if n <= 0 || math.IsNaN(p0) || math.IsNaN(float64(spread)) {
		return Funnel{Lo95: 0, Hi95: 100, Lo998: 0, Hi998: 100}
	}
	p0 = min(max(p0, 0), 100)
	se := 100 * math.Sqrt(max(float64(spread), 0)/float64(n))
	clamp := func(v float64) float64 { return min(max(v, 0), 100) }
	return Funnel{
		Lo95:  clamp(p0 - Z95*se),
		Hi95:  clamp(p0 + Z95*se),
		Lo998: clamp(p0 - Z998*se),
		Hi998: clamp(p0 + Z998*se),
	}
}

// Band is where an agency sits against the province on the funnel plot.
type Band string

// The bands, with the words UX.md gives them.
const (
	BandAbove Band = "above" // "Cao hơn mức chung": above the 95% limit
	BandLevel Band = "level" // "Ngang mức chung": within the 95% limits
	BandBelow Band = "below" // "Thấp hơn mức chung": below the 95% limit
)

// Tier is a band plus whether it is "rõ rệt" (clearly), which UX.md allows
// only beyond the 99.8% limit.
type Tier struct {
	Band    Band `json:"band"`
	Clearly bool `json:"clearly"`
}

// order sorts tiers for the ranked table: above, level, below.
func (t Tier) order() int {
	switch t.Band {
	case BandAbove:
		return 0
	case BandLevel:
		return 1
	}
	return 2
}

// TierOf places an index (percent) with n respondents against the
// province's index p0 (percent) and spread. An index on a limit counts as
// inside it: "beyond" is strict. (It is not named Tier because the type is.)
func TierOf(index float64, n int, p0 float64, spread Spread) Tier {
	f := FunnelLimits(p0, n, spread)
	switch {
	case index > f.Hi95:
		return Tier{Band: BandAbove, Clearly: index > f.Hi998}
	case index < f.Lo95:
		return Tier{Band: BandBelow, Clearly: index < f.Lo998}
	}
	return Tier{Band: BandLevel}
}
