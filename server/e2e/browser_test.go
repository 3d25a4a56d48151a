package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core (npm axe-core 4.14.1, MPL-2.0, see testdata/axe-core.LICENSE).
//
//go:embed testdata/axe.min.js
var axeSource string

// axeTags are the rule sets UX.md §4 asks for.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// findChromium finds Debian's chromium, "" without it.
func findChromium() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// chromiumPath finds Debian's chromium; without it the browser tests skip.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := findChromium()
	if p == "" {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	return p
}

// browserFlags start a headless Chromium with the given profile folder.
func browserFlags(path, profile string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", "new"),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(960, 600),
	}
}

// tab is one fresh browser (own profile) showing the kiosk at 960×600.
type tab struct {
	t   *testing.T
	ctx context.Context
	env *env
}

// newTab opens a tab in a new browser context of the shared Chromium: its
// own storage, cookies and service workers, like a fresh profile.
func newTab(t *testing.T, e *env) *tab {
	t.Helper()
	chromiumPath(t)
	ctx, cancel := chromedp.NewContext(sharedBrowser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(960, 600)); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &tab{t: t, ctx: ctx, env: e}
}

// newTabWith starts a Chromium process of its own with more flags (name
// mapping, trusted keys), which a browser context cannot change.
func newTabWith(t *testing.T, e *env, extra ...chromedp.ExecAllocatorOption) *tab {
	t.Helper()
	opts := append(browserFlags(chromiumPath(t), t.TempDir()), extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first Do starts the browser and binds it to ctx (no timeout here).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(960, 600)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &tab{t: t, ctx: ctx, env: e}
}

// do runs actions with a timeout, failing the test on error.
func (b *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates JavaScript (awaiting a promise) and decodes the result.
func eval[T any](b *tab, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("eval %.80q: %v", js, err)
	}
	return v
}

// waitJS waits until a JavaScript expression is truthy.
func (b *tab) waitJS(js string, timeout time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout+5*time.Second)
	defer cancel()
	deadline := time.Now().Add(timeout)
	var err error
	for {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](js,
			chromedp.WithPollingInterval(40*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		// The kiosk reloads itself when a new version waits (main.js): a
		// poll in the page it left ends with its document; poll the new one.
		if err == nil || !pageWentAway(err) || time.Now().After(deadline) {
			break
		}
		time.Sleep(40 * time.Millisecond)
	}
	if err != nil {
		b.t.Fatalf("waiting %v for %s: %v (screen %q, text %.200q)", timeout, js, err,
			b.screenNow(), eval[string](b, `document.body.innerText`))
	}
}

func (b *tab) screenNow() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.screen || ''`))
	return s
}

// waitScreen waits for the app to show a screen (body[data-screen]).
func (b *tab) waitScreen(name string) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf(`document.body.dataset.screen === %q`, name), 10*time.Second)
}

// waitQuestion waits for the screen of one question (body[data-q]).
func (b *tab) waitQuestion(code string) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf(`document.body.dataset.q === %q`, code), 10*time.Second)
}

// waitGuard waits until the repeat guard after a submit has passed and the
// app takes taps again (the guard is 1.5 s; a fixed sleep cost more, and
// less on a slow machine was not enough).
func (b *tab) waitGuard() {
	b.t.Helper()
	b.waitJS(`window.kiosk.state.acceptsTaps()`, 10*time.Second)
}

// tap clicks an element the way a finger does (press and release at its centre).
func (b *tab) tap(sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel)))
}

// tapValue taps the answer card with data-value v on the current screen.
func (b *tab) tapValue(v string) {
	b.t.Helper()
	if v == "na" {
		b.tap(".na")
		return
	}
	b.tap(fmt.Sprintf(`#main .card[data-value=%q]`, v))
}

// longPress holds the pointer on an element for d.
func (b *tab) longPress(sel string, d time.Duration) {
	b.t.Helper()
	xy := eval[[]float64](b, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2]; })()`, sel))
	b.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, xy[0], xy[1], chromedp.ButtonLeft, chromedp.ClickCount(1)))
	time.Sleep(d)
	b.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, xy[0], xy[1], chromedp.ButtonLeft, chromedp.ClickCount(1)))
}

// typeKeypad enters digits on the on-screen number pad.
func (b *tab) typeKeypad(digits string) {
	b.t.Helper()
	for _, d := range digits {
		b.tap(fmt.Sprintf(`.keypad [data-key="%c"]`, d))
	}
}

// open loads the kiosk and waits until it has left the loading screen.
func (b *tab) open() {
	b.t.Helper()
	b.do(chromedp.Navigate(b.env.URL + "/kiosk/"))
	b.waitJS(`document.body.dataset.screen && document.body.dataset.screen !== 'loading'`, 15*time.Second)
}

// reload reloads the page and waits for the app to be back.
func (b *tab) reload() {
	b.t.Helper()
	// Mark the old document, so that no wait below can pass in it while the
	// reload is still on its way (that raced under load).
	eval[bool](b, `window.e2eOldPage = true`)
	b.do(chromedp.Reload())
	b.waitJS(`!window.e2eOldPage && document.readyState === 'complete' && document.body.dataset.screen && document.body.dataset.screen !== 'loading'`, 15*time.Second)
}

// pageWentAway says an evaluation failed because its document was replaced
// (a navigation or reload) while it ran.
func pageWentAway(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, "Inspected target navigated or closed")
}

// pair opens the kiosk, types a fresh pairing code of the counter and waits
// for home. It returns the staff PIN of the new device.
func (b *tab) pair(counter string) string {
	b.t.Helper()
	code, pin := b.env.pairingCode(counter)
	b.open()
	b.waitScreen("pair")
	b.typeKeypad(code)
	b.tap("#pair-submit")
	b.waitJS(`['question', 'welcome'].includes(document.body.dataset.screen)`, 15*time.Second)
	return pin
}

// text returns the visible text of the page.
func (b *tab) text() string {
	b.t.Helper()
	return eval[string](b, `document.body.innerText`)
}

// shot saves a screenshot to $SIPAS_E2E_SHOTS/<name>.png when that folder is set.
func (b *tab) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("SIPAS_E2E_SHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// axeViolation is one failed axe rule, with the elements it failed on.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe runs axe-core on the page and reports every violation as an error.
func (b *tab) axe(screen string) {
	b.t.Helper()
	if !eval[bool](b, `typeof window.axe !== 'undefined'`) {
		eval[chromedp.Void](b, axeSource)
	}
	tags, _ := json.Marshal(axeTags)
	raw := eval[[]byte](b, fmt.Sprintf(`axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))))`, tags))
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(s), &vs); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	for _, v := range vs {
		b.t.Errorf("axe on %s: %s (%s): %s\n  %s", screen, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
}

// outbox returns the tablet's queued and rejected counts.
func (b *tab) outbox() (queued, rejected int) {
	b.t.Helper()
	c := eval[map[string]int](b, `window.kiosk.outbox.counts()`)
	return c["queued"], c["rejected"]
}
