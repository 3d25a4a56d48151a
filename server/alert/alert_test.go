package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

func TestWorkingHoursCountOnlyWorkingTime(t *testing.T) {
	w := DefaultWorkingHours()
	for _, c := range []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"within a day", ict(2026, 12, 2, 9, 0), ict(2026, 12, 2, 11, 30), 150 * time.Minute},
		{"overnight", ict(2026, 12, 1, 9, 0), ict(2026, 12, 2, 9, 0), 9*time.Hour + 30*time.Minute},
		{"over a weekend", ict(2026, 12, 4, 16, 0), ict(2026, 12, 7, 8, 30), 2 * time.Hour},
		{"a night only", ict(2026, 12, 2, 18, 0), ict(2026, 12, 3, 7, 0), 0},
		{"backwards", ict(2026, 12, 3, 9, 0), ict(2026, 12, 2, 9, 0), 0},
	} {
		if got := w.Between(c.from, c.to); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	sat, err := ParseWorkingHours("mon-fri,sat 07:00-11:30")
	if err != nil {
		t.Fatal(err)
	}
	if got := sat.Between(ict(2026, 12, 5, 0, 0), ict(2026, 12, 6, 23, 0)); got != 4*time.Hour+30*time.Minute {
		t.Errorf("Saturday morning: %v", got)
	}
	for _, bad := range []string{"", "mon-fri", "mon-fri 17:00-07:30", "mon-xyz 07:30-17:00", "mon-fri 7h-17h", "mon-fri 07:30-25:00"} {
		if _, err := ParseWorkingHours(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSettingsRefuseBadValues(t *testing.T) {
	if err := DefaultSettings().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*Settings){
		"interval":   func(s *Settings) { s.Every = 0 },
		"silent":     func(s *Settings) { s.SilentAfter = 0 },
		"low rating": func(s *Settings) { s.LowRating = 5 },
		"rate":       func(s *Settings) { s.MinRate = 1.5 },
		"hour":       func(s *Settings) { s.DigestHour = 24 },
		"smtp addr":  func(s *Settings) { s.SMTP = SMTP{Addr: "mail", From: "a@b.vn"} },
		"smtp from":  func(s *Settings) { s.SMTP = SMTP{Addr: "mail:25", From: "nobody"} },
		"smtp auth":  func(s *Settings) { s.SMTP = SMTP{Addr: "mail:25", From: "a@b.vn", User: "u"} },
	} {
		s := DefaultSettings()
		change(&s)
		if s.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// mailOn is settings with a relay, so e-mail deliveries are created.
func mailOn(addr string) Settings {
	s := DefaultSettings()
	s.SMTP = SMTP{Addr: addr, From: "sipas@cantho.gov.vn"}
	s.BaseURL = "https://khaosat.example.vn"
	return s
}

type deliveryKey struct {
	user    string
	channel string
}

func deliveries(a *sqlite.AlertInfo) []deliveryKey {
	var out []deliveryKey
	for _, d := range a.Deliveries {
		out = append(out, deliveryKey{d.Username, d.Channel})
	}
	return out
}

// TestRulesRaiseEachAlertOnceToTheAgencysSubtree: an index that fell beyond
// its interval, a tablet silent for 9.5 working hours and a rating of 2 with
// a comment each raise one alert, delivered to those whose scope holds the
// agency; evaluating again raises nothing new.
func TestRulesRaiseEachAlertOnceToTheAgencysSubtree(t *testing.T) {
	p := newPlace(t)
	ctx := context.Background()
	p.subscribe(t, survey.Subscription{UserID: p.headA, Email: "a@cantho.gov.vn", EmailOn: true, WebhookURL: "https://hooks.example.vn/a", WebhookSecret: "s1"})
	p.subscribe(t, survey.Subscription{UserID: p.headB, Email: "b@cantho.gov.vn", EmailOn: true})
	p.subscribe(t, survey.Subscription{UserID: p.viewer, WebhookURL: "https://hooks.example.vn/p", WebhookSecret: "s2"})
	p.respond(t, p.a, ict(2026, 10, 15, 9, 0), 40, 5, "")
	p.respond(t, p.a, ict(2026, 10, 16, 9, 0), 10, 3, "")
	p.respond(t, p.a, ict(2026, 11, 15, 9, 0), 15, 5, "")
	p.respond(t, p.a, ict(2026, 11, 16, 9, 0), 35, 2, "")
	p.respond(t, p.b, ict(2026, 10, 20, 9, 0), 3, 5, "") // B: 50% then 33% of six: within noise, no alert
	p.respond(t, p.b, ict(2026, 10, 21, 9, 0), 3, 3, "")
	p.respond(t, p.b, ict(2026, 11, 20, 9, 0), 2, 5, "")
	p.respond(t, p.b, ict(2026, 11, 21, 9, 0), 4, 3, "")
	p.respond(t, p.b, ict(2026, 5, 10, 9, 0), 40, 5, "") // B: the third quarter fell against the second
	p.respond(t, p.b, ict(2026, 5, 11, 9, 0), 10, 3, "")
	p.respond(t, p.b, ict(2026, 8, 10, 9, 0), 15, 5, "")
	p.respond(t, p.b, ict(2026, 8, 11, 9, 0), 35, 2, "")
	p.respond(t, p.a, ict(2026, 12, 2, 8, 0), 1, 2, "Chờ quá lâu, không ai hướng dẫn")
	p.respond(t, p.a, ict(2026, 12, 2, 8, 10), 1, 5, "Cán bộ tận tình")
	p.respond(t, p.b, ict(2026, 12, 2, 8, 20), 1, 4, "Ổn")
	// A flagged response (left out of the scores until an admin decides) raises nothing either.
	p.respond(t, p.a, ict(2026, 12, 2, 8, 30), 1, 1, "Phiếu bị gắn cờ")
	if _, err := p.db.Writer().ExecContext(ctx, `UPDATE responses SET excluded = 1 WHERE comment = 'Phiếu bị gắn cờ'`); err != nil {
		t.Fatal(err)
	}
	if err := p.db.TouchDevice(ctx, p.device.ID, ict(2026, 12, 1, 9, 0), sqlite.DeviceReport{}); err != nil {
		t.Fatal(err)
	}
	s := p.service(t, mailOn("127.0.0.1:2525"))
	for range 2 {
		if err := s.Evaluate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	log, err := p.db.AlertLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]deliveryKey{}
	for _, a := range log {
		got[a.Key] = deliveries(a)
		for _, d := range a.Deliveries {
			want := ict(2026, 12, 3, 7, 0) // the next digest
			if d.Channel == sqlite.ChannelWebhook {
				want = p.clock.Now()
			}
			if !d.DueAt.Equal(want) {
				t.Errorf("%s to %s by %s due %v, want %v", a.Key, d.Username, d.Channel, d.DueAt, want)
			}
		}
	}
	headA := []deliveryKey{{"lanhdao-a", "email"}, {"lanhdao-a", "webhook"}, {"tinh", "webhook"}}
	lowKey := ""
	for k := range got {
		if strings.HasPrefix(k, "low_rating:") {
			lowKey = k
		}
	}
	want := map[string][]deliveryKey{
		"index_drop:P.A:2026-11": headA,
		"index_drop:P:2026-11":   {{"tinh", "webhook"}},
		"index_drop:P.B:2026-Q3": {{"lanhdao-b", "email"}, {"tinh", "webhook"}},
		"index_drop:P:2026-Q3":   {{"tinh", "webhook"}},
		"tablet_silent:" + strconv.FormatInt(p.device.ID, 10) + ":2026-12-01T02:00:00Z": headA,
		lowKey: headA,
	}
	if lowKey == "" || len(got) != len(want) {
		t.Fatalf("alerts %v, want the keys of %v", got, want)
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s delivered to %v, want %v", k, got[k], w)
		}
	}
	l := p.bundle.Localizer("vi")
	for _, a := range log {
		if a.Key == "index_drop:P.B:2026-Q3" {
			if got := Describe(l, a.Alert); !strings.Contains(got, "Sở Xây dựng (P.B): chỉ số hài lòng quý 3/2026 là") || !strings.Contains(got, "so với quý 2/2026") {
				t.Errorf("quarter summary %q", got)
			}
		}
	}
	// The tablet is heard from again, then silent for another spell: a new alert.
	if err := p.db.TouchDevice(ctx, p.device.ID, ict(2026, 12, 2, 9, 0), sqlite.DeviceReport{}); err != nil {
		t.Fatal(err)
	}
	p.clock.Set(ict(2026, 12, 2, 13, 0)) // four working hours: not yet more than the setting
	if err := s.Evaluate(ctx); err != nil {
		t.Fatal(err)
	}
	if log2, _ := p.db.AlertLog(ctx, 100); len(log2) != len(log) {
		t.Errorf("%d alerts after four working hours, want %d", len(log2), len(log))
	}
	p.clock.Set(ict(2026, 12, 2, 13, 5))
	if err := s.Evaluate(ctx); err != nil {
		t.Fatal(err)
	}
	if log2, _ := p.db.AlertLog(ctx, 100); len(log2) != len(log)+1 || log2[0].Rule != survey.RuleTabletSilent {
		t.Errorf("no new silent-tablet alert after more than four working hours: %d alerts", len(log2))
	}
}

// hookReceiver is a local webhook endpoint that answers 500 to the first
// failFirst requests and records every request.
type hookReceiver struct {
	mu        sync.Mutex
	failFirst int
	bodies    [][]byte
	headers   []http.Header
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bodies, h.headers = append(h.bodies, b), append(h.headers, r.Header.Clone())
	if len(h.bodies) <= h.failFirst {
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookReceiver) count() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.bodies) }

// TestWebhookIsSignedAndRetriedAfterA500: the receiver verifies the
// signature over the exact body; a 500 is retried after the backoff, with
// the same delivery ID, and then logged as sent.
func TestWebhookIsSignedAndRetriedAfterA500(t *testing.T) {
	p := newPlace(t)
	ctx := context.Background()
	hook := &hookReceiver{failFirst: 1}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	const secret = "whsec_test"
	p.subscribe(t, survey.Subscription{UserID: p.headA, WebhookURL: srv.URL + "/sipas", WebhookSecret: secret, Lang: "en"})
	p.respond(t, p.a, ict(2026, 12, 2, 8, 0), 1, 1, "Rude staff")
	p.heard(t)
	s := p.service(t, DefaultSettings())
	if err := s.Evaluate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	log, _ := p.db.AlertLog(ctx, 10)
	if len(log) != 1 || len(log[0].Deliveries) != 1 {
		t.Fatalf("log %+v", log)
	}
	d := log[0].Deliveries[0]
	if hook.count() != 1 || d.Status != sqlite.DeliveryPending || d.Attempts != 1 || d.LastError != "HTTP 500" || !d.DueAt.Equal(p.clock.Now().Add(30*time.Second)) {
		t.Fatalf("after a 500: %d requests, delivery %+v", hook.count(), d)
	}
	if err := s.Deliver(ctx); err != nil || hook.count() != 1 {
		t.Fatalf("retried before the backoff: %d requests, %v", hook.count(), err)
	}
	p.clock.Add(31 * time.Second)
	if err := s.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	if hook.count() != 2 {
		t.Fatalf("%d requests after the backoff, want 2", hook.count())
	}
	log, _ = p.db.AlertLog(ctx, 10)
	if d := log[0].Deliveries[0]; d.Status != sqlite.DeliverySent || d.Attempts != 2 || d.SentAt == nil {
		t.Errorf("after the retry: %+v", d)
	}
	for i, body := range hook.bodies {
		h := hook.headers[i]
		mac := Sign(secret, body)
		if !hmac.Equal([]byte(h.Get(HeaderSignature)), []byte(mac)) {
			t.Errorf("request %d: signature %q, want %q", i, h.Get(HeaderSignature), mac)
		}
		if Sign("another secret", body) == h.Get(HeaderSignature) {
			t.Error("the signature does not depend on the secret")
		}
		var wb WebhookBody
		if err := json.Unmarshal(body, &wb); err != nil {
			t.Fatal(err)
		}
		if ts, _ := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64); ts != wb.SentAt.Unix() {
			t.Errorf("request %d: timestamp header %s, body sent_at %v", i, h.Get(HeaderTimestamp), wb.SentAt)
		}
		if h.Get(HeaderDelivery) != strconv.FormatInt(wb.Delivery, 10) || h.Get("Content-Type") != "application/json" {
			t.Errorf("request %d: headers %v", i, h)
		}
		if wb.Rule != survey.RuleLowRating || wb.Detail.Rating != 1 || wb.Detail.AgencyCode != "P.A" ||
			!strings.Contains(wb.Summary, "rated 1 with the comment: “Rude staff”") {
			t.Errorf("request %d: body %s", i, body)
		}
	}
	if hook.headers[0].Get(HeaderDelivery) != hook.headers[1].Get(HeaderDelivery) {
		t.Error("a retry has another delivery ID")
	}
}

// part is one MIME part of a received mail, decoded.
type part struct {
	Type string
	Body string
}

func parseMail(t *testing.T, data []byte) (subject string, parts []part) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", m.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		pt, err := r.NextPart()
		if err == io.EOF {
			return subject, parts
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(pt)
		ct, _, _ := mime.ParseMediaType(pt.Header.Get("Content-Type"))
		parts = append(parts, part{ct, string(b)})
	}
}

