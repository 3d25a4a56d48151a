package report

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// TestBreakdownDaysAndStaff scores a subtree by counter, officer and
// channel from the rollups, lists every day of the month, and names the
// counters and officers of the subtree.
func TestBreakdownDaysAndStaff(t *testing.T) {
	ctx := context.Background()
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.RegisterSurveys(ctx, cat.All()); err != nil {
		t.Fatal(err)
	}
	root := &survey.Agency{Code: "H17", Name: survey.Text{"vi": "Thành phố"}, Kind: survey.KindProvincePC, SurveyID: "nhanh"}
	if err := db.CreateAgency(ctx, root, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	child := &survey.Agency{Code: "H17.50", Name: survey.Text{"vi": "Phường"}, Kind: survey.KindCommunePC, ParentID: root.ID}
	if err := db.CreateAgency(ctx, child, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	var counters []*survey.Counter
	var officers []*survey.Officer
	for i, a := range []*survey.Agency{root, child} {
		c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: fmt.Sprintf("Q%d", i), Name: survey.Text{"vi": "Quầy"}, Active: true}
		if err := db.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
			t.Fatal(err)
		}
		o := &survey.Officer{AgencyID: a.ID, Code: fmt.Sprintf("O%d", i), Name: "Cán bộ", Active: true}
		if err := db.CreateOfficer(ctx, o, survey.CLI, time.Now()); err != nil {
			t.Fatal(err)
		}
		counters, officers = append(counters, c), append(officers, o)
	}
	def, _ := cat.Get("nhanh")
	var rs []*survey.Response
	day := time.Date(2026, 10, 3, 9, 0, 0, 0, survey.Zone)
	for i := range 10 {
		k := i % 2 // five each at the root's counter and the ward's
		at := day.Add(time.Duration(i/4) * 24 * time.Hour)
		ch := survey.ChannelKiosk
		if i == 9 {
			ch = survey.ChannelQR
		}
		rs = append(rs, &survey.Response{UID: fmt.Sprintf("0190f0f0-0000-7000-8000-%012d", i), SurveyID: def.ID, SurveyVersion: def.Version,
			AgencyID: counters[k].AgencyID, CounterID: counters[k].ID, OfficerID: officers[k].ID, Channel: ch, ReceivedAt: at, AnsweredAt: &at,
			Month: "2026-10", Lang: "vi", Answers: survey.NewAnswers(map[string]json.RawMessage{"HL": json.RawMessage(fmt.Sprint(1 + i%5))}),
			ContentHash: []byte{byte(i)}})
	}
	if err := db.InsertResponses(ctx, rs); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewRollup(cat).CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	r := New(db, cat)

	by, err := r.Breakdown(ctx, root, def, "2026-10", ByCounter)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range counters {
		sc := by[fmt.Sprint(c.ID)]
		if sc == nil || sc.Result.Responses != 5 {
			t.Fatalf("counter %d: %+v", i, sc)
		}
	}
	// Counter 0 got HL 1,3,5,2,4 → 2 satisfied of 5.
	if got := by[fmt.Sprint(counters[0].ID)].Result.Quick.Index.Value; got != 40 {
		t.Errorf("counter 0 index %v, want 40", got)
	}
	wardOnly, _ := r.Breakdown(ctx, child, def, "2026-10", ByOfficer)
	if len(wardOnly) != 1 || wardOnly[fmt.Sprint(officers[1].ID)] == nil {
		t.Errorf("the ward's breakdown reaches outside its subtree: %v", wardOnly)
	}
	ch, _ := r.Breakdown(ctx, root, def, "2026-10", ByChannel)
	if ch["kiosk"].Result.Responses != 9 || ch["qr"].Result.Responses != 1 {
		t.Errorf("channels: %d kiosk, %d qr", ch["kiosk"].Result.Responses, ch["qr"].Result.Responses)
	}

	days, err := r.Days(ctx, root, def, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 31 || days[0].Date != "2026-10-01" || days[2].Responses != 4 || days[3].Responses != 4 || days[4].Responses != 2 || days[5].Responses != 0 {
		t.Errorf("days: %+v", days[:6])
	}

	cs, os, err := r.Staff(ctx, root)
	if err != nil || len(cs) != 2 || len(os) != 2 {
		t.Errorf("staff: %d counters, %d officers, %v", len(cs), len(os), err)
	}
	kids, err := r.Children(ctx, root)
	if err != nil || len(kids) != 1 || kids[0].Code != "H17.50" {
		t.Fatalf("children: %v %v", kids, err)
	}
	// The ward's own staff only, not its parent's.
	cs, os, err = r.Staff(ctx, kids[0])
	if err != nil || len(cs) != 1 || len(os) != 1 || cs[counters[1].ID] == nil || os[officers[1].ID] == nil {
		t.Errorf("the ward's staff: %v %v %v", cs, os, err)
	}
	roots, _ := r.Children(ctx, nil)
	if len(roots) != 1 || roots[0].Code != "H17" {
		t.Errorf("roots: %v", roots)
	}
}

// TestCompareSaysWhenAChangeIsNoise checks the change rule of UX.md §3: the
// interval of the difference, from each figure's own interval, decides.
func TestCompareSaysWhenAChangeIsNoise(t *testing.T) {
	fig := func(v float64) score.Figure { return score.Figure{Value: v, Valid: true} }
	ci := func(lo, hi float64) *score.Interval { return &score.Interval{Lo: lo, Hi: hi} }
	if c := Compare(fig(82), ci(76, 88), fig(80), ci(74, 86)); !c.Valid || c.Significant || c.Delta != 2 || c.Lo >= 0 || c.Hi <= 0 {
		t.Errorf("82 ± 6 vs 80 ± 6 is noise: %+v", c)
	}
	if c := Compare(fig(90), ci(88, 92), fig(70), ci(67, 73)); !c.Significant || c.Delta != 20 || c.Lo <= 0 {
		t.Errorf("90 ± 2 vs 70 ± 3 is a change: %+v", c)
	}
	if c := Compare(fig(90), ci(80, 95), score.Figure{}, nil); c.Valid {
		t.Errorf("no earlier figure: %+v", c)
	}
	if c := Compare(fig(90), nil, fig(10), ci(5, 15)); !c.Valid || c.Significant {
		t.Errorf("no interval for the current figure, yet called a change: %+v", c)
	}
}
