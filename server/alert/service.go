// Package alert raises alerts from the survey data (an index that fell, a
// silent tablet, a low rating with a comment, a low response rate) and
// delivers them to the users subscribed to the agencies concerned: a daily
// e-mail digest and signed webhooks (decision 0017).
package alert

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// Deps are what the service is built from (app.New wires them).
type Deps struct {
	DB       *sqlite.DB
	Reports  *report.Reports
	Surveys  *survey.Catalog
	I18n     *i18n.Bundle
	Assets   fs.FS // templates/mail/*
	Clock    survey.Clock
	Logger   *slog.Logger
	HTTP     *http.Client // webhooks; default: 10 s timeout
	MailTLS  *tls.Config  // STARTTLS to the relay; nil = the system's roots and the relay's host name
	Rates    RateSource   // rule 4; nil = the rule is off
	Settings Settings
}

// Service evaluates the rules and sends what is due.
type Service struct {
	db      *sqlite.DB
	reports *report.Reports
	surveys *survey.Catalog
	i18n    *i18n.Bundle
	mail    *mailTemplates
	clock   survey.Clock
	log     *slog.Logger
	http    *http.Client
	mailTLS *tls.Config
	rates   RateSource
	set     Settings

	evalMu    sync.Mutex
	indexDay  string // the day (ICT) the index rule last ran: it runs once a day
	deliverMu sync.Mutex
}

// New builds the service; it fails on bad settings or a missing template.
func New(d Deps) (*Service, error) {
	if err := d.Settings.Validate(); err != nil {
		return nil, err
	}
	mt, err := parseMailTemplates(d.Assets)
	if err != nil {
		return nil, err
	}
	if d.HTTP == nil {
		d.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	return &Service{db: d.DB, reports: d.Reports, surveys: d.Surveys, i18n: d.I18n, mail: mt, clock: d.Clock,
		log: d.Logger, http: d.HTTP, mailTLS: d.MailTLS, rates: d.Rates, set: d.Settings}, nil
}

// Settings returns the settings in force (the admin page shows them).
func (s *Service) Settings() Settings { return s.set }

// Run evaluates and delivers every Settings.Every until ctx ends.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(s.set.Every)
	defer t.Stop()
	for {
		if err := s.Evaluate(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("alert rules", "err", err)
		}
		if err := s.Deliver(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("alert delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Evaluate runs every rule once. The index rule reads a month of counts per
// agency, so it runs once a day; the others on every call.
func (s *Service) Evaluate(ctx context.Context) error {
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	now := s.clock.Now()
	tree, err := s.db.AgencyTree(ctx)
	if err != nil {
		return err
	}
	var errs []error
	if day := survey.Day(now); day != s.indexDay {
		if err := s.checkIndexDrops(ctx, now, tree); err != nil {
			errs = append(errs, fmt.Errorf("index rule: %w", err))
		} else {
			s.indexDay = day
		}
	}
	if err := s.checkSilentTablets(ctx, now, tree); err != nil {
		errs = append(errs, fmt.Errorf("tablet rule: %w", err))
	}
	if err := s.checkLowRatings(ctx, now, tree); err != nil {
		errs = append(errs, fmt.Errorf("low-rating rule: %w", err))
	}
	if s.rates != nil {
		if err := s.checkResponseRates(ctx, now, tree); err != nil {
			errs = append(errs, fmt.Errorf("response-rate rule: %w", err))
		}
	}
	return errors.Join(errs...)
}

// raise stores an alert once, with a delivery for every subscriber whose
// scope holds the agency: e-mail waits for the digest, webhooks go at once.
func (s *Service) raise(ctx context.Context, tree *survey.Tree, a *survey.Alert) error {
	subs, err := s.db.Subscribers(ctx)
	if err != nil {
		return err
	}
	var to []sqlite.Recipient
	for _, sub := range subs {
		if !inScope(tree, sub.AgencyID, a.AgencyID) {
			continue
		}
		to = append(to, s.recipients(&sub.Subscription, s.NextDigest(a.RaisedAt), a.RaisedAt)...)
	}
	_, err = s.db.RaiseAlert(ctx, a, to)
	return err
}

// recipients are a subscription's deliveries: e-mail only when a relay is set.
func (s *Service) recipients(sub *survey.Subscription, mailAt, hookAt time.Time) []sqlite.Recipient {
	var to []sqlite.Recipient
	if sub.EmailOn && sub.Email != "" && s.set.SMTP.Addr != "" {
		to = append(to, sqlite.Recipient{UserID: sub.UserID, Channel: sqlite.ChannelEmail, DueAt: mailAt})
	}
	if sub.WebhookURL != "" {
		to = append(to, sqlite.Recipient{UserID: sub.UserID, Channel: sqlite.ChannelWebhook, DueAt: hookAt})
	}
	return to
}

// inScope reports whether an alert about agency falls in a user's scope: the
// whole province (scope 0), or scope and its subtree.
func inScope(tree *survey.Tree, scope, agency int64) bool {
	if scope == 0 {
		return true
	}
	for id, hops := agency, 0; id != 0 && hops < 64; hops++ {
		if id == scope {
			return true
		}
		a := tree.Agency(id)
		if a == nil {
			return false
		}
		id = a.ParentID
	}
	return false
}

// NextDigest is when an alert raised at t goes out by e-mail: the next
// digest hour (ICT) at or after t.
func (s *Service) NextDigest(t time.Time) time.Time {
	l := t.In(survey.Zone)
	d := time.Date(l.Year(), l.Month(), l.Day(), s.set.DigestHour, 0, 0, 0, survey.Zone)
	if d.Before(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// ErrNotSubscribed is returned by SendTest for a user with nothing to send to.
var ErrNotSubscribed = survey.FieldError("user", "alerts.error.not_subscribed", nil)

// SendTest raises a test alert for one user, audited, and sends it at once
// on every channel they have.
func (s *Service) SendTest(ctx context.Context, userID int64, by survey.Actor) (*survey.Alert, error) {
	sub, err := s.db.Subscription(ctx, userID)
	if errors.Is(err, survey.ErrNotFound) {
		return nil, ErrNotSubscribed
	}
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	to := s.recipients(sub, now, now)
	if len(to) == 0 {
		return nil, ErrNotSubscribed
	}
	a := &survey.Alert{Key: fmt.Sprintf("test:%d:%d", userID, now.UnixNano()), Rule: survey.RuleTest, RaisedAt: now,
		Detail: survey.AlertDetail{Requested: by.Name}}
	if _, err := s.db.RaiseAlert(ctx, a, to); err != nil {
		return nil, err
	}
	u, err := s.db.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := s.db.Audit(ctx, by, now, "alert.test", "user:"+u.Username, nil, map[string]any{"alert": a.ID}); err != nil {
		return nil, err
	}
	return a, s.Deliver(ctx)
}