// TestDigestSendsOneMailPerUserAtTheDigestHour: alerts raised during the
// day wait for the next 07:00 ICT, then each subscriber gets one mail with
// all of theirs, in their language, through a real SMTP server, over
// STARTTLS; a relay that refuses once is tried again after the backoff.
func TestDigestSendsOneMailPerUserAtTheDigestHour(t *testing.T) {
	p := newPlace(t)
	ctx := context.Background()
	ms := newMailServer(t)
	ms.fail = 1
	p.subscribe(t, survey.Subscription{UserID: p.headA, Email: "a@cantho.gov.vn", EmailOn: true, Lang: "vi"})
	p.subscribe(t, survey.Subscription{UserID: p.viewer, Email: "tinh@cantho.gov.vn", EmailOn: true, Lang: "en"})
	p.respond(t, p.a, ict(2026, 12, 2, 8, 0), 1, 2, "Phải đi lại ba lần")
	if err := p.db.TouchDevice(ctx, p.device.ID, ict(2026, 12, 1, 9, 0), sqlite.DeviceReport{}); err != nil {
		t.Fatal(err)
	}
	s := p.service(t, mailOn(ms.Addr), func(d *Deps) { d.MailTLS = ms.Client })
	if err := s.Evaluate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(ms.messages()); n != 0 {
		t.Fatalf("%d mails before the digest hour", n)
	}
	p.clock.Set(ict(2026, 12, 3, 7, 0))
	for range 2 {
		if err := s.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(ms.messages()); n != 1 {
		t.Fatalf("%d mails at the digest hour with one refused, want 1", n)
	}
	p.clock.Add(31 * time.Second)
	if err := s.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	p.clock.Add(24 * time.Hour)
	if err := s.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := ms.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d mails, want one per subscriber", len(msgs))
	}
	byTo := map[string]received{}
	for _, m := range msgs {
		if !m.TLS {
			t.Error("mail sent without STARTTLS, which the server offered")
		}
		if m.From != "sipas@cantho.gov.vn" || len(m.To) != 1 {
			t.Errorf("envelope %s → %v", m.From, m.To)
		}
		byTo[m.To[0]] = m
	}
	subject, parts := parseMail(t, byTo["a@cantho.gov.vn"].Data)
	if subject != "SIPAS – Cảnh báo ngày 03/12/2026" {
		t.Errorf("subject %q", subject)
	}
	if len(parts) != 2 || parts[0].Type != "text/plain" || parts[1].Type != "text/html" {
		t.Fatalf("parts %+v", parts)
	}
	for _, want := range []string{"Có 2 cảnh báo mới", "Sở Tư pháp: phiếu số", "chấm mức 2 kèm ý kiến: “Phải đi lại ba lần”",
		"không liên lạc từ 09:00 01/12/2026 (9,5 giờ làm việc)", "https://khaosat.example.vn/admin/alerts"} {
		if !strings.Contains(parts[0].Body, want) {
			t.Errorf("plain text lacks %q:\n%s", want, parts[0].Body)
		}
	}
	if !strings.Contains(parts[1].Body, "<li") || !strings.Contains(parts[1].Body, "Phải đi lại ba lần") {
		t.Errorf("HTML part:\n%s", parts[1].Body)
	}
	subject, parts = parseMail(t, byTo["tinh@cantho.gov.vn"].Data)
	if subject != "SIPAS – Alerts of 03/12/2026" || !strings.Contains(parts[0].Body, "There are 2 new alerts") ||
		!strings.Contains(parts[0].Body, "(9.5 working hours)") {
		t.Errorf("English digest %q:\n%s", subject, parts[0].Body)
	}
	log, _ := p.db.AlertLog(ctx, 10)
	for _, a := range log {
		for _, d := range a.Deliveries {
			if d.Status != sqlite.DeliverySent {
				t.Errorf("%s to %s: %+v", a.Key, d.Username, d)
			}
		}
	}
}

