package web_test

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// messageID is a plan message ID shown instead of its text.
var messageID = regexp.MustCompile(`\b(plan|error\.target)\.[a-z_]+(\.[a-z_]+)*\b`)

// TestTargetsTableSetsManyAtOnceAndAudits: the province sets several
// targets in one form; the rest inherit and say from where; a wrong row
// saves nothing; every change is in the audit log under its author.
func TestTargetsTableSetsManyAtOnceAndAudits(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	if rec := f.get(t, "head", "/admin/targets"); rec.Code != http.StatusForbidden {
		t.Errorf("an agency head opened the targets: %d", rec.Code)
	}
	form := url.Values{"csrf": {f.csrf["province"]}, "year": {"2026"}, "index-H17": {"85"}, "index-H17.50": {"90,5"}, "rate-H17.50": {"30"}}
	rec := f.post(t, "province", "/admin/targets", form)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", rec.Code, rec.Body)
	}
	own, err := f.s.DB.Targets(ctx, 2026)
	if err != nil || len(own) != 2 || own[f.agencies["H17.50"].ID].Index != 90.5 || *own[f.agencies["H17.50"].ID].ResponseRate != 30 {
		t.Fatalf("stored: %+v %v", own, err)
	}
	flash := rec.Result().Cookies()
	body := f.get(t, "province", "/admin/targets?year=2026&lang=vi", flash...).Body.String()
	for _, want := range []string{"Đã lưu chỉ tiêu: 2 thay đổi.", "90,50%", "85,00% – kế thừa từ UBND thành phố Cần Thơ", `id="index-H17.51" name="index-H17.51" type="text" inputmode="decimal" class="short" value=""`} {
		if !strings.Contains(body, want) {
			t.Errorf("targets page lacks %q", want)
		}
	}
	if body := f.get(t, "admin", "/admin/agencies/H17.51?lang=vi").Body.String(); !strings.Contains(body, "Chỉ tiêu năm: 85,00% (kế thừa từ UBND thành phố Cần Thơ)") {
		t.Error("the agency's administration page does not show its inherited target")
	}
	// The same form again changes nothing, even as large as a province of
	// a thousand agencies would post (over a form page's 32 KB); clearing
	// H17.50 makes it inherit.
	big := url.Values{}
	for k, v := range form {
		big[k] = v
	}
	big.Set("padding", strings.Repeat("x", 60<<10))
	if rec := f.post(t, "province", "/admin/targets", big); rec.Code != http.StatusSeeOther {
		t.Errorf("a 60 KB table of targets: %d", rec.Code)
	}
	delete(form, "index-H17.50")
	delete(form, "rate-H17.50")
	if rec := f.post(t, "province", "/admin/targets", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("clear: %d", rec.Code)
	}
	log, err := f.s.DB.AuditLog(ctx, sqlite.AuditFilter{Action: "target."})
	if err != nil || len(log) != 3 {
		t.Fatalf("audit: %d entries, %v", len(log), err)
	}
	if log[0].Action != "target.clear" || log[0].Actor != "dash-province" || log[0].Before != `{"index":90.5,"response_rate":30}` {
		t.Errorf("last entry: %+v", log[0])
	}
	// A wrong row: a clear message per field, and nothing saved.
	bad := url.Values{"csrf": {f.csrf["admin"]}, "year": {"2026"}, "index-H17": {"abc"}, "index-H17.51": {"101"}, "rate-H17.52": {"20"}}
	rec = f.post(t, "admin", "/admin/targets?lang=en", bad)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", rec.Code)
	}
	for _, want := range []string{`href="#index-H17"`, `href="#index-H17.51"`, `href="#index-H17.52"`, "The satisfaction index target must be a number from 0 to 100", `value="abc"`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	if now, _ := f.s.DB.Targets(ctx, 2026); len(now) != 1 || now[f.agencies["H17"].ID].Index != 85 {
		t.Errorf("a refused form changed the targets: %+v", now)
	}
	if rec := f.get(t, "admin", "/admin/targets?year=1999"); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("year 1999: %d", rec.Code)
	}
}

