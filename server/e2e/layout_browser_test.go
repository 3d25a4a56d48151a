package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/sipas-vn/sipas/server/survey"
)

// layoutJS returns what is wrong with a staff page's layout: anything that
// makes the page scroll sideways, a column header wrapped onto a second
// line, a table wider than the box it sits in (scrolling inside it), and a
// chart axis label drawn under 14 px.
const layoutJS = `(() => {
  const out = [];
  const se = document.scrollingElement;
  if (se.scrollWidth > innerWidth) out.push('page is ' + se.scrollWidth + ' px wide in a ' + innerWidth + ' px window');
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  for (const th of document.querySelectorAll('thead th')) {
    if (!shown(th)) continue;
    const cs = getComputedStyle(th);
    const line = parseFloat(cs.lineHeight) || 1.5 * parseFloat(cs.fontSize);
    const inner = th.getBoundingClientRect().height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    // The row is as tall as its tallest header: a header wraps when its own text does.
    const range = document.createRange(); range.selectNodeContents(th);
    const lines = Math.round(range.getBoundingClientRect().height / line);
    if (lines > 1) out.push('header "' + th.textContent.trim() + '" wraps onto ' + lines + ' lines');
  }
  for (const t of document.querySelectorAll('table')) {
    if (!shown(t)) continue;
    const box = t.parentElement;
    if (t.getBoundingClientRect().width > box.getBoundingClientRect().width + 1)
      out.push('table "' + (t.caption ? t.caption.textContent.trim().slice(0, 40) : t.rows[0].textContent.trim().slice(0, 40)) + '" is ' +
        Math.round(t.getBoundingClientRect().width) + ' px in a ' + Math.round(box.getBoundingClientRect().width) + ' px box');
  }
  // The administration menu is one row from 1280 px on.
  const menu = document.querySelector('.admin-menu ul');
  if (menu && innerWidth >= 1280 && menu.getBoundingClientRect().height > 60) out.push('the menu wraps: ' + Math.round(menu.getBoundingClientRect().height) + ' px tall');
  // Chart axis labels are drawn at 14 px or more, after the SVG's scaling.
  for (const tx of document.querySelectorAll('svg.chart text.axis')) {
    if (!shown(tx)) continue;
    const px = parseFloat(getComputedStyle(tx).fontSize) * tx.ownerSVGElement.getScreenCTM().a;
    if (px < 13.9) { out.push('axis label "' + tx.textContent + '" is ' + px.toFixed(1) + ' px'); break; }
  }
  return JSON.stringify(out);
})()`

