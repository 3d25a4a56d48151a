package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// at moves the fixture's clock and signs everyone in again, since a
// session lasts a working day.
func (f *dashFixture) at(t *testing.T, now time.Time) {
	t.Helper()
	f.s.Clock.(*testClock).Set(now)
	for who := range f.cookies {
		ck, code := signIn(t, f.s, "dash-"+who, "mật-khẩu-"+who)
		if ck == nil {
			t.Fatalf("sign in %s: %d", who, code)
		}
		f.cookies[who] = ck
	}
}

// inDays spreads replies over the given days of their month (09:00 ICT on).
func inDays(rs []reply, days ...int) []reply {
	for i := range rs {
		d := days[i%len(days)]
		at := rs[i].at.In(survey.Zone)
		rs[i].at = time.Date(at.Year(), at.Month(), d, 9, i%50, 0, 0, survey.Zone)
	}
	return rs
}

var monthIndexRE = regexp.MustCompile(`id="month-index">([^<]+)<`)

func TestSmallCommuneHeadlineOffersThreeMonths(t *testing.T) {
	f := newDashFixture(t)
	def, _ := f.s.Surveys.Get(survey.DefaultID)
	sep, oct, nov := f.sipasReplies("2026-09", 20), f.sipasReplies("2026-10", 15), f.sipasReplies("2026-11", 12)
	for _, rs := range [][]reply{sep, oct, nov} {
		f.insert(t, "H17.50", def.ID, rs)
	}
	f.insert(t, "H17.50", def.ID, f.sipasReplies("2026-08", 40)) // outside the three months
	all := append(append(append([]reply{}, sep...), oct...), nov...)
	three, err := score.Compute(def, countsOf(def, all))
	if err != nil {
		t.Fatal(err)
	}
	month, err := score.Compute(def, countsOf(def, nov))
	if err != nil {
		t.Fatal(err)
	}

	body := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-11").Body.String()
	if got, want := headlineOf(t, body), formatPct(three.SIPAS.Index.Value, 2, ","); got != want {
		t.Errorf("headline %q, want the three months' %q (counts summed, then the formula)", got, want)
	}
	ci := three.SIPAS.CI95
	for _, want := range []string{
		"3 tháng gần nhất: 09–11/2026", "47 phiếu",
		"Khoảng tin cậy 95%: " + formatPct(ci.Lo, 1, ",") + " – " + formatPct(ci.Hi, 1, ","),
		"Chưa đủ 30 phiếu – chỉ để tham khảo", "12 phiếu",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("small commune's headline lacks %q", want)
		}
	}
	if m := monthIndexRE.FindStringSubmatch(body); m == nil || m[1] != formatPct(month.SIPAS.Index.Value, 2, ",") {
		t.Errorf("the month's own figure %v, want %s shown beside it", m, formatPct(month.SIPAS.Index.Value, 2, ","))
	}
	if strings.Contains(body, `class="headline unreliable"`) {
		t.Error("the headline is grey though its three-month figure has 47 responses")
	}
	en := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-11&lang=en").Body.String()
	if !strings.Contains(en, "Last 3 months: Sep–Nov 2026") || headlineOf(t, en) != formatPct(three.SIPAS.Index.Value, 2, ".") {
		t.Errorf("English three-month headline: %s", headlineOf(t, en))
	}
	print := f.get(t, "head", "/dashboard/agency/H17.50/print?month=2026-11").Body.String()
	if !strings.Contains(print, "3 tháng gần nhất: 09–11/2026") || headlineOf(t, print) != formatPct(three.SIPAS.Index.Value, 2, ",") {
		t.Error("the printed report does not lead with the three months")
	}

	// A month with 30 or more keeps its own headline, and no three-month figure.
	if oct := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-08").Body.String(); strings.Contains(oct, "3 tháng gần nhất") {
		t.Error("a 40-response month is given a three-month figure")
	}
}

