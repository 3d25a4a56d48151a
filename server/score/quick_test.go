package score_test

import (
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// The quick rating is its own index (SIPAS.md §4): the result carries only
// the quick section, so no caller can read it as a SIPAS-style index.
func TestQuickRatingNeverProducesASIPASIndex(t *testing.T) {
	def := definition(survey.MethodQuick, survey.RollupMean,
		aspect("DV", element("PV", items(hl5(), "HL")...)))
	r := compute(t, def, score.Counts{Responses: 22, Items: map[string]*score.ItemCounts{
		"HL": hl(1, 1, 3, 10, 5, 2),
	}})
	if r.Method != survey.MethodQuick || r.Quick == nil || r.SIPAS != nil || r.ND61 != nil {
		t.Fatalf("want only the quick section, got %+v", r)
	}
	q := r.Quick
	valid(t, "index", q.Index, 75, 1e-12)
	valid(t, "mean", q.Mean, (1+2+9+40+25)/20.0, 1e-12)
	if q.Item != "HL" || q.N != 20 || q.NA != 2 || len(q.Counts) != 5 || q.Counts[3].Count != 10 {
		t.Errorf("quick = %+v", q)
	}
	lo, hi := score.Wilson(15, 20)
	if q.CI95 == nil || q.CI95.Lo != lo || q.CI95.Hi != hi {
		t.Errorf("ci95 = %v, want Wilson(15, 20)", q.CI95)
	}
	if r.Reliable {
		t.Error("22 responses flagged reliable")
	}
	if js := marshal(t, r); strings.Contains(js, `"sipas"`) {
		t.Errorf("quick result JSON has a sipas section:\n%s", js)
	}

	def.Aspects[0].Elements[0].Items = items(hl5(), "HL", "HL2")
	if _, err := score.Compute(def, score.Counts{}); err == nil {
		t.Error("a quick definition with two questions is accepted")
	}
}
