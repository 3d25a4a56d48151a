package score_test

import (
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// Every shipped questionnaire scores under its own method, and a full nd61
// form is worth 18 points (SIPAS.md §3).
func TestShippedDefinitionsScore(t *testing.T) {
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatalf("shipped definitions do not load: %v", err)
	}
	for _, def := range cat.All() {
		t.Run(def.ID, func(t *testing.T) {
			c := score.Counts{Responses: 100, Items: map[string]*score.ItemCounts{}}
			for _, q := range def.Items() {
				ic := &score.ItemCounts{ByValue: map[int]int{}}
				for i, o := range q.Scale.Options {
					ic.ByValue[o.Value] = 10 + i
				}
				c.Items[q.Code] = ic
			}
			r := compute(t, def, c)
			if r.Method != def.Method {
				t.Fatalf("method %q, want %q", r.Method, def.Method)
			}
			switch def.Method {
			case survey.MethodSIPAS:
				if r.SIPAS == nil || !r.SIPAS.Index.Valid {
					t.Errorf("no SIPAS index: %+v", r.SIPAS)
				}
			case survey.MethodND61:
				if r.ND61 == nil || r.ND61.MaxPoints != 18 || !r.ND61.Points.Valid {
					t.Errorf("nd61 = %+v, want a 0–18 score", r.ND61)
				}
			case survey.MethodQuick:
				if r.Quick == nil || !r.Quick.Index.Valid {
					t.Errorf("no quick index: %+v", r.Quick)
				}
			}
			marshal(t, r)
		})
	}
}
