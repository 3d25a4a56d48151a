package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sipas-vn/sipas/server/survey"
)

// TestAdminDossierGridAndPublicSwitchInABrowser types a month of dossier
// counts as an administrator does from the paper register (a bad figure
// first), and turns the public results page on: each screen axe clean.
func TestAdminDossierGridAndPublicSwitchInABrowser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.signInAs("quantri.e2e", survey.RoleAdmin, "")
	month := survey.Month(time.Now())
	first := month + "-01"
	b.do(chromedp.Navigate(e.URL + "/admin/dossiers?lang=vi&counter=" + fullCounter + "&month=" + month))
	b.waitJS(`document.querySelector('#received-`+first+`') !== null`, 10*time.Second)
	b.axe("dossier grid")
	b.do(chromedp.SetValue(chromedp.CSS("#received-"+first), "bốn")) // the demo filled the day already
	if status := b.formClick("form[method=post] button[type=submit]"); status != 422 {
		t.Fatalf("a word for a number: %d, want 422", status)
	}
	// The form posts without ?lang: headless Chromium asks for English.
	if !strings.Contains(b.text(), "A number of dossiers must be a whole number") {
		t.Error("the error summary does not say what is wrong")
	}
	b.axe("dossier grid with an error")
	b.do(chromedp.SetValue(chromedp.CSS("#received-"+first), "40"), chromedp.SetValue(chromedp.CSS("#handled-"+first), "38"))
	if status := b.formClick("form[method=post] button[type=submit]"); status != 200 {
		t.Fatalf("save: %d", status)
	}
	c := e.counter(fullCounter)
	got, err := e.db.DossierCounts(context.Background(), c.ID, month)
	if d := got[first]; err != nil || d.Received != 40 || d.Handled == nil || *d.Handled != 38 {
		t.Errorf("stored %+v %v", got, err)
	}

	b.do(chromedp.Navigate(e.URL + "/admin?lang=vi"))
	b.waitJS(`document.querySelector('#public-results') !== null`, 10*time.Second)
	b.axe("admin home with the public results switch")
	b.formClick("form[action='/admin/public'] button")
	if !strings.Contains(b.text(), "The public results page is on") {
		t.Error("after turning it on, the admin home does not say the page is on")
	}
	if on, err := e.db.PublicResults(context.Background()); err != nil || !on {
		t.Errorf("public results on: %v %v", on, err)
	}
}
