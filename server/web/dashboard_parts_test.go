package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
)

// The respondent profile is titled for staff, not with the citizen's "About
// you", and a profile question shows its answers only from 30 answers on,
// the floor officers get; integrity's two questions word their answers
// differently, so they are two tables, not one with the first one's headers.
func TestScorecardProfileAndIntegrity(t *testing.T) {
	f := newDashFixture(t)
	rs := f.sipasReplies("2026-10", 40)
	for i, r := range rs {
		r.answers["PHIENHA_DP"] = json.RawMessage(`"khong_co"`)
		r.answers["TIENNGOAI_DP"] = json.RawMessage(`"mot_so"`)
		r.answers["GT"] = json.RawMessage(`"nu"`)
		if i < 3 { // three say their age: too few to show
			r.answers["TUOI"] = json.RawMessage(`"tren60"`)
		}
	}
	f.insert(t, "H17.50", survey.DefaultID, rs)
	for lang, want := range map[string][]string{
		"vi": {"Người trả lời", "Dưới 30 câu trả lời: không hiển thị", "(n = 40)"},
		"en": {"Respondents", "Fewer than 30 answers: not shown", "(n = 40)"},
	} {
		body := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-10&lang="+lang).Body.String()
		_, profile, ok := strings.Cut(body, `id="h-part-profile"`)
		if !ok {
			t.Fatalf("%s: no profile section", lang)
		}
		profile, _, _ = strings.Cut(profile, "</section>")
		for _, w := range want {
			if !strings.Contains(profile, w) {
				t.Errorf("%s profile lacks %q:\n%s", lang, w, profile)
			}
		}
		if strings.Contains(profile, "About you") || strings.Contains(profile, "Thông tin về người trả lời") || strings.Contains(profile, "Trên 60") || strings.Contains(profile, "Over 60") {
			t.Errorf("%s profile shows the citizen's title or the three ages:\n%s", lang, profile)
		}
		_, integrity, _ := strings.Cut(body, `id="h-part-integrity"`)
		integrity, _, _ = strings.Cut(integrity, "</section>")
		if n := strings.Count(integrity, "<table"); n != 2 {
			t.Errorf("%s integrity in %d tables, want one a question", lang, n)
		}
	}
}