// TestTestAlertGoesAtOnceAndIsAudited: the admin's test alert reaches the
// user's mail and webhook without waiting for the digest, and is audited.
func TestTestAlertGoesAtOnceAndIsAudited(t *testing.T) {
	p := newPlace(t)
	ctx := context.Background()
	ms := newMailServer(t)
	hook := &hookReceiver{}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	p.subscribe(t, survey.Subscription{UserID: p.headA, Email: "a@cantho.gov.vn", EmailOn: true, WebhookURL: srv.URL, WebhookSecret: "k"})
	s := p.service(t, mailOn(ms.Addr), func(d *Deps) { d.MailTLS = ms.Client })
	admin := survey.Actor{UserID: p.viewer, Name: "tinh"}
	if _, err := s.SendTest(ctx, p.headA, admin); err != nil {
		t.Fatal(err)
	}
	if len(ms.messages()) != 1 || hook.count() != 1 {
		t.Fatalf("%d mails, %d webhooks", len(ms.messages()), hook.count())
	}
	if _, parts := parseMail(t, ms.messages()[0].Data); !strings.Contains(parts[0].Body, "Cảnh báo thử do tinh gửi") {
		t.Errorf("test mail:\n%s", parts[0].Body)
	}
	entries, err := p.db.AuditLog(ctx, sqlite.AuditFilter{Action: "alert.test"})
	if err != nil || len(entries) != 1 || entries[0].Target != "user:lanhdao-a" || entries[0].Actor != "tinh" {
		t.Errorf("audit %+v, %v", entries, err)
	}
	if _, err := s.SendTest(ctx, p.headB, admin); err != ErrNotSubscribed {
		t.Errorf("test alert to a user without a subscription: %v", err)
	}
}

