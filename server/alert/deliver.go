package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// Retries: an attempt that fails is tried again after retryBase, doubling
// each time up to retryMax, and given up after maxAttempts (about an hour
// of trying in all), so a receiver restarted or briefly down loses nothing.
const (
	retryBase   = 30 * time.Second
	retryMax    = 30 * time.Minute
	maxAttempts = 8
)

// backoff is the wait after the n-th failed attempt (n ≥ 1).
func backoff(n int) time.Duration {
	d := retryBase
	for i := 1; i < n && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}

// failure is the outcome of a failed n-th attempt: retry later, or give up.
func failure(n int, now time.Time, err error) sqlite.DeliveryResult {
	msg := err.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	if n >= maxAttempts {
		return sqlite.DeliveryResult{Status: sqlite.DeliveryFailed, Err: msg}
	}
	return sqlite.DeliveryResult{Status: sqlite.DeliveryPending, Next: now.Add(backoff(n)), Err: msg}
}

// Deliver sends every webhook and e-mail digest that is due.
func (s *Service) Deliver(ctx context.Context) error {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	return errors.Join(s.deliverWebhooks(ctx), s.deliverDigests(ctx))
}

// Webhook headers (docs/api.md, Webhooks).
const (
	HeaderSignature = "X-Sipas-Signature" // "sha256=" + hex HMAC-SHA256 of the body with the subscriber's secret
	HeaderTimestamp = "X-Sipas-Timestamp" // Unix seconds of this attempt; the body's sent_at is the same instant
	HeaderDelivery  = "X-Sipas-Delivery"  // the delivery's ID: the same on every retry, for the receiver to drop repeats
)

// WebhookBody is what a webhook POSTs, as JSON.
type WebhookBody struct {
	Delivery int64              `json:"delivery"`
	Alert    int64              `json:"alert"`
	Key      string             `json:"key"`
	Rule     survey.AlertRule   `json:"rule"`
	RaisedAt time.Time          `json:"raised_at"`
	SentAt   time.Time          `json:"sent_at"`
	Summary  string             `json:"summary"` // one line in the subscriber's language
	Detail   survey.AlertDetail `json:"detail"`
	URL      string             `json:"url,omitempty"` // the alert log
}

// Sign is the signature header value of a body under a secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (s *Service) deliverWebhooks(ctx context.Context) error {
	now := s.clock.Now()
	due, err := s.db.DueDeliveries(ctx, sqlite.ChannelWebhook, now)
	if err != nil {
		return err
	}
	subs := map[int64]*survey.Subscription{}
	for _, d := range due {
		sub, ok := subs[d.UserID]
		if !ok {
			if sub, err = s.subscription(ctx, d.UserID); err != nil && !errors.Is(err, ErrNotSubscribed) {
				return err
			}
			subs[d.UserID] = sub
		}
		var res sqlite.DeliveryResult
		if sub == nil || sub.WebhookURL == "" {
			res = unsubscribed
		} else if err := s.post(ctx, d, sub, now); err != nil {
			res = failure(d.Attempts+1, now, err)
		} else {
			res = sqlite.DeliveryResult{Status: sqlite.DeliverySent}
		}
		if err := s.db.RecordAttempt(ctx, []int64{d.ID}, res, now); err != nil {
			return err
		}
	}
	return nil
}

// post sends one signed webhook; anything but a 2xx answer is a failure.
func (s *Service) post(ctx context.Context, d *sqlite.Delivery, sub *survey.Subscription, now time.Time) error {
	body, err := json.Marshal(WebhookBody{Delivery: d.ID, Alert: d.Alert.ID, Key: d.Alert.Key, Rule: d.Alert.Rule,
		RaisedAt: d.Alert.RaisedAt.UTC(), SentAt: now.UTC().Truncate(time.Second),
		Summary: Describe(s.i18n.Localizer(sub.Lang), d.Alert), Detail: d.Alert.Detail, URL: s.logURL()})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "SIPAS-alerts")
	req.Header.Set(HeaderSignature, Sign(sub.WebhookSecret, body))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderDelivery, strconv.FormatInt(d.ID, 10))
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

func (s *Service) logURL() string {
	if s.set.BaseURL == "" {
		return ""
	}
	return s.set.BaseURL + "/admin/alerts"
}

// deliverDigests sends each user one mail with all their due alerts.
func (s *Service) deliverDigests(ctx context.Context) error {
	if s.set.SMTP.Addr == "" {
		return nil
	}
	now := s.clock.Now()
	due, err := s.db.DueDeliveries(ctx, sqlite.ChannelEmail, now)
	if err != nil {
		return err
	}
	byUser := map[int64][]*sqlite.Delivery{}
	var order []int64
	for _, d := range due {
		if _, ok := byUser[d.UserID]; !ok {
			order = append(order, d.UserID)
		}
		byUser[d.UserID] = append(byUser[d.UserID], d)
	}
	for _, uid := range order {
		ds := byUser[uid]
		ids := make([]int64, len(ds))
		alerts := make([]*survey.Alert, len(ds))
		attempts := 0
		for i, d := range ds {
			ids[i], alerts[i], attempts = d.ID, d.Alert, max(attempts, d.Attempts)
		}
		sub, err := s.subscription(ctx, uid)
		if err != nil && !errors.Is(err, ErrNotSubscribed) {
			return err
		}
		var res sqlite.DeliveryResult
		if sub == nil || !sub.EmailOn || sub.Email == "" {
			res = unsubscribed
		} else if err := s.sendDigest(ctx, sub, alerts, now); err != nil {
			res = failure(attempts+1, now, err)
		} else {
			res = sqlite.DeliveryResult{Status: sqlite.DeliverySent}
		}
		if err := s.db.RecordAttempt(ctx, ids, res, now); err != nil {
			return err
		}
	}
	return nil
}

// subscription is what a user receives now; ErrNotSubscribed when they
// have no subscription or their account was disabled after the alert was
// raised.
func (s *Service) subscription(ctx context.Context, userID int64) (*survey.Subscription, error) {
	u, err := s.db.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, ErrNotSubscribed
	}
	sub, err := s.db.Subscription(ctx, userID)
	if errors.Is(err, survey.ErrNotFound) {
		return nil, ErrNotSubscribed
	}
	return sub, err
}

// unsubscribed is the outcome of a delivery nobody is subscribed to any more.
var unsubscribed = sqlite.DeliveryResult{Status: sqlite.DeliveryFailed, Err: "unsubscribed"}
