package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/alert"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// alertLogLimit is how many alerts the log page lists, newest first.
const alertLogLimit = 200

type alertRow struct {
	RaisedAt   time.Time
	Rule       string // message ID of the rule's name
	Summary    string
	Deliveries []sqlite.DeliveryInfo
}

type subscriberOption struct {
	ID   int64
	Name string
}

type adminAlertsPage struct {
	adminBase
	Alerts      []alertRow
	Subscribers []subscriberOption
	Mail        bool // an SMTP relay is set
	DigestHour  string
	SilentHours string
	LowRating   int
}

func (s *Server) alertService() (*alert.Service, error) {
	if s.Alerts == nil {
		return nil, survey.ErrNotFound
	}
	return s.Alerts, nil
}

// adminAlerts is GET /admin/alerts: the alert log with each delivery's
// status, the settings in force, and the "send test alert" form.
func (s *Server) adminAlerts(c echo.Context) error {
	svc, err := s.alertService()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	log, err := s.DB.AlertLog(ctx, alertLogLimit)
	if err != nil {
		return err
	}
	subs, err := s.DB.Subscribers(ctx)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	set := svc.Settings()
	p := adminAlertsPage{adminBase: s.base(c, "alerts.log.title"), Mail: set.SMTP.Addr != "",
		DigestHour: strconv.Itoa(set.DigestHour) + ":00", SilentHours: l.Number(set.SilentAfter.Hours(), 1), LowRating: set.LowRating}
	for _, a := range log {
		p.Alerts = append(p.Alerts, alertRow{RaisedAt: a.RaisedAt, Rule: "alerts.rule." + string(a.Rule) + ".name",
			Summary: alert.Describe(l, a.Alert), Deliveries: a.Deliveries})
	}
	for _, sub := range subs {
		p.Subscribers = append(p.Subscribers, subscriberOption{ID: sub.UserID, Name: sub.Username + " – " + sub.DisplayName})
	}
	return s.render(c, http.StatusOK, "admin_alerts", p)
}

// adminAlertTest is POST /admin/alerts/test: a test alert to one
// subscriber, sent at once on each of their channels and audited.
func (s *Server) adminAlertTest(c echo.Context) error {
	svc, err := s.alertService()
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("user"), 10, 64)
	_, err = svc.SendTest(c.Request().Context(), id, s.actor(c))
	if errors.Is(err, alert.ErrNotSubscribed) {
		return s.done(c, "/admin/alerts", "alerts.flash.not_subscribed", "")
	}
	if err != nil {
		// A relay or receiver that fails is recorded on the delivery, which the log shows.
		return err
	}
	return s.done(c, "/admin/alerts", "alerts.flash.test_sent", "")
}

type subscriptionRow struct {
	User  *survey.UserInfo
	Scope string
	Sub   *survey.Subscription // nil = none
}

type adminSubscriptionsPage struct {
	adminBase
	Rows []subscriptionRow
}

// adminSubscriptions is GET /admin/alerts/subscriptions: every user with
// what they receive.
func (s *Server) adminSubscriptions(c echo.Context) error {
	ctx := c.Request().Context()
	users, err := s.DB.Users(ctx)
	if err != nil {
		return err
	}
	codes, err := s.agencyCodes(c)
	if err != nil {
		return err
	}
	p := adminSubscriptionsPage{adminBase: s.base(c, "alerts.subs.title")}
	for _, u := range users {
		row := subscriptionRow{User: u, Scope: codes[u.AgencyID]}
		if row.Sub, err = s.DB.Subscription(ctx, u.ID); err != nil && !errors.Is(err, survey.ErrNotFound) {
			return err
		}
		p.Rows = append(p.Rows, row)
	}
	return s.render(c, http.StatusOK, "admin_alert_subs", p)
}

type adminSubscriptionPage struct {
	adminBase
	Account *survey.UserInfo
	Sub     *survey.Subscription
	HasHook bool   // a webhook and its secret are stored
	Secret  string // a new webhook secret, shown on this answer only
}

func (s *Server) subscriptionPage(c echo.Context) (*adminSubscriptionPage, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	u, err := s.DB.User(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	sub, err := s.DB.Subscription(c.Request().Context(), id)
	if errors.Is(err, survey.ErrNotFound) {
		sub, err = &survey.Subscription{UserID: id, Lang: "vi"}, nil
	}
	if err != nil {
		return nil, err
	}
	return &adminSubscriptionPage{adminBase: s.base(c, "alerts.sub.title"), Account: u, Sub: sub,
		HasHook: sub.WebhookURL != "" && sub.WebhookSecret != ""}, nil
}

// adminSubscription is GET /admin/alerts/subscriptions/:id.
func (s *Server) adminSubscription(c echo.Context) error {
	p, err := s.subscriptionPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_alert_sub", p)
}

// adminSubscriptionSave is POST /admin/alerts/subscriptions/:id. A webhook
// gets a new secret when it is first set, when its address changes, or on
// request; the secret is shown on this answer only.
func (s *Server) adminSubscriptionSave(c echo.Context) error {
	p, err := s.subscriptionPage(c)
	if err != nil {
		return err
	}
	old := *p.Sub
	sub := &survey.Subscription{UserID: p.Account.ID, Email: c.FormValue("email"), EmailOn: c.FormValue("email_on") == "1",
		WebhookURL: c.FormValue("webhook_url"), WebhookSecret: old.WebhookSecret, Lang: c.FormValue("lang")}
	err = sub.Validate()
	if err == nil {
		switch {
		case sub.WebhookURL == "":
			sub.WebhookSecret = ""
		case sub.WebhookSecret == "" || sub.WebhookURL != old.WebhookURL || c.FormValue("new_secret") == "1":
			sub.WebhookSecret, err = newWebhookSecret()
		}
	}
	if err == nil {
		err = s.DB.SaveSubscription(c.Request().Context(), sub, s.actor(c), s.Clock.Now())
	}
	if err != nil {
		errs, err := s.formErrors(c, err, "", "email")
		if err != nil {
			return err
		}
		p.Errors, p.Sub = errs, sub
		return s.render(c, http.StatusUnprocessableEntity, "admin_alert_sub", p)
	}
	if sub.WebhookSecret != "" && sub.WebhookSecret != old.WebhookSecret {
		p.Sub, p.Secret, p.HasHook = sub, sub.WebhookSecret, true
		p.Flash = s.localizer(c).T("alerts.flash.saved")
		return s.render(c, http.StatusOK, "admin_alert_sub", p)
	}
	return s.done(c, "/admin/alerts/subscriptions/"+itoa(p.Account.ID), "alerts.flash.saved", "")
}

// newWebhookSecret is 32 random bytes in hex, the key of the signatures.
func newWebhookSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "whsec_" + hex.EncodeToString(b), nil
}
