package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/sipas-vn/sipas/server/alert"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

var webhookSecret = regexp.MustCompile(`whsec_[0-9a-f]{64}`)

// TestAlertSubscriptionAndTestAlert: an admin subscribes an agency head's
// webhook, sees its key once, sends a test alert that the local receiver
// verifies, and finds it sent in the log; both steps are audited without
// the key.
func TestAlertSubscriptionAndTestAlert(t *testing.T) {
	s, admin := adminSetup(t)
	ctx := context.Background()
	head := addUser(t, s, "lanhdao", survey.RoleAgencyHead, 1, "mật-khẩu-lãnh-đạo")
	var mu sync.Mutex
	var bodies [][]byte
	var sigs []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, sigs = append(bodies, b), append(sigs, r.Header.Get(alert.HeaderSignature))
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	page := "/admin/alerts/subscriptions/" + itoa(head.ID)

	rec := admin.post(page, url.Values{"email": {"không-phải-thư"}, "email_on": {"1"}, "lang": {"vi"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Nhập một địa chỉ thư điện tử hợp lệ") {
		t.Fatalf("bad e-mail: %d\n%s", rec.Code, rec.Body)
	}
	rec = admin.post(page+"?lang=en", url.Values{"webhook_url": {"ftp://x"}, "lang": {"vi"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Enter a full webhook address") {
		t.Fatalf("bad webhook address: %d", rec.Code)
	}

	rec = admin.post(page, url.Values{"email": {"lanhdao@cantho.gov.vn"}, "webhook_url": {hook.URL}, "lang": {"vi"}})
	secret := webhookSecret.FindString(rec.Body.String())
	if rec.Code != http.StatusOK || secret == "" {
		t.Fatalf("saving a webhook: %d, key shown: %q\n%s", rec.Code, secret, rec.Body)
	}
	if again := admin.get(page); webhookSecret.MatchString(again.Body.String()) {
		t.Error("the webhook key is shown a second time")
	}
	if list := admin.get("/admin/alerts/subscriptions"); !strings.Contains(list.Body.String(), hook.URL) {
		t.Error("the subscription list does not show the webhook")
	}

	_, next := admin.follow("/admin/alerts/test", url.Values{"user": {itoa(head.ID)}})
	if next == nil || !strings.Contains(next.Body.String(), "Đã gửi cảnh báo thử") || !strings.Contains(next.Body.String(), "lanhdao · webhook · <strong>đã gửi</strong>") {
		t.Fatalf("after the test alert:\n%v", next.Body)
	}
	mu.Lock()
	if len(bodies) != 1 || sigs[0] != alert.Sign(secret, bodies[0]) {
		t.Errorf("receiver got %d requests, signature %v", len(bodies), sigs)
	}
	mu.Unlock()

	_, next = admin.follow("/admin/alerts/test", url.Values{"user": {"1"}})
	if next == nil || !strings.Contains(next.Body.String(), "chưa đăng ký kênh nhận cảnh báo") {
		t.Errorf("test alert to someone without a subscription: %v", next)
	}

	entries, err := s.DB.AuditLog(ctx, sqlite.AuditFilter{Action: "alert."})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range entries {
		actions[e.Action]++
		if strings.Contains(e.Before+e.After, secret) {
			t.Errorf("the audit log holds the webhook key: %+v", e)
		}
	}
	if actions["alert.subscription"] != 1 || actions["alert.test"] != 1 {
		t.Errorf("audit actions %v", actions)
	}
}
