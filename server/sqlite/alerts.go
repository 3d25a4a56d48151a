package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// Alert delivery channels and statuses (alert_deliveries).
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"

	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
)

// Recipient is one delivery to create with an alert.
type Recipient struct {
	UserID  int64
	Channel string
	DueAt   time.Time
}

// RaiseAlert stores an alert and its deliveries in one transaction. An alert
// whose key is already stored is left alone: raised is false and nothing is
// delivered again.
func (db *DB) RaiseAlert(ctx context.Context, a *survey.Alert, to []Recipient) (raised bool, err error) {
	detail, err := json.Marshal(a.Detail)
	if err != nil {
		return false, err
	}
	err = db.tx(ctx, func(tx *sqlTx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO alerts (key, rule, agency_id, raised_at, detail) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (key) DO NOTHING`, a.Key, string(a.Rule), nullID(a.AgencyID), ts(a.RaisedAt), string(detail))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		raised = true
		for _, r := range to {
			if _, err := tx.ExecContext(ctx, `INSERT INTO alert_deliveries (alert_id, user_id, channel, due_at) VALUES (?, ?, ?, ?)`,
				a.ID, r.UserID, r.Channel, ts(r.DueAt)); err != nil {
				return err
			}
		}
		return nil
	})
	return raised, err
}

// Subscriber is a user who may hear of alerts, with their scope.
type Subscriber struct {
	survey.Subscription
	Username    string
	DisplayName string
	Role        survey.Role
	AgencyID    int64 // 0 = the whole province
}

// Subscribers lists the enabled users with an active subscription.
func (db *DB) Subscribers(ctx context.Context) ([]*Subscriber, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+subCols+`, u.username, u.display_name, u.role, COALESCE(u.agency_id, 0)
		FROM alert_subscriptions s JOIN users u ON u.id = s.user_id
		WHERE u.disabled = 0 AND (s.email_on = 1 OR s.webhook_url <> '') ORDER BY u.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Subscriber
	for rows.Next() {
		var s Subscriber
		var updated string
		if err := rows.Scan(&s.UserID, &s.Email, &s.EmailOn, &s.WebhookURL, &s.WebhookSecret, &s.Lang, &updated,
			&s.Username, &s.DisplayName, &s.Role, &s.AgencyID); err != nil {
			return nil, err
		}
		s.UpdatedAt = parseTS(updated)
		out = append(out, &s)
	}
	return out, rows.Err()
}

const subCols = `s.user_id, s.email, s.email_on, s.webhook_url, s.webhook_secret, s.lang, s.updated_at`

// Subscription returns a user's subscription; ErrNotFound when they have none.
func (db *DB) Subscription(ctx context.Context, userID int64) (*survey.Subscription, error) {
	var s survey.Subscription
	var updated string
	err := db.read.QueryRowContext(ctx, `SELECT `+subCols+` FROM alert_subscriptions s WHERE s.user_id = ?`, userID).
		Scan(&s.UserID, &s.Email, &s.EmailOn, &s.WebhookURL, &s.WebhookSecret, &s.Lang, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	s.UpdatedAt = parseTS(updated)
	return &s, err
}

// SaveSubscription creates or replaces a user's subscription and records
// the change in the audit log, without the webhook secret.
func (db *DB) SaveSubscription(ctx context.Context, s *survey.Subscription, by survey.Actor, now time.Time) error {
	before, err := db.Subscription(ctx, s.UserID)
	if err != nil && !errors.Is(err, survey.ErrNotFound) {
		return err
	}
	return db.tx(ctx, func(tx *sqlTx) error {
		var username string
		err := tx.QueryRowContext(ctx, `SELECT username FROM users WHERE id = ?`, s.UserID).Scan(&username)
		if errors.Is(err, sql.ErrNoRows) {
			return survey.ErrNotFound
		}
		if err != nil {
			return err
		}
		s.UpdatedAt = now
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_subscriptions (user_id, email, email_on, webhook_url, webhook_secret, lang, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, email_on = excluded.email_on,
			webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret, lang = excluded.lang, updated_at = excluded.updated_at`,
			s.UserID, s.Email, s.EmailOn, s.WebhookURL, s.WebhookSecret, s.Lang, ts(now)); err != nil {
			return err
		}
		var prev any
		if before != nil {
			prev = subAudit(before)
		}
		return writeAudit(ctx, tx, by, now, "alert.subscription", "user:"+username, prev, subAudit(s))
	})
}

// subAudit is what the audit log keeps of a subscription: whether a secret
// exists and whether it changed is visible, never the secret itself.
func subAudit(s *survey.Subscription) map[string]any {
	return map[string]any{"email": s.Email, "email_on": s.EmailOn, "webhook_url": s.WebhookURL,
		"webhook_secret_set": s.WebhookSecret != "", "lang": s.Lang}
}

// Delivery is one pending delivery with its alert, for the sender.
type Delivery struct {
	ID       int64
	Alert    *survey.Alert
	UserID   int64
	Channel  string
	Attempts int
}

// DueDeliveries returns the pending deliveries of a channel due by now,
// oldest alert first.
func (db *DB) DueDeliveries(ctx context.Context, channel string, now time.Time) ([]*Delivery, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT d.id, d.user_id, d.channel, d.attempts, `+alertCols+`
		FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
		WHERE d.status = 'pending' AND d.channel = ? AND d.due_at <= ? ORDER BY a.raised_at, a.id, d.id`, channel, ts(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Delivery
	for rows.Next() {
		d := &Delivery{}
		a, err := scanAlert(rows, &d.ID, &d.UserID, &d.Channel, &d.Attempts)
		if err != nil {
			return nil, err
		}
		d.Alert = a
		out = append(out, d)
	}
	return out, rows.Err()
}

const alertCols = `a.id, a.key, a.rule, COALESCE(a.agency_id, 0), a.raised_at, a.detail`

func scanAlert(row interface{ Scan(...any) error }, before ...any) (*survey.Alert, error) {
	var a survey.Alert
	var raised, detail string
	if err := row.Scan(append(before, &a.ID, &a.Key, &a.Rule, &a.AgencyID, &raised, &detail)...); err != nil {
		return nil, err
	}
	a.RaisedAt = parseTS(raised)
	return &a, json.Unmarshal([]byte(detail), &a.Detail)
}

// DeliveryResult is the outcome of one attempt.
type DeliveryResult struct {
	Status string    // sent, pending (to retry at Next) or failed (given up)
	Next   time.Time // pending: when to try again
	Err    string    // the last error, for the log
}

// RecordAttempt counts an attempt on deliveries and sets their outcome.
func (db *DB) RecordAttempt(ctx context.Context, ids []int64, r DeliveryResult, now time.Time) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		for _, id := range ids {
			var sent sql.NullString
			if r.Status == DeliverySent {
				sent = nullStr(ts(now))
			}
			due := now
			if r.Status == DeliveryPending {
				due = r.Next
			}
			if _, err := tx.ExecContext(ctx, `UPDATE alert_deliveries SET status = ?, attempts = attempts + 1, due_at = ?,
				sent_at = ?, last_error = ? WHERE id = ?`, r.Status, ts(due), sent, r.Err, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeliveryInfo is one delivery as the alert log shows it.
type DeliveryInfo struct {
	Username  string
	Channel   string
	Status    string
	Attempts  int
	DueAt     time.Time
	SentAt    *time.Time
	LastError string
}

// AlertInfo is one alert with its deliveries, for the alert log.
type AlertInfo struct {
	*survey.Alert
	Deliveries []DeliveryInfo
}

// AlertLog returns the latest alerts, newest first, with their deliveries.
func (db *DB) AlertLog(ctx context.Context, limit int) ([]*AlertInfo, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+alertCols+` FROM alerts a ORDER BY a.raised_at DESC, a.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	var out []*AlertInfo
	byID := map[int64]*AlertInfo{}
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		info := &AlertInfo{Alert: a}
		byID[a.ID] = info
		out = append(out, info)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	drows, err := db.read.QueryContext(ctx, `SELECT d.alert_id, u.username, d.channel, d.status, d.attempts, d.due_at, d.sent_at, d.last_error
		FROM alert_deliveries d JOIN users u ON u.id = d.user_id
		WHERE d.alert_id >= ? ORDER BY d.id`, out[len(out)-1].ID)
	if err != nil {
		return nil, err
	}
	defer drows.Close()
	for drows.Next() {
		var id int64
		var d DeliveryInfo
		var due string
		var sent sql.NullString
		if err := drows.Scan(&id, &d.Username, &d.Channel, &d.Status, &d.Attempts, &due, &sent, &d.LastError); err != nil {
			return nil, err
		}
		d.DueAt, d.SentAt = parseTS(due), parseTSPtr(sent)
		if info := byID[id]; info != nil {
			info.Deliveries = append(info.Deliveries, d)
		}
	}
	return out, drows.Err()
}

// AlertCursor returns where a rule stopped reading (0 when it never ran).
func (db *DB) AlertCursor(ctx context.Context, name string) (int64, error) {
	var v int64
	err := db.read.QueryRowContext(ctx, `SELECT value FROM alert_cursors WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// SetAlertCursor records where a rule stopped reading.
func (db *DB) SetAlertCursor(ctx context.Context, name string, v int64) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO alert_cursors (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, v)
	return err
}

// CommentedResponse is a response with a comment, for the low-rating rule.
type CommentedResponse struct {
	ID         int64
	AgencyID   int64
	CounterID  int64
	SurveyID   string
	Answers    survey.Answers
	Comment    string
	ReceivedAt time.Time
}

// CommentedResponses returns responses after afterID, received since since,
// that carry a comment and are counted (a flagged response waits for an
// admin, like the scores do), in ID order, at most limit of them.
func (db *DB) CommentedResponses(ctx context.Context, afterID int64, since time.Time, limit int) ([]*CommentedResponse, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, agency_id, COALESCE(counter_id, 0), survey_id, `+answersOut+`, comment, received_at
		FROM responses WHERE id > ? AND received_at >= ? AND comment <> '' AND excluded = 0 ORDER BY id LIMIT ?`, afterID, nanos(since), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*CommentedResponse
	for rows.Next() {
		var r CommentedResponse
		var answers string
		var received int64
		if err := rows.Scan(&r.ID, &r.AgencyID, &r.CounterID, &r.SurveyID, &answers, &r.Comment, &received); err != nil {
			return nil, err
		}
		a, err := decodeAnswers(answers)
		if err != nil {
			return nil, err
		}
		r.Answers, r.ReceivedAt = a, fromNanos(received)
		out = append(out, &r)
	}
	return out, rows.Err()
}
