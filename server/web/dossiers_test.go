package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// countsSetup places H17 with counter CT-01 and a second province H18 with
// counter CT-18, and returns a province-wide tokens key and one bound to H18.
func countsSetup(t *testing.T) (s *web.Server, key, h18Key string) {
	t.Helper()
	s = newTestServer(t)
	place(t, s)
	ctx := context.Background()
	a := &survey.Agency{Code: "H18", Name: survey.Text{"vi": "Tỉnh khác"}, Kind: survey.KindProvincePC}
	if err := s.DB.CreateAgency(ctx, a, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.CreateCounter(ctx, &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: "CT-18", Number: 1, Name: survey.Text{"vi": "Quầy 18"}, Active: true}, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	var err error
	if _, key, err = s.DB.CreateAPIKey(ctx, "một cửa", []string{"tokens"}, 0, survey.CLI, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, h18Key, err = s.DB.CreateAPIKey(ctx, "một cửa H18", []string{"tokens"}, a.ID, survey.CLI, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	return s, key, h18Key
}

func storedCounts(t *testing.T, s *web.Server, counter, month string) map[string]survey.DossierCount {
	t.Helper()
	c, err := s.DB.CounterByCode(context.Background(), counter)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.DB.DossierCounts(context.Background(), c.ID, month)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestDossierCountSameCounterAndDayReplaces(t *testing.T) {
	s, key, _ := countsSetup(t)
	send := func(b string) {
		t.Helper()
		if rec := post(t, s, "/api/v1/dossier-counts", b, "Authorization", "Bearer "+key); rec.Code != 200 {
			t.Fatalf("%s: %d %s", b, rec.Code, rec.Body.String())
		}
	}
	send(`{"counter":"CT-01","date":"2026-11-27","received":42,"handled":40,"late":3,"complaints":1}`)
	send(`{"counter":"CT-01","date":"2026-11-27","received":42,"handled":40,"late":3,"complaints":1}`) // a retry
	if got := storedCounts(t, s, "CT-01", "2026-11"); len(got) != 1 || got["2026-11-27"].Received != 42 || *got["2026-11-27"].Late != 3 {
		t.Fatalf("after a retry: %+v", got)
	}
	send(`{"counter":"ct-01","date":"2026-11-27","received":45}`) // a correction, without the optional fields
	got := storedCounts(t, s, "CT-01", "2026-11")
	if d := got["2026-11-27"]; len(got) != 1 || d.Received != 45 || d.Handled != nil || d.Late != nil {
		t.Errorf("the correction did not replace the day: %+v", got)
	}
	log, err := s.DB.AuditLog(context.Background(), sqlite.AuditFilter{Action: "dossiers."})
	if err != nil || len(log) != 3 || log[0].Actor != "api:một cửa" || !strings.Contains(log[0].Before, `"Received":42`) {
		t.Errorf("audit %+v %v: want three entries by the key, the last with what it replaced", log, err)
	}
}

func TestDossierCountRefusesEachBadFieldByName(t *testing.T) {
	s, key, _ := countsSetup(t)
	for _, c := range []struct{ body, field, vi string }{
		{`{"date":"2026-11-27","received":1}`, "counter", "quầy"},
		{`{"counter":"NOPE","date":"2026-11-27","received":1}`, "counter", "Không tìm thấy quầy"},
		{`{"counter":"CT-01","date":"27/11/2026","received":1}`, "date", "YYYY-MM-DD"},
		{`{"counter":"CT-01","date":"2026-02-30","received":1}`, "date", "ngày có thật"},
		{`{"counter":"CT-01","date":"2026-11-27"}`, "received", "số hồ sơ tiếp nhận"},
		{`{"counter":"CT-01","date":"2026-11-27","received":-1}`, "received", "100.000"},
		{`{"counter":"CT-01","date":"2026-11-27","received":1,"handled":-2}`, "handled", "số nguyên"},
		{`{"counter":"CT-01","date":"2026-11-27","received":1,"late":1}`, "late", "đã giải quyết"},
		{`{"counter":"CT-01","date":"2026-11-27","received":1,"complaints":1}`, "complaints", "đã giải quyết"},
		{`{"counter":"CT-01","date":"2026-11-27","received":9,"handled":3,"late":4}`, "late", "không được lớn hơn"},
		{`{"counter":"CT-01","date":"2026-11-27","received":9,"handled":3,"complaints":4}`, "complaints", "không được lớn hơn"},
	} {
		rec := post(t, s, "/api/v1/dossier-counts", c.body, "Authorization", "Bearer "+key)
		var e web.APIError
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != 422 || e.Error.Field != c.field || !strings.Contains(e.Error.Message, c.vi) {
			t.Errorf("%s: %d %s, want 422 on %s saying %q", c.body, rec.Code, rec.Body.String(), c.field, c.vi)
		}
	}
	rec := post(t, s, "/api/v1/dossier-counts", `{"counter":"CT-01","date":"2026-11-27","received":1,"late":1}`, "Authorization", "Bearer "+key, "Accept-Language", "en")
	if !strings.Contains(rec.Body.String(), "together with the dossiers handled") {
		t.Errorf("English error: %s", rec.Body.String())
	}
	if got := storedCounts(t, s, "CT-01", "2026-11"); len(got) != 0 {
		t.Errorf("refused counts were stored: %+v", got)
	}
}

func TestDossierCountKeyLimitedToItsAgency(t *testing.T) {
	s, _, h18 := countsSetup(t)
	if rec := post(t, s, "/api/v1/dossier-counts", `{"counter":"CT-01","date":"2026-11-27","received":5}`, "Authorization", "Bearer "+h18); rec.Code != 403 {
		t.Errorf("an H18 key reported for H17's counter: %d", rec.Code)
	}
	if rec := post(t, s, "/api/v1/dossier-counts", `{"counter":"CT-18","date":"2026-11-27","received":5}`, "Authorization", "Bearer "+h18); rec.Code != 200 {
		t.Errorf("an H18 key for its own counter: %d %s", rec.Code, rec.Body.String())
	}
	if got := storedCounts(t, s, "CT-01", "2026-11"); len(got) != 0 {
		t.Errorf("a forbidden count was stored: %+v", got)
	}
}