func TestSmallCommuneWithTooFewEvenOverThreeMonths(t *testing.T) {
	f := newDashFixture(t)
	for _, m := range []string{"2026-09", "2026-10", "2026-11"} {
		f.insert(t, "H17.51", survey.DefaultID, f.sipasReplies(m, 5))
	}
	body := f.get(t, "admin", "/dashboard/agency/H17.51?month=2026-11").Body.String()
	for _, want := range []string{`class="headline unreliable"`, "Chưa đủ 30 phiếu – chỉ để tham khảo", "5 phiếu",
		"3 tháng gần nhất (09–11/2026) cũng chưa đủ 30 phiếu: 15 phiếu."} {
		if !strings.Contains(body, want) {
			t.Errorf("headline lacks %q", want)
		}
	}
	if strings.Contains(body, `id="month-index"`) {
		t.Error("15 responses over three months lead the headline")
	}
}

// TestPagesOpenOnTheLastCompleteMonth: at 00:30 on 1 December in ICT
// (17:30 UTC on 30 November) November is complete; the pages open on it,
// and December is a click away, labelled as collecting for 1 day.
func TestPagesOpenOnTheLastCompleteMonth(t *testing.T) {
	f := newDashFixture(t)
	f.at(t, time.Date(2026, 11, 30, 17, 30, 0, 0, time.UTC))
	link := `<a href="/dashboard/agency/H17.50?month=2026-12">Tháng 12/2026 – đang thu thập, 1 ngày</a>`
	for who, path := range map[string]string{"head": "/dashboard/agency/H17.50", "province": "/dashboard/province",
		"admin": "/dashboard/agency/H17.50/print"} {
		body := f.get(t, who, path).Body.String()
		if path != "/dashboard/agency/H17.50/print" && !strings.Contains(body, "Tháng 11/2026 ·") {
			t.Errorf("%s does not open on November", path)
		}
		if path == "/dashboard/agency/H17.50/print" {
			if !strings.Contains(body, "Báo cáo mức độ hài lòng – Tháng 11/2026") || strings.Contains(body, "đang thu thập") {
				t.Errorf("the printed report is not November's, or calls it still collecting")
			}
			continue
		}
		want := link
		if who == "province" {
			want = `<a href="/dashboard/province?month=2026-12">Tháng 12/2026 – đang thu thập, 1 ngày</a>`
		}
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks the link to the month being collected %s", path, want)
		}
	}
	cur := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-12").Body.String()
	for _, want := range []string{"<strong>Tháng 12/2026 – đang thu thập, 1 ngày</strong>",
		`<a href="/dashboard/agency/H17.50?month=2026-11">Xem tháng đã trọn gần nhất: Tháng 11/2026</a>`,
		`<option value="2026-12" selected>Tháng 12/2026 (đang thu thập)</option>`} {
		if !strings.Contains(cur, want) {
			t.Errorf("the current month's page lacks %q", want)
		}
	}
	if en := f.get(t, "head", "/dashboard/agency/H17.50?lang=en").Body.String(); !strings.Contains(en, "December 2026 – still collecting, 1 day so far") {
		t.Error("English: no link to the month being collected")
	}

	// A minute before midnight in ICT, November is still being collected.
	f.at(t, time.Date(2026, 11, 30, 16, 59, 0, 0, time.UTC))
	body := f.get(t, "head", "/dashboard/agency/H17.50").Body.String()
	if !strings.Contains(body, "Tháng 10/2026 ·") || !strings.Contains(body, "Tháng 11/2026 – đang thu thập, 30 ngày") {
		t.Error("at 23:59 on 30 November the scorecard should open on October, November collecting for 30 days")
	}
}

