package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// formatPct writes v the way the Vietnamese page must, computed here without
// the Localizer: round half-up to two decimals, decimal comma.
func formatPct(v float64, decimals int, sep string) string {
	return strings.Replace(strconv.FormatFloat(i18n.RoundHalfUp(v, decimals), 'f', decimals, 64), ".", sep, 1) + "%"
}

func TestScorecardShowsTheFormulasFigures(t *testing.T) {
	f := newDashFixture(t)
	def, _ := f.s.Surveys.Get(survey.DefaultID)
	rs := f.sipasReplies("2026-10", 97)
	rs[3].excluded, rs[8].excluded = true, true // flagged: out of the figures, counted on the page
	f.insert(t, "H17.50", def.ID, rs)
	f.insert(t, "H17.50", def.ID, f.sipasReplies("2026-09", 60))

	res, err := score.Compute(def, countsOf(def, rs))
	if err != nil {
		t.Fatal(err)
	}
	rec := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-10&lang=vi")
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d\n%s", rec.Code, body)
	}
	if got, want := headlineOf(t, body), formatPct(res.SIPAS.Index.Value, 2, ","); got != want {
		t.Errorf("headline %q, want %q (score.Compute on the same counts)", got, want)
	}
	ci := res.SIPAS.CI95
	for _, want := range []string{
		// One interval, respondent-clustered, and the margin is its half width.
		"Khoảng tin cậy 95%: " + formatPct(ci.Lo, 1, ",") + " – " + formatPct(ci.Hi, 1, ",") +
			" (sai số khoảng ±" + strings.TrimSuffix(formatPct((ci.Hi-ci.Lo)/2, 1, ","), "%") + " điểm)",
		"95 phiếu",
		"2 phiếu bị gắn cờ",
		"Tháng 10/2026", "Cập nhật lúc 09:00 27/11/2026",
		"Chỉ số hài lòng (phương pháp SIPAS) – số liệu tại quầy, không phải kết quả SIPAS chính thức của Bộ Nội vụ",
		"so với tháng 9/2026", "Chưa có số liệu tháng 10/2025 để so sánh",
		"Xem bảng số liệu", `<svg class="chart trend" viewBox="0 0 720 260" role="img" aria-labelledby="trend-t trend-d"`,
		"<title id=\"trend-t\">", "<desc id=\"trend-d\">", `<svg class="chart bar" viewBox="0 0 900 44" role="img"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scorecard lacks %q", want)
		}
	}
	// Each element in official order, with the score formula's value.
	var last int
	for _, a := range res.SIPAS.Aspects {
		for _, e := range a.Elements {
			i := strings.Index(body, `id="el-`+e.Code+`"`)
			if i < last {
				t.Errorf("element %s out of official order", e.Code)
			}
			last = i
			if !strings.Contains(body[i:], `<span class="el-index">`+formatPct(e.Index.Value, 2, ",")+`</span>`) {
				t.Errorf("element %s: %s not shown", e.Code, formatPct(e.Index.Value, 2, ","))
			}
		}
	}
	if strings.Contains(body, "Chưa đủ 30 phiếu – chỉ để tham khảo") {
		t.Error("95 responses are called unreliable")
	}
	if regexp.MustCompile(`style="`).MatchString(body) {
		t.Error("inline style attribute: the CSP forbids it")
	}
	// English: the other separator, the same number.
	en := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-10&lang=en").Body.String()
	if got, want := headlineOf(t, en), formatPct(res.SIPAS.Index.Value, 2, "."); got != want {
		t.Errorf("English headline %q, want %q", got, want)
	}
	if !strings.Contains(en, "95 responses") || !strings.Contains(en, "Satisfaction index (SIPAS method)") {
		t.Error("English scorecard lacks its words")
	}
}

