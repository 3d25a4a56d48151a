package score

import "math"

// Funnel holds the control limits of a funnel plot at one n, in percent:
// the band an agency of that size stays in by chance alone when its true
// share is the province's (Spiegelhalter 2005, UX.md "Ranking rules").
type Funnel struct {
	Lo95  float64 `json:"lo95"`
	Hi95  float64 `json:"hi95"`
	Lo998 float64 `json:"lo998"`
	Hi998 float64 `json:"hi998"`
}

// FunnelLimits returns the 95% and 99.8% limits around the province pooled
// share p0 (percent) for n responses, by the binomial normal approximation
// p0 ± z·sqrt(p0(100−p0)/n), clamped to [0, 100]. With n ≤ 0 the limits are
// the whole range. p0 is clamped into [0, 100].
func FunnelLimits(p0 float64, n int) Funnel {
	if n <= 0 || math.IsNaN(p0) {
		return Funnel{Lo95: 0, Hi95: 100, Lo998: 0, Hi998: 100}
	}
	p0 = min(max(p0, 0), 100)
	se := math.Sqrt(p0 * (100 - p0) / float64(n))
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

// TierOf places an index (percent) with n responses against the province
// pooled share p0 (percent). An index on a limit counts as inside it:
// "beyond" is strict. (It is not named Tier because the type is.)
func TierOf(index float64, n int, p0 float64) Tier {
	f := FunnelLimits(p0, n)
	switch {
	case index > f.Hi95:
		return Tier{Band: BandAbove, Clearly: index > f.Hi998}
	case index < f.Lo95:
		return Tier{Band: BandBelow, Clearly: index < f.Lo998}
	}
	return Tier{Band: BandLevel}
}
