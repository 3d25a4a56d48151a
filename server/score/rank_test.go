package score_test

import (
	"testing"

	"github.com/sipas-vn/sipas/server/score"
)

func TestFunnelLimitsAndTiers(t *testing.T) {
	// p0 = 80%, n = 100: se = sqrt(80·20/100) = 4 points.
	f := score.FunnelLimits(80, 100, score.OneAnswerSpread(80))
	near(t, "lo95", f.Lo95, 80-4*score.Z95, 1e-12)
	near(t, "hi95", f.Hi95, 87.839855938, 1e-8)
	near(t, "lo998", f.Lo998, 67.639070775, 1e-8)
	near(t, "hi998", f.Hi998, 80+4*score.Z998, 1e-12)

	if f := score.FunnelLimits(99, 30, score.OneAnswerSpread(99)); f.Hi95 != 100 || f.Hi998 != 100 || f.Lo998 >= 99 {
		t.Errorf("limits near 100 are not clamped: %+v", f)
	}
	if f := score.FunnelLimits(80, 0, score.OneAnswerSpread(80)); f != (score.Funnel{Lo95: 0, Hi95: 100, Lo998: 0, Hi998: 100}) {
		t.Errorf("n = 0: %+v, want the whole range", f)
	}

	tests := []struct {
		index float64
		n     int
		want  score.Tier
	}{
		{93, 100, score.Tier{Band: score.BandAbove, Clearly: true}},
		{88, 100, score.Tier{Band: score.BandAbove}},
		{f.Hi95, 100, score.Tier{Band: score.BandLevel}}, // on the limit is inside
		{80, 100, score.Tier{Band: score.BandLevel}},
		{70, 100, score.Tier{Band: score.BandBelow}},
		{60, 100, score.Tier{Band: score.BandBelow, Clearly: true}},
		{88, 30, score.Tier{Band: score.BandLevel}}, // same index, small n: noise
		{88, 2000, score.Tier{Band: score.BandAbove, Clearly: true}},
	}
	for _, tc := range tests {
		if got := score.TierOf(tc.index, tc.n, 80, score.OneAnswerSpread(80)); got != tc.want {
			t.Errorf("TierOf(%v, %d, 80) = %+v, want %+v", tc.index, tc.n, got, tc.want)
		}
	}
}

// UX.md "Ranking rules": only n ≥ 30 of one definition, tier before index,
// ties by code, the rest listed by code with a reason.
func TestRank(t *testing.T) {
	idx := func(v float64) score.Figure { return score.Figure{Value: v, Valid: true} }
	const def = "sipas-dv-2023"
	entries := []score.RankEntry{
		{Code: "G", DefinitionID: "nhanh", Responses: 500, Index: idx(99)},
		{Code: "E", DefinitionID: def, Responses: 100, Index: idx(70)}, // below
		{Code: "D", DefinitionID: def, Responses: 50, Index: idx(85)},  // level, ties C
		{Code: "F", DefinitionID: def, Responses: 29, Index: idx(99)},  // too few
		{Code: "B", DefinitionID: def, Responses: 400, Index: idx(85)}, // above, se 2
		{Code: "J", DefinitionID: def, Responses: 50, Index: idx(90)},  // level despite 90 > B's 85
		{Code: "H", DefinitionID: def, Responses: 30, Index: score.Figure{}},
		{Code: "C", DefinitionID: def, Responses: 50, Index: idx(85)},
		{Code: "A", DefinitionID: def, Responses: 100, Index: idx(93)}, // clearly above
		{Code: "I", DefinitionID: def, Responses: 30, Index: idx(80)},  // exactly 30 is ranked
		{Code: "K", DefinitionID: def, Responses: 100, Index: idx(60)}, // clearly below
	}
	r := score.Rank(def, 80, score.OneAnswerSpread(80), entries)
	want := []struct {
		code string
		tier score.Tier
	}{
		{"A", score.Tier{Band: score.BandAbove, Clearly: true}},
		{"B", score.Tier{Band: score.BandAbove}},
		{"J", score.Tier{Band: score.BandLevel}},
		{"C", score.Tier{Band: score.BandLevel}},
		{"D", score.Tier{Band: score.BandLevel}},
		{"I", score.Tier{Band: score.BandLevel}},
		{"E", score.Tier{Band: score.BandBelow}},
		{"K", score.Tier{Band: score.BandBelow, Clearly: true}},
	}
	if len(r.Ranked) != len(want) {
		t.Fatalf("ranked %d entries, want %d: %+v", len(r.Ranked), len(want), r.Ranked)
	}
	for i, w := range want {
		got := r.Ranked[i]
		if got.Code != w.code || got.Tier != w.tier || got.Position != i+1 {
			t.Errorf("ranked[%d] = %s %+v #%d, want %s %+v #%d", i, got.Code, got.Tier, got.Position, w.code, w.tier, i+1)
		}
		if got.Limits != score.FunnelLimits(80, got.Responses, score.OneAnswerSpread(80)) {
			t.Errorf("%s limits %+v", got.Code, got.Limits)
		}
	}
	wantNot := []struct {
		code   string
		reason score.NotRankedReason
	}{
		{"F", score.ReasonFewResponses},
		{"G", score.ReasonOtherDefinition},
		{"H", score.ReasonNoIndex},
	}
	if len(r.NotRanked) != len(wantNot) {
		t.Fatalf("not ranked: %+v", r.NotRanked)
	}
	for i, w := range wantNot {
		if got := r.NotRanked[i]; got.Code != w.code || got.Reason != w.reason {
			t.Errorf("not_ranked[%d] = %s %s, want %s %s", i, got.Code, got.Reason, w.code, w.reason)
		}
	}
	if r.DefinitionID != def || r.P0 != 80 {
		t.Errorf("header %q %v", r.DefinitionID, r.P0)
	}
	marshal(t, r)

	empty := score.Rank(def, 80, 0.16, nil)
	if js := marshal(t, empty); js != "{\n  \"definition_id\": \"sipas-dv-2023\",\n  \"p0\": 80,\n  \"spread\": 0.16,\n  \"ranked\": [],\n  \"not_ranked\": []\n}" {
		t.Errorf("empty ranking JSON:\n%s", js)
	}
}
