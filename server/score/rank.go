package score

import (
	"cmp"
	"slices"
)

// RankEntry is one agency's figure for the period, as the comparison table
// needs it.
type RankEntry struct {
	Code         string    `json:"code"`          // agency code; opaque, also the tie-breaker
	DefinitionID string    `json:"definition_id"` // the questionnaire the index comes from
	Responses    int       `json:"responses"`
	Index        Figure    `json:"index"`
	CI95         *Interval `json:"ci95,omitempty"` // carried through for the table row
}

// NotRankedReason says why an entry is listed but not ranked.
type NotRankedReason string

// Reasons an entry is not ranked.
const (
	// Under MinResponses responses: "Chưa xếp hạng: dưới 30 phiếu" (UX.md).
	ReasonFewResponses NotRankedReason = "few_responses"
	// Another questionnaire (and so possibly another method, such as the
	// quick rating): indexes of different definitions are never compared.
	ReasonOtherDefinition NotRankedReason = "other_definition"
	// Enough responses but no defined index (every answer NA).
	ReasonNoIndex NotRankedReason = "no_index"
)

// Ranked is a ranked entry with its place, tier and funnel limits.
type Ranked struct {
	RankEntry
	Position int    `json:"position"` // 1-based, over all tiers
	Tier     Tier   `json:"tier"`
	Limits   Funnel `json:"limits"`
}

// NotRanked is an entry listed below the table.
type NotRanked struct {
	RankEntry
	Reason NotRankedReason `json:"reason"`
}

// RankResult is the comparison across agencies of UX.md §3 item 6.
type RankResult struct {
	DefinitionID string      `json:"definition_id"`
	P0           float64     `json:"p0"`     // the province's index, computed as each agency's, that the limits are drawn around
	Spread       Spread      `json:"spread"` // the province's per-respondent variance behind the limits
	Ranked       []Ranked    `json:"ranked"`
	NotRanked    []NotRanked `json:"not_ranked"`
}

// Rank ranks the entries of definition definitionID against the province's
// index p0 (percent), computed the same way as each agency's, and its
// per-respondent spread. Following UX.md "Ranking rules", only entries of
// that definition with at least MinResponses responses and a defined index
// are ranked: tier first (above, level, below), then index descending, then
// code, so the order is total and stable. The rest are listed by code with
// the reason.
//
// Tiers use respondents as the funnel's n and the province's clustered
// spread: the answers of one respondent move together, so counting 19 of
// them as independent would make every agency look "clearly" different.
//
// Agency codes sort by bytes here; a display wanting Vietnamese name order
// re-sorts NotRanked with a collator.
func Rank(definitionID string, p0 float64, spread Spread, entries []RankEntry) RankResult {
	out := RankResult{DefinitionID: definitionID, P0: p0, Spread: spread, Ranked: []Ranked{}, NotRanked: []NotRanked{}}
	for _, e := range entries {
		switch {
		case e.DefinitionID != definitionID:
			out.NotRanked = append(out.NotRanked, NotRanked{e, ReasonOtherDefinition})
		case e.Responses < MinResponses:
			out.NotRanked = append(out.NotRanked, NotRanked{e, ReasonFewResponses})
		case !e.Index.Valid:
			out.NotRanked = append(out.NotRanked, NotRanked{e, ReasonNoIndex})
		default:
			out.Ranked = append(out.Ranked, Ranked{
				RankEntry: e,
				Tier:      TierOf(e.Index.Value, e.Responses, p0, spread),
				Limits:    FunnelLimits(p0, e.Responses, spread),
			})
		}
	}
	slices.SortStableFunc(out.Ranked, func(a, b Ranked) int {
		return cmp.Or(
			cmp.Compare(a.Tier.order(), b.Tier.order()),
			cmp.Compare(b.Index.Value, a.Index.Value),
			cmp.Compare(a.Code, b.Code),
		)
	})
	for i := range out.Ranked {
		out.Ranked[i].Position = i + 1
	}
	slices.SortStableFunc(out.NotRanked, func(a, b NotRanked) int { return cmp.Compare(a.Code, b.Code) })
	return out
}
