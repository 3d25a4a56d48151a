package sqlite

import (
	"context"
	"maps"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// TestRollupScalesMigration writes answer counts as migration 15 kept them,
// one row per value, then opens the database, which applies 17: a scale
// question's values 0–10 and its "no answer" move into one rollup_scales row
// per question, everything else stays, and the tallies read the same.
func TestRollupScalesMigration(t *testing.T) {
	ctx := context.Background()
	path, w := openAtMigration(t, 15)
	old := &DB{Path: path, write: w}
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := old.RegisterSurveys(ctx, cat.All()); err != nil {
		t.Fatal(err)
	}
	nhanh, _ := cat.Get("nhanh")
	want := map[string]map[string]int{}
	add := func(counter int64, excluded bool, question, value string, n int) {
		t.Helper()
		if _, err := w.ExecContext(ctx, `INSERT INTO rollup_answers (month, agency_id, counter_id, officer_id, survey_id, survey_version,
			channel, excluded, question, value, n) VALUES ('2026-11', 1, ?, 0, 'nhanh', ?, 'kiosk', ?, ?, ?, ?)`,
			counter, nhanh.Version, excluded, question, value, n); err != nil {
			t.Fatal(err)
		}
		if !excluded {
			if want[question] == nil {
				want[question] = map[string]int{}
			}
			want[question][value] += n
		}
	}
	add(1, false, "HL", "1", 3)
	add(1, false, "HL", "5", 40)
	add(1, false, "HL", "NA", 2)
	add(2, false, "HL", "4", 7)
	add(1, true, "HL", "4", 9)          // flagged: its own row, left out of the tally
	add(1, false, "HL", "42", 1)        // off the columns' range: stays a value row
	add(1, false, "LYDO", "cho_lau", 5) // a choice question: stays
	add(1, false, "LYDO", "NA", 6)
	db := openMigrated(t, path, w)
	var scales, answers int
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM rollup_scales`).Scan(&scales)
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM rollup_answers`).Scan(&answers)
	if scales != 3 || answers != 3 { // HL per counter and excluded; HL=42 and LYDO's two
		t.Errorf("%d rollup_scales rows, %d rollup_answers rows; want 3 and 3", scales, answers)
	}
	var v5, na int
	db.Reader().QueryRowContext(ctx, `SELECT v5, na FROM rollup_scales WHERE counter_id = 1 AND excluded = 0`).Scan(&v5, &na)
	if v5 != 40 || na != 2 {
		t.Errorf("HL at counter 1: v5 %d, na %d; want 40 and 2", v5, na)
	}
	got, err := db.Tallies(ctx, Scope{Agencies: []int64{1}, Survey: "nhanh", From: "2026-11", To: "2026-11"}, ByNone)
	if err != nil {
		t.Fatal(err)
	}
	if g := got[""]; g == nil || !maps.EqualFunc(g.Answers, want, maps.Equal) {
		t.Errorf("tally after the migration %v, want %v", got[""], want)
	}
}