func TestUnder30ResponsesIsGreyAndNotRanked(t *testing.T) {
	f := newDashFixture(t)
	f.insert(t, "H17.50", survey.DefaultID, f.sipasReplies("2026-10", 29))
	f.insert(t, "H17.51", survey.DefaultID, f.sipasReplies("2026-10", 45))
	f.insert(t, "H17.52", survey.DefaultID, f.sipasReplies("2026-10", 40)) // under a questionnaire it does not use
	body := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-10").Body.String()
	for _, want := range []string{`class="headline unreliable"`, "Chưa đủ 30 phiếu – chỉ để tham khảo", "Chưa xếp hạng: dưới 30 phiếu", "29 phiếu"} {
		if !strings.Contains(body, want) {
			t.Errorf("29-response scorecard lacks %q", want)
		}
	}
	if strings.Contains(body, "Xếp thứ") {
		t.Error("a 29-response agency is given a rank")
	}
	prov := f.get(t, "province", "/dashboard/province?month=2026-10").Body.String()
	table := prov[strings.Index(prov, `id="h-table"`):]
	unranked := table[strings.Index(table, "Chưa xếp hạng"):]
	ranked := table[:len(table)-len(unranked)]
	if strings.Contains(ranked, "UBND phường Ninh Kiều") || !strings.Contains(unranked, "UBND phường Ninh Kiều") {
		t.Error("the 29-response agency must be listed apart, not in the ranked table")
	}
	if !strings.Contains(ranked, "UBND phường Cái Răng") || !strings.Contains(ranked, "Ngang mức chung") {
		t.Error("the 45-response agency is not ranked with a tier")
	}
	if !strings.Contains(prov, "Biểu đồ phễu") || !strings.Contains(prov, `<title id="funnel-t">`) {
		t.Error("the comparison leads with no funnel plot")
	}
	// The questionnaire is the one of the picker: never a quick rating mixed into SIPAS.
	if !strings.Contains(unranked, "dùng phiếu khác") {
		t.Error("an agency on another questionnaire is not said to be apart")
	}
}

