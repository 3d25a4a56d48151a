package web_test

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// publicFixture: October 2026 (the last closed month on 27/11/2026) with
// 40 respondents at H17.50, 35 at H17.51, 12 at H17.52's branch H17.50.1
// and none elsewhere; one comment that must never be published.
func publicFixture(t *testing.T) *dashFixture {
	t.Helper()
	f := newDashFixture(t)
	f.insert(t, "H17.50", survey.DefaultID, f.sipasReplies("2026-10", 40))
	rs := f.sipasReplies("2026-10", 35)
	rs[0].comment = "Bình luận riêng không được công bố"
	f.insert(t, "H17.51", survey.DefaultID, rs)
	f.insert(t, "H17.51", survey.DefaultID, f.sipasReplies("2026-09", 31))
	return f
}

func TestPublicResultsAreOffUntilAnAdminTurnsThemOn(t *testing.T) {
	f := publicFixture(t)
	if rec := get(t, f.s, "/ket-qua"); rec.Code != http.StatusNotFound {
		t.Fatalf("off by default: %d", rec.Code)
	}
	if rec := f.post(t, "province", "/admin/public", url.Values{"public": {"1"}, "csrf": {f.csrf["province"]}}); rec.Code != http.StatusForbidden {
		t.Errorf("a province viewer switched the page: %d", rec.Code)
	}
	if rec := f.post(t, "admin", "/admin/public", url.Values{"public": {"1"}, "csrf": {f.csrf["admin"]}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("turn on: %d %s", rec.Code, rec.Body)
	}
	log, _ := f.s.DB.AuditLog(context.Background(), sqlite.AuditFilter{Action: "setting."})
	if len(log) != 1 || log[0].Actor != "dash-admin" || log[0].After != `"1"` {
		t.Errorf("audit %+v", log)
	}
	rec := get(t, f.s, "/ket-qua")
	if rec.Code != http.StatusOK {
		t.Fatalf("on: %d", rec.Code)
	}
	f.post(t, "admin", "/admin/public", url.Values{"public": {"0"}, "csrf": {f.csrf["admin"]}})
	if rec := get(t, f.s, "/ket-qua"); rec.Code != http.StatusNotFound {
		t.Errorf("turned off again: %d", rec.Code)
	}
}

func TestPublicResultsShowIndexesNotPeople(t *testing.T) {
	f := publicFixture(t)
	if err := f.s.DB.SetPublicResults(context.Background(), true, survey.CLI, f.s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	rec := get(t, f.s, "/ket-qua")
	page := rec.Body.String()
	if len(page) >= 50<<10 {
		t.Errorf("the page is %d bytes, want under 50 KB", len(page))
	}
	// The same figure as the agency's scorecard, with its interval and n.
	card := f.get(t, "admin", "/dashboard/agency/H17.50?month=2026-10").Body.String()
	row := between(t, page, "<th scope=\"row\">UBND phường Ninh Kiều</th>", "</tr>")
	if !strings.Contains(row, ">"+headlineOf(t, card)+"<") || !strings.Contains(row, ">40<") || !strings.Contains(row, " – ") {
		t.Errorf("H17.50's row %s lacks the scorecard's %s, its interval or n = 40", row, headlineOf(t, card))
	}
	for _, want := range []string{"không phải là kết quả Chỉ số SIPAS chính thức do Bộ Nội vụ công bố", "Phương pháp",
		"Toàn tỉnh: UBND thành phố Cần Thơ", f.s.I18n.Localizer("vi").Month("2026-10"), "10/2026</th>", "11/2025</th>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// H17.51: September has 31 respondents, so its trend shows September; under 30 months show "—".
	trend := between(t, page[strings.Index(page, `id="public-trend"`):], "<th scope=\"row\">UBND phường Cái Răng</th>", "</tr>")
	if strings.Count(trend, "—") != 11 {
		t.Errorf("Cái Răng's trend %s: want 11 months without a figure, two with", trend)
	}
	few := between(t, page, `id="public-few"`, "</p>")
	if !strings.Contains(few, "UBND xã Phong Điền") || strings.Contains(page, "<th scope=\"row\">UBND xã Phong Điền</th>") {
		t.Errorf("an agency under 30 respondents must be named without a figure: %s", few)
	}
	for _, never := range []string{"Cán bộ số", "Bình luận riêng", "Quầy số", "<script"} {
		if strings.Contains(page, never) {
			t.Errorf("the public page shows %q", never)
		}
	}
	etag := rec.Header().Get("ETag")
	if etag == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "public") {
		t.Errorf("not cacheable: %v", rec.Header())
	}
	if again := get(t, f.s, "/ket-qua", "If-None-Match", etag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("revalidation: %d", again.Code)
	}
	en := get(t, f.s, "/ket-qua?lang=en")
	if !strings.Contains(en.Body.String(), "not the official SIPAS index published by the Ministry of Home Affairs") || en.Header().Get("ETag") == etag {
		t.Errorf("English page: %.300s", en.Body.String())
	}
	if rec := get(t, f.s, "/ket-qua?month=2026-11"); rec.Code != http.StatusNotFound {
		t.Errorf("the month still collecting: %d, want 404", rec.Code)
	}
}

func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("no %q in the page", from)
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		t.Fatalf("no %q after %q", to, from)
	}
	return s[i : i+j]
}

// A province of 120 agencies, each with 30 respondents, stays under 50 KB
// as sent (the page is compressed like every page) and names them all.
func TestPublicResultsOfAWholeProvinceStaySmall(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	city := f.agencies["H17"]
	rs := f.sipasReplies("2026-10", 30)
	for i := range 120 {
		a := &survey.Agency{Code: "H17.9" + strconv.Itoa(100+i), Name: survey.Text{"vi": "UBND xã Thử Nghiệm số " + strconv.Itoa(i)}, Kind: survey.KindCommunePC, ParentID: city.ID}
		if err := f.s.DB.CreateAgency(ctx, a, survey.CLI, time.Now()); err != nil {
			t.Fatal(err)
		}
		c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: "TN-" + strconv.Itoa(i), Number: 1, Name: survey.Text{"vi": "Quầy 1"}, Active: true}
		if err := f.s.DB.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
			t.Fatal(err)
		}
		f.counters[a.Code], f.officers[a.Code] = c, &survey.Officer{}
		f.insert(t, a.Code, survey.DefaultID, rs)
	}
	if err := f.s.DB.SetPublicResults(ctx, true, survey.CLI, f.s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	rec := get(t, f.s, "/ket-qua", "Accept-Encoding", "gzip")
	sent := rec.Body.Len()
	if rec.Header().Get("Content-Encoding") != "gzip" || sent >= 50<<10 {
		t.Errorf("sent %d bytes, %q: want a compressed page under 50 KB", sent, rec.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(zr)
	t.Logf("120 agencies: %d bytes sent, %d uncompressed", sent, len(page))
	if n := strings.Count(string(page), "UBND xã Thử Nghiệm số "); n != 240 {
		t.Errorf("%d mentions of the 120 agencies, want two each (table and trend)", n)
	}
}
