package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/survey"
)

// The phone form (UX.md §2) in headless Chromium at 360×640, the smallest
// phone we design for: with JavaScript off it must still work, axe must
// find nothing, and every answer row must be at least 48 px tall.

// formTab is a fresh browser showing pages at 360×640.
func formTab(t *testing.T, e *env, scripts bool) *tab {
	t.Helper()
	b := newTab(t, e)
	b.do(chromedp.EmulateViewport(360, 640, chromedp.EmulateScale(2)))
	if !scripts {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		defer cancel()
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
			emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// formOpen loads a path of the server and waits for the page. Headless
// Chromium asks for English; the pages are checked in Vietnamese, the
// source language, which ?lang= selects and the form's cookie remembers.
func (b *tab) formOpen(path string) {
	b.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	b.do(chromedp.Navigate(b.env.URL + path + sep + "lang=vi"))
	b.do(chromedp.WaitReady("main"))
}

// formClick clicks a submit button or link and waits for the page it leads
// to (after a post, the page the 303 points at, or the same URL again with
// errors), returning its HTTP status.
func (b *tab) formClick(sel string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	b.do(chromedp.WaitReady("main"))
	return resp.Status
}

// formH1 returns the page's main heading as the browser shows it.
func (b *tab) formH1() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		b.t.Fatalf("h1: %v", err)
	}
	return strings.TrimSpace(s)
}

