package report

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/demo"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

func demoReports(t *testing.T) (*Reports, *sqlite.DB, time.Time) {
	t.Helper()
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
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, survey.Zone)
	if _, err := demo.Seed(ctx, db, cat, demo.Options{Now: now, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewRollup(cat).CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	return New(db, cat), db, now
}

// TestRankAgreesWithEachAgencysScore: the ranking's fast path (item shares)
// gives each child exactly the index and n of its own full scorecard.
func TestRankAgreesWithEachAgencysScore(t *testing.T) {
	r, db, _ := demoReports(t)
	ctx := context.Background()
	city, err := db.AgencyByCode(ctx, "H17")
	if err != nil {
		t.Fatal(err)
	}
	for _, def := range []*survey.Definition{r.surveys.Default(), mustGet(t, r, "nhanh")} {
		rk, err := r.Rank(ctx, city, def, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		if len(rk.Scores) == 0 {
			t.Fatal("nothing ranked")
		}
		checked := 0
		for _, sc := range rk.Scores {
			full, err := r.Score(ctx, sc.Agency, def, "2026-10")
			if err != nil {
				t.Fatal(err)
			}
			fi, fc := full.Headline()
			ri, rc := sc.Headline()
			if fi.Valid != ri.Valid || math.Abs(fi.Value-ri.Value) > 1e-9 || (fc == nil) != (rc == nil) || full.Result.Responses != sc.Result.Responses {
				t.Errorf("%s %s: full %v/%v (%d responses), ranked %v/%v (%d)", def.ID, sc.Agency.Code,
					fi, fc, full.Result.Responses, ri, rc, sc.Result.Responses)
			}
			// The ranking's interval comes from the per-item summary's sums: the same as the scorecard's.
			if fc != nil && rc != nil && (math.Abs(fc.Lo-rc.Lo) > 1e-9 || math.Abs(fc.Hi-rc.Hi) > 1e-9) {
				t.Errorf("%s %s: interval %v on the scorecard, %v in the ranking", def.ID, sc.Agency.Code, *fc, *rc)
			}
			if fc != nil {
				checked++
			}
		}
		if checked == 0 {
			t.Errorf("%s: no agency with answers to compare", def.ID)
		}
	}
}

func mustGet(t *testing.T, r *Reports, id string) *survey.Definition {
	d, ok := r.surveys.Get(id)
	if !ok {
		t.Fatalf("no %s", id)
	}
	return d
}

func TestMonthsAndResolve(t *testing.T) {
	got := Months("2026-02", 3)
	if len(got) != 3 || got[0] != "2025-12" || got[2] != "2026-02" {
		t.Errorf("Months = %v", got)
	}
	r, _, _ := demoReports(t)
	ctx := context.Background()
	if _, _, err := r.Resolve(ctx, Request{Agency: "H17", Month: "2026-13"}); survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("bad month: %v", err)
	}
	if _, _, err := r.Resolve(ctx, Request{Agency: "NOPE", Month: "2026-10"}); survey.ErrorCode(err) != survey.CodeNotFound {
		t.Errorf("unknown agency: %v", err)
	}
	a, def, err := r.Resolve(ctx, Request{Agency: "H17.52", Month: "2026-10"})
	if err != nil || a.Code != "H17.52" || def.ID != "nhanh" {
		t.Errorf("a commune on the quick rating: %v %v %v", a, def, err)
	}
}
