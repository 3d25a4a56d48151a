package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sipas-vn/sipas/server/alert"
	"github.com/sipas-vn/sipas/server/survey"
)

// TestAlertPagesInABrowser: an administrator gives the demo's subscribed
// agency head a webhook, copies the key shown once, sends a test alert
// with the button, and reads it as sent in the alert log; the local
// receiver checks the signature with the copied key. Both pages pass axe.
func TestAlertPagesInABrowser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var mu sync.Mutex
	var bodies [][]byte
	var sigs []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, sigs = append(bodies, body), append(sigs, r.Header.Get(alert.HeaderSignature))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	head, err := e.db.UserByUsername(context.Background(), "lanhdao.ninhkieu")
	if err != nil {
		t.Fatal(err)
	}

	b := newTab(t, e)
	b.signInAs("quantri.test", survey.RoleAdmin, "")
	b.do(chromedp.Navigate(e.URL + "/admin/alerts/subscriptions?lang=vi"))
	if text := b.text(); !strings.Contains(text, "lanhdao.ninhkieu@example.com") {
		t.Fatalf("the demo subscription is not listed:\n%s", text)
	}
	b.axe("alert subscriptions")
	b.formClick(`a[href="/admin/alerts/subscriptions/` + strconv.FormatInt(head.ID, 10) + `"]`)
	b.do(chromedp.SendKeys(chromedp.CSS("#webhook_url"), hook.URL+"/sipas"))
	b.formClick("form.narrow button[type=submit]")
	key := regexp.MustCompile(`whsec_[0-9a-f]{64}`).FindString(b.text())
	if key == "" {
		t.Fatalf("no webhook key shown:\n%s", b.text())
	}
	b.axe("subscription with its key")

	b.do(chromedp.Navigate(e.URL + "/admin/alerts?lang=vi"))
	b.do(chromedp.SetValue(chromedp.CSS("#user"), strconv.FormatInt(head.ID, 10)))
	b.formClick("form.narrow button[type=submit]")
	// The redirect carries no ?lang: the page speaks the browser's language (English here).
	b.waitJS(`document.body.innerText.includes('Test alert sent')`, 10*time.Second)
	if text := b.text(); !strings.Contains(text, "lanhdao.ninhkieu · webhook · sent") || !strings.Contains(text, "Test alert sent by quantri.test") {
		t.Errorf("alert log after the test:\n%s", text)
	}
	b.do(chromedp.Navigate(e.URL + "/admin/alerts?lang=vi"))
	if text := b.text(); !strings.Contains(text, "lanhdao.ninhkieu · webhook · đã gửi") || !strings.Contains(text, "Cảnh báo thử do quantri.test gửi") {
		t.Errorf("alert log in Vietnamese:\n%s", text)
	}
	b.axe("alert log")
	// The test alert comes once, signed with the key shown. The demo's own
	// alerts (its response rates) may come too, when the rules run after the
	// webhook was set: each of those must be signed as well.
	mu.Lock()
	defer mu.Unlock()
	tests := 0
	for i, body := range bodies {
		if sigs[i] != alert.Sign(key, body) {
			t.Errorf("webhook %d is not signed with the key shown: %s\n%s", i, sigs[i], body)
		}
		if bytes.Contains(body, []byte(`"rule":"test"`)) {
			tests++
		}
	}
	if tests != 1 {
		t.Errorf("%d test alerts among %d webhooks received:\n%s", tests, len(bodies), bytes.Join(bodies, []byte("\n")))
	}
}