// rates is a fixed RateSource, standing in for the dossier counts.
type rates []Rate

func (r rates) ResponseRates(context.Context, string) ([]Rate, error) { return r, nil }

// TestResponseRateUnderTheThresholdRaisesOnce: rule 4 through its interface.
func TestResponseRateUnderTheThresholdRaisesOnce(t *testing.T) {
	p := newPlace(t)
	ctx := context.Background()
	p.subscribe(t, survey.Subscription{UserID: p.headB, WebhookURL: "https://hooks.example.vn/b", WebhookSecret: "k"})
	src := rates{{AgencyID: p.a.ID, Responses: 10, Received: 100}, {AgencyID: p.b.ID, Responses: 30, Received: 80}, {AgencyID: p.prov.ID, Responses: 5}}
	p.heard(t)
	s := p.service(t, DefaultSettings(), func(d *Deps) { d.Rates = src })
	for range 2 {
		if err := s.Evaluate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	log, _ := p.db.AlertLog(ctx, 10)
	if len(log) != 1 || log[0].Key != "response_rate:"+strconv.FormatInt(p.a.ID, 10)+":2026-11" || len(log[0].Deliveries) != 0 {
		t.Fatalf("alerts %+v, want one for P.A (10%% < 30%%), delivered to nobody in P.B's scope", log)
	}
	l := p.bundle.Localizer("vi")
	if got := Describe(l, log[0].Alert); !strings.Contains(got, "tỷ lệ phản hồi Tháng 11/2026 là 10,0%, dưới ngưỡng 30%") {
		t.Errorf("summary %q", got)
	}
}

// TestNothingGoesToAUserDisabledAfterTheAlert: a delivery queued for an
// account disabled since is not sent, and the log says why.
func TestNothingGoesToAUserDisabledAfterTheAlert(t *testing.T) {
	p := newPlace(t)
	ctx := context.Background()
	hook := &hookReceiver{}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	p.subscribe(t, survey.Subscription{UserID: p.headA, WebhookURL: srv.URL, WebhookSecret: "k"})
	p.respond(t, p.a, ict(2026, 12, 2, 8, 0), 1, 1, "Không ai ở quầy")
	p.heard(t)
	s := p.service(t, DefaultSettings())
	if err := s.Evaluate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.db.SetUserDisabled(ctx, p.headA, true, survey.CLI, p.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	log, _ := p.db.AlertLog(ctx, 10)
	if hook.count() != 0 || len(log) != 1 || len(log[0].Deliveries) != 1 ||
		log[0].Deliveries[0].Status != sqlite.DeliveryFailed || log[0].Deliveries[0].LastError != "unsubscribed" {
		t.Errorf("%d webhooks; log %+v", hook.count(), log[0].Deliveries)
	}
}
