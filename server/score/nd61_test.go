package score_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

func nd61Definition() *survey.Definition {
	return definition(survey.MethodND61, survey.RollupMean,
		aspect("ND", element("ND", items(points3(), "C1", "C2", "C3")...)))
}

// nd61 reports points per dossier and per criterion; its headline is the
// share of criterion answers meeting the standard (1–2 points). A result
// from rating counts alone names nothing after QĐ 766: that indicator needs
// dossier counts and is computed apart, only where they exist
// (ComputeQD766, docs/decisions/0015; decision 11 for the headline).
func TestND61PointsAndShareMeetingTheStandard(t *testing.T) {
	def := nd61Definition()
	tests := []struct {
		name     string
		c        score.Counts
		points   float64
		max      int
		criteria []float64 // -1: undefined
		share    float64
	}{
		{
			name: "no NA: points are total points per dossier",
			c: score.Counts{Responses: 10, UnsatisfiedResponses: 3, Items: map[string]*score.ItemCounts{
				"C1": pts(1, 4, 5, 0),  // 14 points
				"C2": pts(2, 3, 5, 0),  // 13 points
				"C3": pts(0, 0, 10, 0), // 20 points
			}},
			points: 4.7, max: 6, criteria: []float64{1.4, 1.3, 2},
			share: 100 * 27.0 / 30, // 9 + 8 + 10 answers of 1–2 points out of 30
		},
		{
			name: "NA is left out per criterion, not scored 0",
			c: score.Counts{Responses: 10, UnsatisfiedResponses: 1, Items: map[string]*score.ItemCounts{
				"C1": pts(1, 4, 5, 0),  // 1.4
				"C2": pts(0, 2, 6, 2),  // 14/8 = 1.75
				"C3": pts(0, 0, 0, 10), // nobody: out of points and max
			}},
			points: 3.15, max: 4, criteria: []float64{1.4, 1.75, -1},
			share: 100 * 17.0 / 18, // NA out of the denominator too
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := compute(t, def, tc.c)
			p := r.ND61
			if p == nil || r.SIPAS != nil || r.Quick != nil {
				t.Fatalf("want only the nd61 section, got %+v", r)
			}
			valid(t, "points", p.Points, tc.points, 1e-12)
			if p.MaxPoints != tc.max || p.Dossiers != tc.c.Responses {
				t.Errorf("max %d dossiers %d, want %d, %d", p.MaxPoints, p.Dossiers, tc.max, tc.c.Responses)
			}
			for i, want := range tc.criteria {
				c := p.Criteria[i]
				if c.Max != 2 {
					t.Errorf("%s max %d, want 2", c.Code, c.Max)
				}
				if want < 0 {
					undefined(t, c.Code, c.Points)
					continue
				}
				valid(t, c.Code, c.Points, want, 1e-12)
			}
			valid(t, "share meeting the standard", p.Pooled, tc.share, 1e-12)
			idx, ci := r.Headline()
			if idx != p.Pooled || ci != p.CI95 {
				t.Errorf("headline %v %v, want the share %v and its clustered interval %v", idx, ci, p.Pooled, p.CI95)
			}
			if b, err := json.Marshal(r); err != nil || strings.Contains(string(b), "qd766") || strings.Contains(string(b), "766") {
				t.Errorf("result %s (%v) names QĐ 766", b, err)
			}
		})
	}

	t.Run("no dossiers", func(t *testing.T) {
		r := compute(t, def, score.Counts{})
		undefined(t, "points", r.ND61.Points)
		undefined(t, "share", r.ND61.Pooled)
		if r.ND61.MaxPoints != 0 || r.ND61.CI95 != nil {
			t.Errorf("max %d ci %v, want 0, nil", r.ND61.MaxPoints, r.ND61.CI95)
		}
		marshal(t, r)
	})
}

func TestDossierUnsatisfied(t *testing.T) {
	def := nd61Definition()
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	tests := []struct {
		answers survey.Answers
		want    bool
	}{
		{survey.NewAnswers(map[string]json.RawMessage{"C1": raw("2"), "C2": raw("0")}), true},
		{survey.NewAnswers(map[string]json.RawMessage{"C1": raw("1"), "C2": raw("2"), "C3": raw("1")}), false},
		{survey.NewAnswers(map[string]json.RawMessage{"C1": raw("null"), "C2": raw("1")}), false}, // NA is not unsatisfied
		{survey.Answers{}, false},
		{survey.NewAnswers(map[string]json.RawMessage{"OTHER": raw("0")}), false}, // not a scored item
	}
	for _, tc := range tests {
		if got := score.DossierUnsatisfied(def, tc.answers); got != tc.want {
			t.Errorf("DossierUnsatisfied(%v) = %v, want %v", tc.answers, got, tc.want)
		}
	}
}