// formShot saves a screenshot of the whole page to
// /tmp/sipas-form-shots/<name>.png, for a person to look at.
func (b *tab) formShot(name string) {
	b.t.Helper()
	dir := filepath.Join(os.TempDir(), "sipas-form-shots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	b.fullShot(filepath.Join(dir, name+".png"))
}

// formToken makes a one-time dossier code for a counter, as the one-stop
// software would through the API.
func formToken(t *testing.T, e *env, counter, dossier string) string {
	t.Helper()
	ctx := context.Background()
	key, err := e.db.Secret(ctx, "dossier_code_key", 32)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := auth.NewCodes(key)
	if err != nil {
		t.Fatal(err)
	}
	code, nonce, err := codes.New()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := e.db.CreateDossierToken(ctx, nonce, &survey.DossierToken{Dossier: dossier, CounterID: e.counter(counter).ID,
		IssuedAt: now, ExpiresAt: now.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return code
}

func TestFormPosterSurveyWithJavaScriptOff(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	e := newEnv(t)
	b := formTab(t, e, false)
	b.formOpen("/Q/" + fullCounter)
	if h := b.formH1(); !strings.Contains(h, "Khảo sát sự hài lòng") {
		t.Fatalf("start page heading %q", h)
	}
	b.formClick("button[type=submit]")
	// Each element page: answer the first item "Hài lòng" by tapping its words, the rest untouched.
	for n := 1; n <= 5; n++ {
		if h := b.formH1(); !strings.HasPrefix(h, fmt.Sprintf("Phần %d/5:", n)) {
			t.Fatalf("page %d heading %q", n, h)
		}
		b.do(chromedp.Click(chromedp.CSS(`fieldset:first-of-type .f-choice:nth-of-type(4) span`)))
		b.formClick(`button[value=next]`)
	}
	// The optional parts: skip them in one go, then write a comment and send.
	if h := b.formH1(); !strings.Contains(h, "không bắt buộc") {
		t.Fatalf("first optional part heading %q", h)
	}
	b.formClick(`button[value=skip]`)
	if h := b.formH1(); h != "Ý kiến khác (không bắt buộc)" {
		t.Fatalf("comment page heading %q", h)
	}
	b.do(chromedp.SendKeys(chromedp.CSS("#comment"), "Quầy rất sạch sẽ."))
	b.formClick(`button[value=next]`)
	if h := b.formH1(); h != "Đã gửi đánh giá" {
		t.Fatalf("after sending: %q", h)
	}
	rs := e.waitResponses(1, 5*time.Second)
	got := fmt.Sprintf("%d %s %s", len(rs[0].Answers), rs[0].Answers.Value("TC1"), rs[0].Answers.Value("CC1"))
	if rs[0].Channel != "qr" || rs[0].Comment != "Quầy rất sạch sẽ." || got != "5 4 4" || rs[0].Partial {
		t.Errorf("stored channel %s comment %q answers %v", rs[0].Channel, rs[0].Comment, rs[0].Answers)
	}
}

func TestFormOneTimeCodeUsedTwice(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	e := newEnv(t)
	code := formToken(t, e, quickCounter, "HS-2026-0001")
	b := formTab(t, e, true)
	b.formOpen("/T/" + code)
	b.do(chromedp.Click(chromedp.CSS(`label[for="q-HL-4"]`)))
	b.formClick(`button[value=next]`)
	if h := b.formH1(); h != "Đã gửi đánh giá" {
		t.Fatalf("after sending: %q", h)
	}
	b.formOpen("/T/" + code)
	if txt := b.text(); !strings.Contains(txt, "Hồ sơ này đã được đánh giá. Cảm ơn Ông/Bà.") {
		t.Errorf("second use shows:\n%s", txt)
	}
	rs := e.waitResponses(1, 5*time.Second)
	if rs[0].Dossier != "HS-2026-0001" || string(rs[0].Answers.Value("HL")) != "4" {
		t.Errorf("stored %+v", rs[0])
	}
}

// formA11y checks the page on screen: axe finds nothing, and every answer
// row is a target at least 48 px tall at 360 px wide.
func (b *tab) formA11y(name string) {
	b.t.Helper()
	b.axe(name)
	short := eval[[]string](b, `[...document.querySelectorAll('.f-choice')]
		.filter(l => l.getBoundingClientRect().height < 48)
		.map(l => l.htmlFor + ' ' + l.getBoundingClientRect().height)`)
	if len(short) > 0 {
		b.t.Errorf("%s: answer rows under 48 px: %v", name, short)
	}
	if w := eval[float64](b, `document.documentElement.scrollWidth`); w > 360 {
		b.t.Errorf("%s: page is %v px wide at a 360 px viewport", name, w)
	}
	b.formShot(name)
}

func TestFormPagesPassAxeAtPhoneSize(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	e := newEnv(t)
	b := formTab(t, e, true)

	b.formOpen("/q/" + fullCounter)
	b.formA11y("start")
	b.formClick("button[type=submit]")
	b.formA11y("element")
	for range 5 {
		b.formClick(`button[value=next]`)
	}
	b.formA11y("optional-part")
	b.formClick(`button[value=skip]`)
	b.formA11y("comment")
	b.do(chromedp.SetValue(chromedp.CSS("#comment"), strings.Repeat("Quá lâu. ", 120)))
	if st := b.formClick(`button[value=next]`); st != 422 {
		t.Errorf("over-long comment: status %d, want 422", st)
	}
	if !eval[bool](b, `document.activeElement === document.querySelector('.f-error-summary')`) {
		t.Error("the error summary does not have focus")
	}
	b.formA11y("comment-error")
	b.do(chromedp.SetValue(chromedp.CSS("#comment"), "Ổn."))
	b.formClick(`button[value=next]`)
	b.formA11y("done")

	b.formOpen("/q/" + quickCounter)
	b.formA11y("quick")
	b.do(chromedp.Click(chromedp.CSS(`label[for="q-HL-2"]`)))
	b.formClick(`button[value=next]`)
	b.formA11y("quick-followup")

	b.formOpen("/t?code=WRONG")
	b.formA11y("code-error")
	b.formOpen("/t/" + formToken(t, e, fullCounter, "HS-7"))
	b.formA11y("code-start")
	b.formOpen("/f/no-such-draft/1")
	b.formA11y("gone")
}
