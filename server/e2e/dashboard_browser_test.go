package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/survey"
)

// signInAs creates a user and signs in through the real sign-in form.
func (b *tab) signInAs(username string, role survey.Role, agency string) {
	b.t.Helper()
	ctx := context.Background()
	h, err := auth.Hasher{Cost: 4}.Hash("một mật khẩu đủ dài")
	if err != nil {
		b.t.Fatal(err)
	}
	u := &survey.User{Username: username, DisplayName: username, PasswordHash: h, Role: role}
	if agency != "" {
		a, err := b.env.db.AgencyByCode(ctx, agency)
		if err != nil {
			b.t.Fatal(err)
		}
		u.AgencyID = a.ID
	}
	if err := b.env.db.CreateUser(ctx, u); err != nil {
		b.t.Fatal(err)
	}
	b.do(chromedp.Navigate(b.env.URL+"/login?lang=vi"),
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), "một mật khẩu đủ dài"))
	b.formClick("button[type=submit]")
	b.waitJS(`location.pathname !== '/login'`, 10*time.Second)
}

// TestScorecardAndProvinceViewInABrowser signs in through the server that
// app.New wires (rollup worker running) and reads the agency head's
// scorecard and the province view as people see them: one headline number
// with one interval, and the funnel of agencies.
func TestScorecardAndProvinceViewInABrowser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.waitRollups()
	b := newTab(t, e)
	b.signInAs("lanhdao.test", survey.RoleAgencyHead, "H17.50")
	b.do(chromedp.Navigate(e.URL + "/dashboard/agency/H17.50?lang=vi"))
	b.waitJS(`document.querySelector('#headline-index') !== null`, 10*time.Second)
	head := eval[string](b, `document.querySelector('.headline').innerText`)
	if !strings.Contains(head, "Khoảng tin cậy 95%") || !strings.Contains(head, "sai số khoảng ±") || strings.Count(head, "Khoảng tin cậy") != 1 {
		t.Errorf("headline without its one interval: %q", head)
	}
	if idx := eval[string](b, `document.querySelector('#headline-index').innerText`); !strings.HasSuffix(idx, "%") || !strings.Contains(idx, ",") {
		t.Errorf("headline index %q, want a Vietnamese percentage such as 81,14%%", idx)
	}
	b.axe("scorecard")

	p := newTab(t, e)
	p.signInAs("sonoivu.test", survey.RoleProvince, "")
	p.do(chromedp.Navigate(e.URL + "/dashboard/province?lang=vi"))
	p.waitJS(`document.querySelector('svg.chart.funnel') !== null`, 10*time.Second)
	text := p.text()
	for _, want := range []string{"UBND phường Ninh Kiều"} {
		if !strings.Contains(text, want) {
			t.Errorf("province view lacks %q", want)
		}
	}
	p.axe("province")
}
