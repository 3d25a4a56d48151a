package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sipas-vn/sipas/server/survey"
)

// TestYearReportAndTargetsInABrowser: the Sở Nội vụ opens the province's
// year (the demo seeds targets, so inherited and own targets and their
// verdicts show), its printable report, and sets a target in the table of
// targets; every page is axe clean.
func TestYearReportAndTargetsInABrowser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.waitRollups()
	b := newTab(t, e)
	b.signInAs("sonoivu.nam", survey.RoleProvince, "")
	year := strconv.Itoa(time.Now().In(survey.Zone).AddDate(0, -1, 0).Year())

	b.do(chromedp.Navigate(e.URL + "/dashboard/year?lang=vi"))
	b.waitJS(`document.querySelector('#year-index') !== null`, 20*time.Second)
	if idx := eval[string](b, `document.querySelector('#year-index').innerText`); !strings.HasSuffix(idx, "%") || !strings.Contains(idx, ",") {
		t.Errorf("year index %q, want a Vietnamese percentage", idx)
	}
	text := b.text()
	// The demo gives the city 85 this year and 80 the year before (the
	// year shown in January).
	target := "85,00%"
	if year != strconv.Itoa(time.Now().In(survey.Zone).Year()) {
		target = "80,00%"
	}
	for _, want := range []string{"Kết quả năm " + year + ": UBND thành phố Cần Thơ", "Chỉ tiêu năm: " + target + " (chỉ tiêu riêng)",
		"Các đơn vị trực thuộc", "kế thừa từ UBND thành phố Cần Thơ", "Cùng kỳ năm trước", "Khoảng tin cậy 95%"} {
		if !strings.Contains(text, want) {
			t.Errorf("year view lacks %q", want)
		}
	}
	verdicts := eval[string](b, `[...document.querySelectorAll('#year-children tbody td:last-child')].map(td => td.innerText).join('|')`)
	for _, v := range strings.Split(verdicts, "|") {
		switch v {
		case "Đạt chỉ tiêu", "Chưa đạt chỉ tiêu", "Chưa đủ cơ sở kết luận", "Chưa có số liệu":
		default:
			t.Errorf("a unit's verdict reads %q", v)
		}
	}
	b.axe("year")
	b.shot("year")

	b.do(chromedp.Navigate(e.URL + "/dashboard/agency/H17/year/print?lang=vi"))
	b.waitJS(`document.querySelector('#year-index') !== null`, 20*time.Second)
	if !strings.Contains(b.text(), "Báo cáo kết quả khảo sát sự hài lòng năm "+year) {
		t.Error("the printable report lacks its heading")
	}
	b.axe("year print")
	b.shot("year-print")

	b.do(chromedp.Navigate(e.URL + "/admin/targets?lang=vi"))
	b.waitJS(`document.querySelector('#targets') !== null`, 10*time.Second)
	b.axe("targets")
	b.shot("targets")
	b.do(chromedp.SendKeys(chromedp.CSS(`[id="index-H17.10"]`), "88,5"))
	b.formClick(`form[method=post] button[type=submit]`)
	b.waitJS(`document.querySelector('.flash') !== null`, 10*time.Second)
	if !strings.Contains(b.text(), "Đã lưu chỉ tiêu: 1 thay đổi.") {
		t.Errorf("no confirmation after saving: %q", b.text())
	}
	a, err := e.db.AgencyByCode(context.Background(), "H17.10")
	if err != nil {
		t.Fatal(err)
	}
	y, _ := strconv.Atoi(survey.Month(time.Now())[:4])
	own, err := e.db.Targets(context.Background(), y)
	if err != nil || own[a.ID].Index != 88.5 {
		t.Errorf("H17.10's target after saving: %+v %v", own[a.ID], err)
	}
}
