package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/sqlite"
)

var untranslatedCounts = regexp.MustCompile(`\bcounts\.[a-z_]+\.?[a-z_.]*\b`)

func TestAdminDossierGridSavesTypedDaysAudited(t *testing.T) {
	s, a := adminSetup(t) // the clock reads 27/11/2026
	page := a.get("/admin/dossiers?counter=CT-01&month=2026-11").Body.String()
	if strings.Count(page, `name="received-2026-11-`) != 27 || strings.Contains(page, "received-2026-11-28") {
		t.Errorf("the November grid should list 01–27/11, the days up to today")
	}
	if m := untranslatedCounts.FindString(page); m != "" {
		t.Errorf("the page shows the message ID %s", m)
	}
	rec := a.post("/admin/dossiers", url.Values{"counter": {"CT-01"}, "month": {"2026-11"},
		"received-2026-11-03": {"42"}, "handled-2026-11-03": {"40"}, "late-2026-11-03": {"1"},
		"received-2026-11-04": {"12"},
		"received-2026-11-05": {"bốn"},
		"late-2026-11-06":     {"2"},
	})
	body := rec.Body.String()
	for _, want := range []string{`href="#received-2026-11-05"`, `href="#received-2026-11-06"`, `aria-invalid="true"`, `value="bốn"`, `value="42"`} {
		if rec.Code != 422 || !strings.Contains(body, want) {
			t.Errorf("a grid with two bad days: %d, want 422 with %s", rec.Code, want)
		}
	}
	c, _ := s.DB.CounterByCode(context.Background(), "CT-01")
	if got, _ := s.DB.DossierCounts(context.Background(), c.ID, "2026-11"); len(got) != 0 {
		t.Fatalf("a refused grid stored %v", got)
	}
	rec = a.post("/admin/dossiers", url.Values{"counter": {"CT-01"}, "month": {"2026-11"},
		"received-2026-11-03": {"42"}, "handled-2026-11-03": {"40"}, "late-2026-11-03": {"1"}, "received-2026-11-04": {" 12 "}})
	if rec.Code != 303 || rec.Header().Get("Location") != "/admin/dossiers?counter=CT-01&month=2026-11" {
		t.Fatalf("save: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	got, _ := s.DB.DossierCounts(context.Background(), c.ID, "2026-11")
	if d := got["2026-11-03"]; len(got) != 2 || d.Received != 42 || *d.Handled != 40 || *d.Late != 1 || d.Complaints != nil || got["2026-11-04"].Received != 12 {
		t.Errorf("stored %+v", got)
	}
	page = a.get("/admin/dossiers?counter=CT-01&month=2026-11").Body.String()
	if !strings.Contains(page, `name="handled-2026-11-03" type="text" inputmode="numeric" class="short" value="40"`) {
		t.Errorf("after saving, the grid lacks the stored figures")
	}
	log, err := s.DB.AuditLog(context.Background(), sqlite.AuditFilter{Action: "dossiers."})
	if err != nil || len(log) != 2 || log[0].Actor != "quantri" {
		t.Errorf("audit %+v %v: want one entry a day by the admin", log, err)
	}
	if rec := a.post("/admin/dossiers", url.Values{"counter": {"CT-01"}, "month": {"2026-11"}}); rec.Code != 422 {
		t.Errorf("an empty grid: %d", rec.Code)
	}
}
