package score_test

import (
	"encoding/json"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

func nd61Definition() *survey.Definition {
	return definition(survey.MethodND61, survey.RollupMean,
		aspect("ND", element("ND", items(points3(), "C1", "C2", "C3")...)))
}

func TestND61PointsAndQD766Ratio(t *testing.T) {
	def := nd61Definition()
	tests := []struct {
		name        string
		c           score.Counts
		points      float64
		max         int
		criteria    []float64 // -1: undefined
		ratio, ciLo float64
	}{
		{
			name: "no NA: points are total points per dossier",
			c: score.Counts{Responses: 10, UnsatisfiedResponses: 3, Items: map[string]*score.ItemCounts{
				"C1": pts(1, 4, 5, 0),  // 14 points
				"C2": pts(2, 3, 5, 0),  // 13 points
				"C3": pts(0, 0, 10, 0), // 20 points
			}},
			points: 4.7, max: 6, criteria: []float64{1.4, 1.3, 2},
			ratio: 70, ciLo: 39.677,
		},
		{
			name: "NA is left out per criterion, not scored 0",
			c: score.Counts{Responses: 10, UnsatisfiedResponses: 1, Items: map[string]*score.ItemCounts{
				"C1": pts(1, 4, 5, 0),  // 1.4
				"C2": pts(0, 2, 6, 2),  // 14/8 = 1.75
				"C3": pts(0, 0, 0, 10), // nobody: out of points and max
			}},
			points: 3.15, max: 4, criteria: []float64{1.4, 1.75, -1},
			ratio: 90, ciLo: 59.585,
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
			q := p.QD766
			if q.Convention != "QĐ 766/QĐ-TTg" || q.Dossiers != tc.c.Responses || q.Unsatisfied != tc.c.UnsatisfiedResponses {
				t.Errorf("qd766 = %+v", q)
			}
			valid(t, "qd766 ratio", q.Ratio, tc.ratio, 1e-12)
			if q.CI95 == nil {
				t.Fatal("qd766 has no interval")
			}
			near(t, "qd766 ci lo", q.CI95.Lo, tc.ciLo, 1e-3)
		})
	}

	t.Run("no dossiers", func(t *testing.T) {
		r := compute(t, def, score.Counts{})
		undefined(t, "points", r.ND61.Points)
		undefined(t, "ratio", r.ND61.QD766.Ratio)
		if r.ND61.MaxPoints != 0 || r.ND61.QD766.CI95 != nil {
			t.Errorf("max %d ci %v, want 0, nil", r.ND61.MaxPoints, r.ND61.QD766.CI95)
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
		{survey.Answers{"C1": raw("2"), "C2": raw("0")}, true},
		{survey.Answers{"C1": raw("1"), "C2": raw("2"), "C3": raw("1")}, false},
		{survey.Answers{"C1": raw("null"), "C2": raw("1")}, false}, // NA is not unsatisfied
		{survey.Answers{}, false},
		{survey.Answers{"OTHER": raw("0")}, false}, // not a scored item
	}
	for _, tc := range tests {
		if got := score.DossierUnsatisfied(def, tc.answers); got != tc.want {
			t.Errorf("DossierUnsatisfied(%v) = %v, want %v", tc.answers, got, tc.want)
		}
	}
}
