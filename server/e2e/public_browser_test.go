package e2e

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/sipas-vn/sipas/server/app"
)

// TestPublicResultsInABrowser turns the page on as a scripted install does
// (SIPAS_PUBLIC=1) and reads it as a citizen would: server-rendered, no
// script, under 50 KB, the disclaimer stated, accessible in both
// languages, and its tables still there when printed.
func TestPublicResultsInABrowser(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, func(c *app.Config) { c.Public = true })
	e.waitRollups()
	res, err := http.Get(e.URL + "/ket-qua?lang=vi")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || len(body) >= 50<<10 || strings.Contains(string(body), "<script") {
		t.Fatalf("GET /ket-qua: %d, %d bytes (want under 50 KB, no script)", res.StatusCode, len(body))
	}
	t.Logf("/ket-qua: %d bytes, %d rows", len(body), strings.Count(string(body), "<th scope=\"row\">"))
	if res.Header.Get("ETag") == "" || !strings.Contains(res.Header.Get("Cache-Control"), "max-age") {
		t.Errorf("not cacheable: %v", res.Header)
	}
	b := newTab(t, e)
	b.do(chromedp.Navigate(e.URL + "/ket-qua?lang=vi"))
	b.waitJS(`document.querySelector('#not-official') !== null`, 10*time.Second)
	text := b.text()
	for _, want := range []string{"không phải là kết quả Chỉ số SIPAS chính thức", "Toàn tỉnh: UBND thành phố Cần Thơ", "Phương pháp"} {
		if !strings.Contains(text, want) {
			t.Errorf("the public page lacks %q", want)
		}
	}
	if !eval[bool](b, `document.querySelector('#public-agencies') !== null || document.querySelector('#public-few') !== null`) {
		t.Error("neither an agency table nor the list of agencies under 30 respondents")
	}
	b.axe("public results")
	media := func(m string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		defer cancel()
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m}); err != nil {
			t.Fatal(err)
		}
	}
	media("print")
	if !eval[bool](b, `(() => { const t = document.querySelector('#public-agencies') || document.querySelector('#public-few');
		return t.getBoundingClientRect().height > 0 && getComputedStyle(document.querySelector('#not-official')).display !== 'none' })()`) {
		t.Error("printed, the page loses its figures or its disclaimer")
	}
	media("")
	b.do(chromedp.Navigate(e.URL + "/ket-qua?lang=en"))
	b.waitJS(`document.documentElement.lang === 'en'`, 10*time.Second)
	if !strings.Contains(b.text(), "not the official SIPAS index published by the Ministry of Home Affairs") {
		t.Error("the English page lacks the disclaimer")
	}
	b.axe("public results, English")
}