func TestResponseAtMonthEndUTCCountsInNovember(t *testing.T) {
	f := newDashFixture(t)
	// A phone rating received at 17:30 UTC on 31 October, 00:30 on 1 November
	// in Asia/Ho_Chi_Minh: the server's time of receipt counts for a phone,
	// and a phone after midnight is not flagged (odd hours are a tablet's).
	clock := f.s.Clock.(*testClock)
	clock.Set(time.Date(2026, 10, 31, 17, 30, 0, 0, time.UTC))
	def, _ := f.s.Surveys.Get("nhanh")
	raw, _ := json.Marshal(map[string]any{"id": "0190f0f0-0000-7000-8000-000000000001", "survey": "nhanh", "version": def.Version,
		"channel": "qr", "counter": f.counters["H17.52"].Code, "answers": map[string]any{"HL": 5}})
	req, err := collect.DecodeRequest(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Collect.Submit(t.Context(), collect.Submission{Request: req, Client: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	f.rollup(t)
	clock.Set(time.Date(2026, 11, 27, 9, 0, 0, 0, survey.Zone))
	nov := f.get(t, "admin", "/dashboard/agency/H17.52?month=2026-11").Body.String()
	oct := f.get(t, "admin", "/dashboard/agency/H17.52?month=2026-10").Body.String()
	if !strings.Contains(nov, "1 phiếu") || headlineOf(t, nov) != "100,00%" {
		t.Errorf("November lacks the response answered at 00:30 ICT on 1 November: %s", headlineOf(t, nov))
	}
	if !strings.Contains(oct, "0 phiếu") || headlineOf(t, oct) != "—" {
		t.Errorf("October counts a November response: %s", headlineOf(t, oct))
	}
	csv := f.get(t, "admin", "/dashboard/agency/H17.52/responses.csv?month=2026-11").Body.String()
	if !strings.Contains(csv, "01/11/2026 00:30") {
		t.Errorf("raw export time not in ICT:\n%s", csv)
	}
}

func TestQuickAndND61ScorecardsUseTheirOwnLabels(t *testing.T) {
	f := newDashFixture(t)
	var quick, nd []reply
	start, _ := survey.ParseMonth("2026-10")
	for i := range 40 {
		at := start.Add(time.Duration(i)*time.Hour + 9*time.Hour)
		hl := 3 + i%3 // 3, 4, 5
		q := reply{at: at, answers: map[string]json.RawMessage{"HL": json.RawMessage(strconv.Itoa(hl))}}
		if hl == 3 {
			q.answers["LYDO"] = json.RawMessage(`["cho_lau","thai_do"]`)
		}
		quick = append(quick, q)
		a := map[string]json.RawMessage{}
		for k := 1; k <= 9; k++ {
			a[fmt.Sprintf("ND%d", k)] = json.RawMessage(strconv.Itoa((i + k) % 3))
		}
		nd = append(nd, reply{at: at, answers: a})
	}
	f.insert(t, "H17.52", "nhanh", quick)
	f.insert(t, "H17.53", "nd61", nd)
	qb := f.get(t, "admin", "/dashboard/agency/H17.52?month=2026-10").Body.String()
	h2 := regexp.MustCompile(`<h2 id="h-index">([^<]+)</h2>`)
	if m := h2.FindStringSubmatch(qb); m == nil || strings.Contains(m[1], "Chỉ số hài lòng") || !strings.Contains(m[1], "đánh giá nhanh") {
		t.Errorf("quick rating headline label: %v", m)
	}
	if !strings.Contains(qb, "Lý do chưa hài lòng") || !strings.Contains(qb, "trong số 14 người được hỏi") {
		t.Error("quick rating lacks its follow-up reasons, out of the 14 who rated 1–3")
	}
	if strings.Index(qb, "Thái độ cán bộ chưa tốt") > strings.Index(qb, "Hướng dẫn chưa rõ ràng") {
		t.Error("reasons are not sorted by how often they were chosen")
	}
	if got := headlineOf(t, qb); got != formatPct(100*26.0/40, 2, ",") {
		t.Errorf("quick rating index %s", got)
	}
	nb := f.get(t, "admin", "/dashboard/agency/H17.53?month=2026-10").Body.String()
	if m := h2.FindStringSubmatch(nb); m == nil || !strings.Contains(m[1], "đạt yêu cầu") || strings.Contains(nb, "766") {
		t.Errorf("nd61 headline label %v: want the share meeting the standard, nothing under the QĐ 766 name", m)
	}
	met := 0 // criterion answers of 1 or 2 points
	for i := range 40 {
		for k := 1; k <= 9; k++ {
			if (i+k)%3 > 0 {
				met++
			}
		}
	}
	if got := headlineOf(t, nb); got != formatPct(100*float64(met)/360, 2, ",") {
		t.Errorf("nd61 headline %s, want the share of answers meeting the standard %d/360", got, met)
	}
	for _, want := range []string{"Chín tiêu chí đánh giá hồ sơ", "Điểm bình quân mỗi hồ sơ", "/ 18 điểm"} {
		if !strings.Contains(nb, want) {
			t.Errorf("nd61 scorecard lacks %q", want)
		}
	}
}

// Issue 9: three poster ratings, one with ND4 = 0 ("Từ 2 cơ quan trở lên",
// how the procedure works, not a complaint) and every other criterion at 2
// points, used to show "QĐ 766 ratio 66,67%". Without dossier counts no
// figure carries that name; the headline is the share of answers meeting
// the standard, 26/27. Where counts exist the real indicator appears
// (TestResponseRateAndQD766OnTheScorecardAndTheAPI, docs/decisions/0015).
func TestND61ShowsNothingUnderTheQD766NameWithoutDossierCounts(t *testing.T) {
	f := newDashFixture(t)
	start, _ := survey.ParseMonth("2026-11")
	var rs []reply
	for i := range 3 {
		a := map[string]json.RawMessage{}
		for k := 1; k <= 9; k++ {
			a[fmt.Sprintf("ND%d", k)] = json.RawMessage("2")
		}
		if i == 0 {
			a["ND4"] = json.RawMessage("0")
		}
		rs = append(rs, reply{at: start.Add(time.Duration(i+9) * time.Hour), answers: a, channel: survey.ChannelQR})
	}
	f.insert(t, "H17.53", "nd61", rs)
	page := f.get(t, "admin", "/dashboard/agency/H17.53?month=2026-11").Body.String()
	if got := headlineOf(t, page); got != formatPct(100*26.0/27, 2, ",") {
		t.Errorf("headline %s, want 26/27 answers meeting the standard", got)
	}
	if strings.Contains(page, "766") { // ND4's own row still says 66,67 %: two of three met it
		t.Error("the scorecard still shows a figure under the QĐ 766 name")
	}
	api := f.get(t, "admin", "/api/v1/scores?agency=H17.53&month=2026-11&survey=nd61").Body.String()
	if strings.Contains(api, "qd766") || strings.Contains(api, "766") {
		t.Errorf("the scores API still names QĐ 766:\n%s", api)
	}
}

func TestOfficersOnlyFrom30RatingsAndOnlyForTheHead(t *testing.T) {
	fixture := func(cfg app.Config) *dashFixture {
		f := newDashFixtureWith(t, cfg)
		f.insert(t, "H17.50", survey.DefaultID, f.sipasReplies("2026-10", 31))
		f.insert(t, "H17.50.1", survey.DefaultID, f.sipasReplies("2026-10", 12))
		return f
	}
	f := fixture(app.Config{})
	head := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-10").Body.String()
	officers := head[strings.Index(head, "Theo cán bộ, công chức"):]
	officers = officers[:strings.Index(officers, "</table>")]
	row := func(name string) string {
		i := strings.Index(officers, name)
		if i < 0 {
			t.Fatalf("officer %s not listed", name)
		}
		return officers[i : i+strings.Index(officers[i:], "</tr>")]
	}
	if r := row(f.officers["H17.50"].Name); strings.Contains(r, "Chưa đủ 30 phiếu") || !strings.Contains(r, "%") {
		t.Errorf("officer with 31 ratings: %s", r)
	}
	if r := row(f.officers["H17.50.1"].Name); !strings.Contains(r, "Chưa đủ 30 phiếu") || strings.Contains(r, "%") {
		t.Errorf("officer with 12 ratings shows figures: %s", r)
	}
	if prov := f.get(t, "province", "/dashboard/agency/H17.50?month=2026-10").Body.String(); strings.Contains(prov, "Theo cán bộ") {
		t.Error("the province viewer sees officers without SIPAS_PROVINCE_OFFICERS")
	}
	if adm := f.get(t, "admin", "/dashboard/agency/H17.50?month=2026-10").Body.String(); strings.Contains(adm, "Theo cán bộ") {
		t.Error("an administrator sees officers: they are for the agency's head")
	}
	f = fixture(app.Config{ProvinceOfficers: true})
	if prov := f.get(t, "province", "/dashboard/agency/H17.50?month=2026-10").Body.String(); !strings.Contains(prov, "Theo cán bộ") {
		t.Error("the province viewer does not see officers with SIPAS_PROVINCE_OFFICERS=1")
	}
}

func TestPrintReportHasBothPagesAndTheFooter(t *testing.T) {
	f := newDashFixture(t)
	f.insert(t, "H17.50", survey.DefaultID, f.sipasReplies("2026-10", 40))
	rec := f.get(t, "head", "/dashboard/agency/H17.50/print?month=2026-10")
	body := rec.Body.String()
	if rec.Code != 200 || strings.Count(body, `class="page"`) != 2 {
		t.Fatalf("print: %d, pages %d", rec.Code, strings.Count(body, `class="page"`))
	}
	for _, want := range []string{"Báo cáo mức độ hài lòng – Tháng 10/2026", "Kỳ báo cáo: Tháng 10/2026 · 40 phiếu · Lập lúc 09:00 27/11/2026", "Năm yếu tố"} {
		if !strings.Contains(body, want) {
			t.Errorf("print lacks %q", want)
		}
	}
}

// renderDashboardPages renders every dashboard template in both languages
// for TestEveryTemplateIsRendered, signed in as a province viewer.
func renderDashboardPages(t *testing.T, s *web.Server) {
	t.Helper()
	addUser(t, s, "tpl-province", survey.RoleProvince, 0, "mật-khẩu")
	ck, _ := signIn(t, s, "tpl-province", "mật-khẩu")
	if ck == nil {
		t.Fatal("sign-in failed")
	}
	for _, lang := range []string{"vi", "en"} {
		for _, path := range []string{"/dashboard/agency/H17", "/dashboard/agency/H17/print", "/dashboard/agency/H17/comments",
			"/dashboard/province", "/dashboard/agency/H17/year", "/dashboard/agency/H17/year/print", "/admin/targets"} {
			if rec := get(t, s, path+"?lang="+lang, "Cookie", ck.String()); rec.Code != http.StatusOK {
				t.Errorf("%s: %d", path, rec.Code)
			}
		}
	}
}