func TestDaysWithoutResponsesCountOnlyDaysThatPassed(t *testing.T) {
	f := newDashFixture(t)
	f.insert(t, "H17.50", survey.DefaultID, inDays(f.sipasReplies("2026-12", 10), 1, 3))
	f.insert(t, "H17.50", survey.DefaultID, inDays(f.sipasReplies("2026-11", 40), 2, 5, 9))
	f.at(t, time.Date(2026, 12, 4, 9, 0, 0, 0, survey.Zone))
	dec := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-12").Body.String()
	// 2 December only: not today (the 4th, under way) nor the 27 days to come.
	if !strings.Contains(dec, "Số ngày đã qua trong tháng không có phiếu nào: 1.") {
		t.Error("December: days without responses should count 2 December only")
	}
	if strings.Contains(dec, "<th scope=\"row\">05/12</th>") || !strings.Contains(dec, "<th scope=\"row\">04/12</th>") {
		t.Error("December's day table lists days to come, or not today")
	}
	nov := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-11").Body.String()
	if !strings.Contains(nov, "Số ngày đã qua trong tháng không có phiếu nào: 27.") {
		t.Error("November, complete: 30 days less the 3 with responses")
	}
}

// TestMergedAgencyJoinsTheTrendNotThePast: after Cái Răng merges into Ninh
// Kiều on 15/11/2026, Ninh Kiều's October is what it was, and its trend
// shows Cái Răng's own months as a labelled line beside its own.
func TestMergedAgencyJoinsTheTrendNotThePast(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	f.insert(t, "H17.50", survey.DefaultID, f.sipasReplies("2026-10", 40))
	f.insert(t, "H17.51", survey.DefaultID, f.sipasReplies("2026-10", 35))
	f.insert(t, "H17.51", survey.DefaultID, f.sipasReplies("2026-09", 33))
	beforeOct := headlineOf(t, f.get(t, "head", "/dashboard/agency/H17.50?month=2026-10").Body.String())
	beforeProv := rankTable(f.get(t, "province", "/dashboard/province?month=2026-10").Body.String())

	if err := f.s.DB.MergeAgency(ctx, f.agencies["H17.51"].ID, f.agencies["H17.50"].ID, "2026-11-15", survey.CLI, f.s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	oct := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-10").Body.String()
	if got := headlineOf(t, oct); got != beforeOct || !strings.Contains(oct, "40 phiếu") {
		t.Errorf("Ninh Kiều's October moved with the merger: %s, was %s", got, beforeOct)
	}
	if got := rankTable(f.get(t, "province", "/dashboard/province?month=2026-10").Body.String()); got != beforeProv {
		t.Errorf("October's comparison changed with the merger:\nbefore %s\nafter  %s", beforeProv, got)
	}
	for _, want := range []string{
		"UBND phường Cái Răng (H17.51) – số liệu riêng đến 15/11/2026, trước khi sáp nhập vào cơ quan này",
		`stroke="#505A5F" stroke-width="2" stroke-dasharray="2 4"`, `class="axis">H17.51</text>`,
		"Đường chấm màu xám",
	} {
		if !strings.Contains(oct, want) {
			t.Errorf("Ninh Kiều's trend lacks %q", want)
		}
	}
	// Cái Răng's history table has its own two months.
	hist := oct[strings.Index(oct, "<caption>UBND phường Cái Răng (H17.51)"):]
	hist = hist[:strings.Index(hist, "</table>")]
	if !strings.Contains(hist, "Tháng 9/2026") || !strings.Contains(hist, "Tháng 10/2026") || !strings.Contains(hist, ">35<") {
		t.Errorf("Cái Răng's months in Ninh Kiều's history: %s", hist)
	}
}

// rankTable is the comparison's ranked and unranked rows, as text.
func rankTable(body string) string {
	i := strings.Index(body, `id="h-table"`)
	if i < 0 {
		return ""
	}
	table := body[i:]
	if j := strings.Index(table, "</section>"); j >= 0 {
		table = table[:j]
	}
	return regexp.MustCompile(`\s+`).ReplaceAllString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(table, " "), " ")
}