// artifactsDir is where screenshots go: $SIPAS_ARTIFACTS, or a fresh
// folder under the system's temporary directory, kept for a person to see.
func artifactsDir(t *testing.T, name string) string {
	t.Helper()
	root := os.Getenv("SIPAS_ARTIFACTS")
	if root == "" {
		root = os.TempDir()
	}
	dir, err := os.MkdirTemp(root, name+"-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// fullShot saves a screenshot of the whole page.
func (b *tab) fullShot(path string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestStaffPagesFitTheScreen visits every dashboard and administration page
// as an administrator, in Vietnamese and English, at 1280×800 and 1440×900:
// no page scrolls sideways, no column header wraps, no table is wider than
// its box, axe finds nothing, and each page is kept as a screenshot.
func TestStaffPagesFitTheScreen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.waitRollups()
	ctx := context.Background()
	// A tablet on a counter and a flagged response, so those tables have rows.
	if _, _, _, err := e.db.AddDevice(ctx, e.counter(fullCounter).ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	dir := artifactsDir(t, "sipas-staff-pages")
	pages := []string{
		"/dashboard/province", "/dashboard/agency/H17.01", "/dashboard/agency/H17.50", "/dashboard/agency/H17.01/comments",
		"/dashboard/agency/H17.01/print",
		"/admin", "/admin/agencies", "/admin/agencies/H17.01", "/admin/counters/1", "/admin/officers/1", "/admin/surveys",
		"/admin/devices", "/admin/users", "/admin/users/1", "/admin/apikeys", "/admin/flags", "/admin/flags?all=1",
		"/admin/paper", "/admin/paper?counter=" + fullCounter, "/admin/audit", "/admin/alerts", "/admin/alerts/subscriptions",
	}
	// One tab per window size, side by side: the pages only read.
	for _, size := range [][2]int64{{1280, 800}, {1440, 900}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			b := newTab(t, e)
			b.signInAs(fmt.Sprintf("quantri.%d", size[0]), survey.RoleAdmin, "")
			b.do(chromedp.EmulateViewport(size[0], size[1]))
			for _, lang := range []string{"vi", "en"} {
				for _, p := range pages {
					sep := "?"
					if strings.Contains(p, "?") {
						sep = "&"
					}
					b.do(chromedp.Navigate(e.URL + p + sep + "lang=" + lang))
					b.do(chromedp.WaitReady("main"))
					if got := eval[string](b, `location.pathname`); got == "/login" {
						t.Fatalf("%s sent the admin to sign in", p)
					}
					name := fmt.Sprintf("%dx%d %s %s", size[0], size[1], lang, p)
					var problems []string
					if err := json.Unmarshal([]byte(eval[string](b, layoutJS)), &problems); err != nil {
						t.Fatal(err)
					}
					for _, pr := range problems {
						t.Errorf("%s: %s", name, pr)
					}
					if lang == "vi" {
						b.axe(name)
					}
					file := strings.NewReplacer("/", "_", "?", "_", "=", "_", " ", "_").Replace(fmt.Sprintf("%dx%d-%s%s", size[0], size[1], lang, p))
					b.fullShot(filepath.Join(dir, file+".png"))
				}
			}
		})
	}
}

// TestScorecardHeadlineAboveTheFold: at 1440×900 the headline number, its
// interval, n and the change are on the first screen, above the filters' end.
func TestScorecardHeadlineAboveTheFold(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.waitRollups()
	b := newTab(t, e)
	b.signInAs("lanhdao.test", survey.RoleAgencyHead, "H17.01")
	b.do(chromedp.EmulateViewport(1440, 900))
	b.do(chromedp.Navigate(e.URL + "/dashboard/agency/H17.01?lang=vi"))
	b.waitJS(`document.querySelector('#headline-index') !== null`, 10*time.Second)
	bottoms := eval[map[string]float64](b, `(() => {
	  const h = document.querySelector('.headline');
	  const b = (sel) => { const el = h.querySelector(sel); return el ? el.getBoundingClientRect().bottom : -1; };
	  const picker = document.querySelector('.picker').getBoundingClientRect();
	  return {index: b('#headline-index'), ci: b('.ci'), n: b('.responses'), change: b('.changes'),
	    pickerRows: Math.round(picker.height), pickerTop: picker.top};
	})()`)
	for _, k := range []string{"index", "ci", "n", "change"} {
		if v := bottoms[k]; v < 0 || v > 900 {
			t.Errorf("the headline's %s ends at %v px, want on the first screen (900 px)", k, v)
		}
	}
	// The filters are one compact row: no taller than one labelled select.
	if h := bottoms["pickerRows"]; h > 110 {
		t.Errorf("the filters are %v px tall, want one row", h)
	}
	// Landmarks are told apart: the trend chart's scrolling region is not
	// named like its section (axe's best-practice rule landmark-unique).
	if !eval[bool](b, `typeof window.axe !== 'undefined'`) {
		eval[chromedp.Void](b, axeSource)
	}
	if got := eval[string](b, `axe.run(document, {runOnly: {type: 'rule', values: ['landmark-unique']}}).then(r => r.violations.map(v => v.nodes.map(n => n.target.join(' ')).join(', ')).join('; '))`); got != "" {
		t.Errorf("landmark-unique: %s", got)
	}
	// The first screen as a person sees it.
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(artifactsDir(t, "sipas-scorecard"), "1440x900-first-screen.png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPrintedTrendChartIsFullWidth: on paper the trend chart spans the
// page, not half of it.
func TestPrintedTrendChartIsFullWidth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.waitRollups()
	b := newTab(t, e)
	b.signInAs("lanhdao.in", survey.RoleAgencyHead, "H17.01")
	b.do(chromedp.Navigate(e.URL + "/dashboard/agency/H17.01/print?lang=vi"))
	b.do(chromedp.WaitReady("svg.chart.trend"))
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	w := eval[[]float64](b, `(() => { const c = document.querySelector('svg.chart.trend');
	  return [c.getBoundingClientRect().width, c.closest('section, .page, main').getBoundingClientRect().width]; })()`)
	if w[0] < 0.95*w[1] {
		t.Errorf("printed trend chart is %.0f px of a %.0f px page", w[0], w[1])
	}
}

// TestPhoneFormCountsItsPages: the start page announces its pages and each
// page after it says which one it is; no link leads out of the form.
func TestPhoneFormCountsItsPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := formTab(t, e, true)
	b.formOpen("/q/" + fullCounter)
	if txt := b.text(); !strings.Contains(txt, "9 trang") {
		t.Fatalf("start page does not announce 9 pages: %q", txt)
	}
	outside := `[...document.querySelectorAll('a[href]')].map(a => new URL(a.href).pathname).filter(p => !p.startsWith('/f/') && !p.startsWith('/q/') && !p.startsWith('/Q/'))`
	if links := eval[[]string](b, outside); len(links) > 0 {
		t.Errorf("start page links out of the form: %v", links)
	}
	b.formClick("button[name=action][value=next]")
	for n := 1; n <= 9; n++ {
		got := eval[string](b, `(document.querySelector('#page-counter') || {}).textContent || ''`)
		if want := fmt.Sprintf("Trang %d/9", n); got != want {
			t.Fatalf("page %d (%s) counter %q, want %q", n, b.formH1(), got, want)
		}
		if links := eval[[]string](b, outside); len(links) > 0 {
			t.Errorf("page %d links out of the form: %v", n, links)
		}
		if strings.Contains(b.text(), "Phiên bản") {
			t.Errorf("page %d shows the version to a citizen", n)
		}
		if n < 9 {
			b.formClick("button[name=action][value=next]")
		}
	}
}

// TestKioskFacesAndStaffCorner: on an 800 px portrait tablet the five faces
// stay in one row, left to right as the scale reads; in landscape the
// question starts at the top of its area, not below an empty band; the
// staff corner opens with the PIN field focused.
func TestKioskFacesAndStaffCorner(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.pair(quickCounter)
	b.waitQuestion("HL")
	band := eval[float64](b, `document.querySelector('#main h1').getBoundingClientRect().top - document.querySelector('#main').getBoundingClientRect().top`)
	if band > 8 {
		t.Errorf("landscape: %v px of empty band above the question", band)
	}
	b.do(chromedp.EmulateViewport(800, 1280))
	tops := eval[[]float64](b, `[...document.querySelectorAll('#main .face-card')].map(c => Math.round(c.getBoundingClientRect().top))`)
	if len(tops) != 5 {
		t.Fatalf("%d face cards", len(tops))
	}
	for _, top := range tops[1:] {
		if top != tops[0] {
			t.Errorf("portrait 800 px: faces at tops %v, want one row", tops)
			break
		}
	}
	b.check("quick-home-portrait-800", false)
	b.do(chromedp.EmulateViewport(960, 600))
	b.longPress("#staff-trigger", 3200*time.Millisecond)
	b.waitScreen("staff")
	if id := eval[string](b, `document.activeElement && document.activeElement.id`); id != "staff-pin" {
		t.Errorf("the staff corner opened with focus on %q, want the PIN field", id)
	}
}
