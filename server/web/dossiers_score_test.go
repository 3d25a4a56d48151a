package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// nd61Answers rates all nine criteria 2 points, except those given.
func nd61Answers(except map[string]int) map[string]json.RawMessage {
	a := map[string]json.RawMessage{}
	for k := 1; k <= 9; k++ {
		a[fmt.Sprintf("ND%d", k)] = json.RawMessage("2")
	}
	for k, v := range except {
		a[k] = json.RawMessage(fmt.Sprint(v))
	}
	return a
}

// seedQD766Example is the hand-checked example of docs/decisions/0015, at
// H17.53 (nd61) in November 2026:
//   - counts: 02/11 received 60, handled 50, 2 late, 1 complaint; 03/11
//     received 40, handled 30, 2 late: 100 received, 80 handled, 4 late, 1 complaint;
//   - 10 dossier-bound ratings: 2 with ND7 = 0 ("Không hài lòng"), 1 with
//     ND4 = 0 only (how the procedure works: not "not satisfied"), 7 all 2;
//   - 5 poster ratings without a dossier, one with ND7 = 0 (not counted);
//   - 4 one-time codes issued at the counter, 1 used through the API (all 2).
//
// Response rate 16/100 = 16 %; codes 1/4 = 25 %; QĐ 766 over 80 handled:
// 100 · (1 − 4/80 − (1 + 2)/80) = 91.25 %, from 11 dossier-bound ratings.
func seedQD766Example(t *testing.T, f *dashFixture) {
	t.Helper()
	ctx := context.Background()
	start, _ := survey.ParseMonth("2026-11")
	var rs []reply
	for i := range 15 {
		r := reply{at: start.Add(time.Duration(24+i) * time.Hour), answers: nd61Answers(nil), channel: survey.ChannelQR}
		switch {
		case i < 2:
			r.answers = nd61Answers(map[string]int{"ND7": 0})
		case i == 2:
			r.answers = nd61Answers(map[string]int{"ND4": 0})
		case i == 10:
			r.answers = nd61Answers(map[string]int{"ND7": 0})
		}
		if i < 10 {
			r.dossier = fmt.Sprintf("HS-%02d", i)
		}
		rs = append(rs, r)
	}
	f.insert(t, "H17.53", "nd61", rs)
	counter := f.counters["H17.53"].Code
	var codes []string
	for i := range 4 {
		tok, err := f.s.Collect.IssueToken(ctx, counter, fmt.Sprintf("HS-API-%d", i), "", 0)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, tok.Code)
	}
	nd61, _ := f.s.Surveys.Get("nd61")
	b := body(t, f.s, map[string]any{"counter": nil, "token": codes[0], "survey": "nd61", "version": nd61.Version, "answers": nd61Answers(nil)})
	if rec := post(t, f.s, "/api/v1/responses", b); rec.Code != 201 {
		t.Fatalf("a rating with a code: %d %s", rec.Code, rec.Body)
	}
	f.rollup(t)
	n := func(v int) *int { return &v }
	if err := f.s.DB.PutDossierCounts(ctx, []survey.DossierCount{
		{Counter: counter, Date: "2026-11-02", Received: 60, Handled: n(50), Late: n(2), Complaints: n(1)},
		{Counter: counter, Date: "2026-11-03", Received: 40, Handled: n(30), Late: n(2), Complaints: n(0)},
	}, survey.CLI, f.s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestResponseRateAndQD766OnTheScorecardAndTheAPI(t *testing.T) {
	f := newDashFixture(t)
	seedQD766Example(t, f)
	page := f.get(t, "admin", "/dashboard/agency/H17.53?month=2026-11").Body.String()
	for _, want := range []string{
		`<span id="response-rate">Tỷ lệ phản hồi 16,00% (16 phiếu ÷ 100 hồ sơ tiếp nhận)</span>`,
		`id="code-rate">Mã đánh giá in trên phiếu hẹn đã được dùng 25,00% (1 ÷ 4 mã đã cấp)`,
		`Mức độ hài lòng theo QĐ 766/QĐ-TTg: 91,25%`,
		`80 hồ sơ đã giải quyết: 4 trễ hạn, 1 có phản ánh, kiến nghị; 2 trong 11 đánh giá gắn với hồ sơ là không hài lòng.`,
		`Quyết định 766/QĐ-TTg ngày 23/6/2022, Phụ lục`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("scorecard lacks %q", want)
		}
	}
	if strings.Contains(page, `id="rate-low"`) {
		t.Error("16 % is above the default 10 %, yet the low-rate warning shows")
	}
	// The printed report carries the same figures (one partial, templates/partials/dossiers.html).
	printed := f.get(t, "admin", "/dashboard/agency/H17.53/print?month=2026-11").Body.String()
	for _, want := range []string{`<span id="response-rate">Tỷ lệ phản hồi 16,00%`, `Mức độ hài lòng theo QĐ 766/QĐ-TTg: 91,25%`, `id="code-rate"`} {
		if !strings.Contains(printed, want) {
			t.Errorf("printed report lacks %q", want)
		}
	}
	var got web.ScoreJSON
	api := f.get(t, "admin", "/api/v1/scores?agency=H17.53&month=2026-11&survey=nd61")
	if err := json.Unmarshal(api.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if r := got.ResponseRate; r == nil || r.Numerator != 16 || r.Denominator != 100 || r.Rate.Value != 16 || r.Low {
		t.Errorf("response_rate %+v, want 16/100 not low", r)
	}
	if r := got.CodeRate; r == nil || r.Numerator != 1 || r.Denominator != 4 {
		t.Errorf("code_rate %+v, want 1/4", r)
	}
	if q := got.QD766; q == nil || q.Index.Value != 91.25 || q.Handled != 80 || q.Late != 4 || q.Complaints != 1 || q.Rated != 11 || q.NotSatisfied != 2 ||
		!strings.Contains(q.Source, "766/QĐ-TTg") {
		t.Errorf("qd766 %+v, want 91.25 over 80 handled from 11 dossier-bound ratings", q)
	}
	// The city above counts the same dossiers under its own questionnaire:
	// a response rate, but no QĐ 766 (not nd61).
	city := f.get(t, "admin", "/api/v1/scores?agency=H17&month=2026-11").Body.String()
	if !strings.Contains(city, `"response_rate":{"numerator":16,"denominator":100`) || strings.Contains(city, "qd766") {
		t.Errorf("the city's score: %s", city)
	}
}

func TestLowResponseRateIsAWarningNotHidden(t *testing.T) {
	f := newDashFixtureWith(t, app.Config{LowResponseRate: 0.2})
	seedQD766Example(t, f)
	page := f.get(t, "admin", "/dashboard/agency/H17.53?month=2026-11").Body.String()
	if !strings.Contains(page, `<p class="warn" id="rate-low">Cảnh báo: tỷ lệ phản hồi dưới 20%.`) || headlineOf(t, page) == web.NoFigure {
		t.Errorf("a 16 %% response rate under a 20 %% threshold: the warning is missing or the index hidden")
	}
	api := f.get(t, "admin", "/api/v1/scores?agency=H17.53&month=2026-11&survey=nd61").Body.String()
	if !strings.Contains(api, `"low":true`) || !strings.Contains(api, `"index":`) {
		t.Errorf("the API does not flag the low rate: %s", api)
	}
}

// Where no dossier counts exist nothing is shown under the QĐ 766 name and
// no rate (not 0 %); where counts exist but no dossiers handled, a rate but
// still no QĐ 766.
func TestQD766OnlyWhereDossiersHandledWereCounted(t *testing.T) {
	f := newDashFixture(t)
	seedQD766Example(t, f)
	start, _ := survey.ParseMonth("2026-10")
	f.insert(t, "H17.53", "nd61", []reply{{at: start.Add(30 * time.Hour), answers: nd61Answers(map[string]int{"ND7": 0}), dossier: "HS-X"}})
	page := f.get(t, "admin", "/dashboard/agency/H17.53?month=2026-10").Body.String()
	if strings.Contains(page, "766") || strings.Contains(page, `id="response-rate"`) || !strings.Contains(page, "chưa có số hồ sơ để tính tỷ lệ phản hồi") {
		t.Error("October has no counts, yet the scorecard shows a rate or a QĐ 766 figure")
	}
	api := f.get(t, "admin", "/api/v1/scores?agency=H17.53&month=2026-10&survey=nd61").Body.String()
	if strings.Contains(api, "766") || strings.Contains(api, "response_rate") {
		t.Errorf("October's API names QĐ 766 or a rate: %s", api)
	}
	if err := f.s.DB.PutDossierCounts(context.Background(), []survey.DossierCount{{Counter: f.counters["H17.53"].Code, Date: "2026-10-05", Received: 20}},
		survey.CLI, f.s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	api = f.get(t, "admin", "/api/v1/scores?agency=H17.53&month=2026-10&survey=nd61").Body.String()
	if strings.Contains(api, "766") || !strings.Contains(api, `"response_rate":{"numerator":1,"denominator":20`) {
		t.Errorf("received only: want a rate and no QĐ 766: %s", api)
	}
}

// The province table shows each agency's response rate where counts exist,
// flagged when low, and "no count" elsewhere (not 0 %).
func TestProvinceTableShowsResponseRates(t *testing.T) {
	f := newDashFixtureWith(t, app.Config{LowResponseRate: 0.2})
	seedQD766Example(t, f)
	page := f.get(t, "admin", "/dashboard/province?month=2026-11&survey=nd61&parent=H17").Body.String()
	i := strings.Index(page, "UBND phường Vị Thanh</a>")
	if i < 0 {
		t.Fatalf("H17.53 not listed:\n%.3000s", page)
	}
	row := page[i:]
	row = row[:strings.Index(row, "</li>")]
	if !strings.Contains(row, "Tỷ lệ phản hồi 16,00%") || !strings.Contains(row, "thấp, cần thận trọng") {
		t.Errorf("H17.53's entry lacks its low rate: %s", row)
	}
	// A ranked agency (30 respondents or more) shows its rate in the table.
	f.insert(t, "H17.50", survey.DefaultID, f.sipasReplies("2026-11", 40))
	if err := f.s.DB.PutDossierCounts(context.Background(), []survey.DossierCount{{Counter: f.counters["H17.50"].Code, Date: "2026-11-05", Received: 80}},
		survey.CLI, f.s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	ranked := f.get(t, "admin", "/dashboard/province?month=2026-11&survey="+survey.DefaultID+"&parent=H17").Body.String()
	k := strings.Index(ranked, "UBND phường Ninh Kiều</a>")
	if k < 0 || !strings.Contains(ranked[k:k+strings.Index(ranked[k:], "</tr>")], "<td>50,00%</td>") {
		t.Errorf("H17.50's ranked row lacks its rate 40/80 = 50,00%%")
	}
	j := strings.Index(page, "UBND phường Cái Răng</a>")
	if j < 0 || strings.Contains(page[j:j+strings.Index(page[j:], "</li>")], "Tỷ lệ phản hồi") {
		t.Errorf("an agency without counts shows a rate")
	}
}

// The score exports carry the response rate, codes used and QĐ 766 rows
// where counts exist, in the table's own columns.
func TestExportsCarryTheDossierRows(t *testing.T) {
	f := newDashFixture(t)
	seedQD766Example(t, f)
	rec := f.get(t, "admin", "/dashboard/agency/H17.53/export.csv?month=2026-11")
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(rec.Body.Bytes(), []byte(web.UTF8BOM)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h := rows[0]
	code, n, sat, idx := slices.Index(h, "Mã"), slices.Index(h, "Số câu trả lời hợp lệ"), slices.Index(h, "Số câu trả lời hài lòng"), slices.Index(h, "Chỉ số (%)")
	byCode := map[string][]string{}
	for _, r := range rows[1:] {
		byCode[r[code]] = r
	}
	if r := byCode["response_rate"]; r == nil || r[n] != "100" || r[sat] != "16" || r[idx] != "16" {
		t.Errorf("response rate row %v (columns %v)", r, h)
	}
	if r := byCode["code_rate"]; r == nil || r[n] != "4" || r[sat] != "1" || r[idx] != "25" {
		t.Errorf("code rate row %v", r)
	}
	if r := byCode["qd766"]; r == nil || r[n] != "80" || r[idx] != "91.25" || !strings.Contains(r[slices.Index(h, "Tên")], "766/QĐ-TTg") {
		t.Errorf("QĐ 766 row %v", r)
	}
	x, err := excelize.OpenReader(bytes.NewReader(f.get(t, "admin", "/dashboard/agency/H17.53/export.xlsx?month=2026-11").Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if xrows, err := x.GetRows("Chỉ số"); err != nil || len(xrows) != len(rows) || xrows[len(xrows)-1][code] != "qd766" {
		t.Errorf("XLSX rows differ from the CSV's: %v", err)
	}
}
