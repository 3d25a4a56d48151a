package sqlite

import (
	"context"
	"errors"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
)

func TestTargetsSetClearAndAudit(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	p := mustAgency(t, db, &survey.Agency{Code: "P", Name: survey.Text{"vi": "P"}, Kind: survey.KindProvincePC})
	rate := 30.0
	for i, tg := range []survey.Target{{AgencyID: p.ID, Year: 2026, Index: 85}, {AgencyID: p.ID, Year: 2026, Index: 87.5, ResponseRate: &rate}} {
		changed, err := db.SetTarget(ctx, tg, admin, adminNow)
		if err != nil || !changed {
			t.Fatalf("set %d: changed=%v err=%v", i, changed, err)
		}
	}
	if changed, err := db.SetTarget(ctx, survey.Target{AgencyID: p.ID, Year: 2026, Index: 87.5, ResponseRate: &rate}, admin, adminNow); err != nil || changed {
		t.Errorf("setting the same target again: changed=%v err=%v, want no change", changed, err)
	}
	got, err := db.Targets(ctx, 2026)
	if err != nil || got[p.ID].Index != 87.5 || got[p.ID].ResponseRate == nil || *got[p.ID].ResponseRate != 30 {
		t.Fatalf("targets 2026: %+v %v", got, err)
	}
	if other, _ := db.Targets(ctx, 2025); len(other) != 0 {
		t.Errorf("2025 has targets: %+v", other)
	}
	log, err := db.AuditLog(ctx, AuditFilter{Action: "target."})
	if err != nil || len(log) != 2 {
		t.Fatalf("audit: %+v %v", log, err)
	}
	if log[0].Target != "agency:P/2026" || log[0].Before != `{"index":85}` || log[0].After != `{"index":87.5,"response_rate":30}` {
		t.Errorf("latest audit entry: %+v", log[0])
	}
	if changed, err := db.ClearTarget(ctx, p.ID, 2026, admin, adminNow); err != nil || !changed {
		t.Fatalf("clear: %v %v", changed, err)
	}
	if changed, err := db.ClearTarget(ctx, p.ID, 2026, admin, adminNow); err != nil || changed {
		t.Errorf("clearing twice: %v %v", changed, err)
	}
	if log, _ := db.AuditLog(ctx, AuditFilter{Action: "target.clear"}); len(log) != 1 || log[0].After != "" {
		t.Errorf("clear audit: %+v", log)
	}
	if _, err := db.SetTarget(ctx, survey.Target{AgencyID: 999, Year: 2026, Index: 80}, admin, adminNow); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("unknown agency: %v, want not found", err)
	}
}