// TestYearViewPoolsRespondentsAndJudgesTheTarget: the year's index is the
// months' respondents pooled (computed here from the replies themselves),
// the verdict follows its interval, and the page, its print, its XLSX, the
// scorecard and the province's list below target agree.
func TestYearViewPoolsRespondentsAndJudgesTheTarget(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	def, _ := f.s.Surveys.Get(survey.DefaultID)
	sep, oct := f.sipasReplies("2026-09", 60), f.sipasReplies("2026-10", 97)
	f.insert(t, "H17.50", def.ID, append(append([]reply{}, sep...), oct...))
	f.insert(t, "H17.50", def.ID, f.sipasReplies("2025-10", 40))
	res, err := score.Compute(def, countsOf(def, append(append([]reply{}, sep...), oct...)))
	if err != nil {
		t.Fatal(err)
	}
	idx, ci := res.SIPAS.Index, res.SIPAS.CI95
	target := ci.Hi + 1 // the whole interval below it
	if _, err := f.s.DB.SetTarget(ctx, survey.Target{AgencyID: f.agencies["H17"].ID, Year: 2026, Index: target}, survey.CLI, f.s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if v := score.TargetVerdict(idx, ci, target); v != score.VerdictBelow {
		t.Fatalf("verdict %s", v)
	}
	pooled := formatPct(idx.Value, 2, ",")
	rec := f.get(t, "head", "/dashboard/agency/H17.50/year?year=2026&lang=vi")
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("year page: %d\n%.2000s", rec.Code, body)
	}
	for _, want := range []string{`id="year-index">` + pooled + "<", "Khoảng tin cậy 95%: " + formatPct(ci.Lo, 1, ",") + " – " + formatPct(ci.Hi, 1, ","),
		"157 phiếu", "tháng 1/2026 – tháng 10/2026", "Năm chưa kết thúc: số liệu tính đến hết tháng 10/2026.",
		"kế thừa từ UBND thành phố Cần Thơ", "Chưa đạt chỉ tiêu", "Cùng kỳ năm trước (tháng 1/2025 – tháng 10/2025)", "40 phiếu",
		"Tháng 9/2026", "Tháng 10/2026"} {
		if !strings.Contains(body, want) {
			t.Errorf("year page lacks %q", want)
		}
	}
	// January alone: one month, no chart, still a page.
	if rec := f.get(t, "head", "/dashboard/agency/H17.50/year?month=2026-01"); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "<svg class=\"chart trend\"") {
		t.Errorf("the year up to January: %d", rec.Code)
	}
	if rec := f.get(t, "head", "/dashboard/agency/H17.50/year?year=2027"); rec.Code != http.StatusUnprocessableEntity && rec.Code != http.StatusBadRequest {
		t.Errorf("a year not begun: %d", rec.Code)
	}
	for _, lang := range []string{"vi", "en"} {
		for _, path := range []string{"/dashboard/agency/H17.50/year", "/dashboard/agency/H17.50/year/print", "/dashboard/agency/H17.50"} {
			if m := messageID.FindString(f.get(t, "head", path+"?lang="+lang).Body.String()); m != "" {
				t.Errorf("%s (%s) shows the message ID %s", path, lang, m)
			}
		}
	}
	if rec := f.get(t, "head", "/dashboard/agency/H17/year"); rec.Code != http.StatusForbidden {
		t.Errorf("the head of H17.50 opened the city's year: %d", rec.Code)
	}
	if body := f.get(t, "head", "/dashboard/agency/H17.50/year/print?year=2026&lang=vi").Body.String(); !strings.Contains(body, "Báo cáo kết quả khảo sát sự hài lòng năm 2026") || !strings.Contains(body, pooled) {
		t.Error("the print lacks its heading or the year's index")
	}
	sc := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-10&lang=vi").Body.String()
	if !strings.Contains(sc, `id="progress-index">`+pooled+"<") || !strings.Contains(sc, "Chưa đạt chỉ tiêu") {
		t.Error("the scorecard lacks the year's progress")
	}
	prov := f.get(t, "province", "/dashboard/province?month=2026-10&lang=vi").Body.String()
	i := strings.Index(prov, `id="below-target"`)
	if i < 0 || !strings.Contains(prov[i:], "UBND phường Ninh Kiều") || !strings.Contains(prov[i:], pooled) {
		t.Error("the province page does not list H17.50 below target")
	}
	city := f.get(t, "province", "/dashboard/year?year=2026&lang=vi")
	if city.Code != http.StatusSeeOther || !strings.HasPrefix(city.Header().Get("Location"), "/dashboard/agency/H17/year?") {
		t.Errorf("the province's year: %d %s", city.Code, city.Header().Get("Location"))
	}
	if body := f.get(t, "province", "/dashboard/agency/H17/year?year=2026&lang=vi").Body.String(); !strings.Contains(body, `id="year-children"`) || !strings.Contains(body, "1 trên 4 đơn vị chưa đạt chỉ tiêu.") {
		t.Errorf("the city's year lacks its units' table:\n%.3000s", body)
	}

	api := f.get(t, "head", "/api/v1/scores?agency=H17.50&month=2026-10").Body.String()
	if want := `"target":{"year":2026,"index":` + strconv.FormatFloat(target, 'g', -1, 64) + `,"response_rate":null,"set_by":{"code":"H17"`; !strings.Contains(api, want) {
		t.Errorf("the scores API lacks %s in\n%.300s", want, api[max(0, len(api)-300):])
	}

	x := f.get(t, "head", "/dashboard/agency/H17.50/year.xlsx?year=2026&lang=en")
	if x.Code != http.StatusOK || x.Header().Get("Content-Type") != web.MimeXLSX {
		t.Fatalf("xlsx: %d %s", x.Code, x.Header().Get("Content-Type"))
	}
	book, err := excelize.OpenReader(bytes.NewReader(x.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows("Year", excelize.Options{RawCellValue: true})
	if err != nil || len(rows) < 5 {
		t.Fatalf("rows: %v %v", rows, err)
	}
	if r := rows[1]; r[0] != "Year to date" || r[3] != "2026-01" || r[4] != "2026-10" || r[5] != "157" || r[14] != "Below target" {
		t.Errorf("year row: %q", r)
	}
	if got, err := strconv.ParseFloat(rows[1][6], 64); err != nil || math.Abs(got-idx.Value) > 1e-9 {
		t.Errorf("year index cell %q, want %v in full precision", rows[1][6], idx.Value)
	}
}
