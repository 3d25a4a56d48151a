package report

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/demo"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// table is what a reader of a ranking sees: every row's code, position,
// responses and index (to full precision), ranked and not ranked.
func table(t *testing.T, r *Reports, parent *survey.Agency, def *survey.Definition, month string) []string {
	t.Helper()
	rk, err := r.Rank(context.Background(), parent, def, month)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range rk.Result.Ranked {
		out = append(out, fmt.Sprintf("%d %s n=%d %v", e.Position, e.Code, e.Responses, e.Index))
	}
	for _, e := range rk.Result.NotRanked {
		out = append(out, fmt.Sprintf("- %s n=%d %v", e.Code, e.Responses, e.Index))
	}
	return out
}

func scoreLine(t *testing.T, r *Reports, a *survey.Agency, def *survey.Definition, month string) string {
	t.Helper()
	sc, err := r.Score(context.Background(), a, def, month)
	if err != nil {
		t.Fatal(err)
	}
	return headlineLine(sc)
}

// headlineLine writes a score's month, n, index and interval for comparison.
func headlineLine(sc *Score) string {
	idx, ci := sc.Headline()
	iv := "no interval"
	if ci != nil {
		iv = fmt.Sprintf("%.12f–%.12f", ci.Lo, ci.Hi)
	}
	return fmt.Sprintf("%s n=%d %v %s", sc.Month, sc.Result.Responses, idx, iv)
}

// TestMergerLeavesPastMonthsAsTheyWere merges Sở Xây dựng (H17.12) into Sở
// Tư pháp (H17.10) on 20/11/2026, as the issue did: no month up to and
// including November may change, neither the city's ranking table nor
// H17.10's own figure; H17.12's months appear in H17.10's history beside
// its own line.
func TestMergerLeavesPastMonthsAsTheyWere(t *testing.T) {
	r, db, now := demoReports(t)
	ctx := context.Background()
	def := r.surveys.Default()
	city, _ := db.AgencyByCode(ctx, "H17")
	stp, _ := db.AgencyByCode(ctx, "H17.10")
	sxd, _ := db.AgencyByCode(ctx, "H17.12")
	months := Months("2026-11", 12)

	before := map[string][]string{}
	var scores, sxdScores []string
	for _, m := range months {
		before[m] = table(t, r, city, def, m)
		scores = append(scores, scoreLine(t, r, stp, def, m))
		sxdScores = append(sxdScores, scoreLine(t, r, sxd, def, m))
	}
	if !slices.ContainsFunc(before["2026-11"], func(s string) bool { return codeOf(s) == "H17.12" }) {
		t.Fatalf("H17.12 is not in November's table before the merger: %v", before["2026-11"])
	}

	if err := db.MergeAgency(ctx, sxd.ID, stp.ID, "2026-11-20", survey.CLI, now); err != nil {
		t.Fatal(err)
	}
	// The same Reports: the ranking cache must notice the tree changed.
	for i, m := range months {
		if got := table(t, r, city, def, m); !slices.Equal(got, before[m]) {
			t.Errorf("%s: the ranking table changed with the merger\nbefore %v\nafter  %v", m, before[m], got)
		}
		if got := scoreLine(t, r, stp, def, m); got != scores[i] {
			t.Errorf("H17.10 %s: before the merger %s, after %s", m, scores[i], got)
		}
	}

	series, err := r.Series(ctx, stp, def, "2026-11", 12)
	if err != nil {
		t.Fatal(err)
	}
	for i, sc := range series {
		if got := headlineLine(sc); got != scores[i] {
			t.Errorf("H17.10's trend point %s is not its scorecard %s", got, scores[i])
		}
	}
	preds, err := r.Predecessors(ctx, stp, def, "2026-11", 12)
	if err != nil {
		t.Fatal(err)
	}
	if len(preds) != 1 || preds[0].Agency.Code != "H17.12" {
		t.Fatalf("H17.10's history lacks H17.12: %v", preds)
	}
	for i, sc := range preds[0].Series {
		if sc == nil {
			t.Errorf("H17.12 %s: no figure in the history though it existed", months[i])
			continue
		}
		if got := headlineLine(sc); got != sxdScores[i] {
			t.Errorf("H17.12 in H17.10's history: %s, its own scorecard said %s", got, sxdScores[i])
		}
	}

	// From December H17.12 is part of H17.10: a response it still gets counts there.
	tree, err := db.AgencyTree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.SubtreeIn(stp.ID, "2026-12"); !slices.Contains(got, sxd.ID) {
		t.Errorf("H17.10's December subtree %v lacks the merged H17.12", got)
	}
	if got := table(t, r, city, def, "2026-12"); slices.ContainsFunc(got, func(s string) bool { return codeOf(s) == "H17.12" }) {
		t.Errorf("December's table still lists the merged H17.12: %v", got)
	}
}

func codeOf(row string) string {
	var pos, code string
	fmt.Sscan(row, &pos, &code)
	return code
}

// TestDemoPreMergerProvincesStayInTheCitysHistory: the demo's Hậu Giang
// and Sóc Trăng (merged into Cần Thơ on 01/07/2025) keep their months, shown
// in the city's history beside its own line, and rank as provinces of their
// own in the months they existed.
func TestDemoPreMergerProvincesStayInTheCitysHistory(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, db, cat, demo.Options{Now: time.Date(2025, 9, 10, 15, 0, 0, 0, survey.Zone), Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewRollup(cat).CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	r := New(db, cat)
	def := cat.Default()
	city, _ := db.AgencyByCode(ctx, "H17")
	preds, err := r.Predecessors(ctx, city, def, "2025-09", 13)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range preds {
		got = append(got, p.Agency.Code)
		for _, sc := range p.Series {
			switch {
			case sc == nil:
			case sc.Month > "2025-06":
				t.Errorf("%s has a point in %s, after it merged", p.Agency.Code, sc.Month)
			}
		}
		june := p.Series[len(p.Series)-4]
		if june == nil || june.Month != "2025-06" || june.Result.Responses < 30 {
			t.Errorf("%s: June 2025 missing from the city's history: %+v", p.Agency.Code, june)
		}
	}
	if !slices.Equal(got, []string{"H30", "H52"}) {
		t.Errorf("the city's predecessors %v, want H30 and H52", got)
	}
	if rows := table(t, r, nil, def, "2025-06"); len(rows) != 3 {
		t.Errorf("June 2025 had three provinces: %v", rows)
	}
	if rows := table(t, r, nil, def, "2025-08"); len(rows) != 1 || codeOf(rows[0]) != "H17" {
		t.Errorf("August 2025 had one city: %v", rows)
	}
	// The months after the merger count both in the city: the province's
	// figure then is its whole territory's.
	aug, err := r.Score(ctx, city, def, "2025-08")
	if err != nil {
		t.Fatal(err)
	}
	if aug.Result.Responses < 100 {
		t.Errorf("the city's August 2025: %d responses", aug.Result.Responses)
	}
}
