package alert

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"time"
)

// Settings are the operator's thresholds and delivery settings
// (docs/operations.md, Alerts); cmd/sipas fills them from flags and SIPAS_*.
type Settings struct {
	Every       time.Duration // how often rules are evaluated and due deliveries sent
	SilentAfter time.Duration // working time without a heartbeat before a tablet is silent
	Hours       WorkingHours
	LowRating   int     // ratings up to this (on a 1–5 scale) with a comment raise an alert
	MinRate     float64 // response rate (0–1) under which an agency is flagged; rule 4
	DigestHour  int     // hour of the day (ICT) the e-mail digest is sent
	SMTP        SMTP
	BaseURL     string // links in mail and webhooks
}

// SMTP is the mail relay; Addr "" turns e-mail off (webhooks still work).
type SMTP struct {
	Addr     string // host:port
	From     string
	User     string
	Password string
}

// DefaultSettings are the defaults documented in docs/operations.md.
func DefaultSettings() Settings {
	return Settings{Every: time.Minute, SilentAfter: 4 * time.Hour, Hours: DefaultWorkingHours(),
		LowRating: 2, MinRate: 0.3, DigestHour: 7}
}

// Validate checks the settings; the message names what is wrong.
func (s Settings) Validate() error {
	switch {
	case s.Every < time.Second:
		return errors.New("the alert interval must be at least 1s")
	case s.SilentAfter <= 0:
		return errors.New("the silent-tablet threshold must be a positive duration")
	case s.LowRating < 1 || s.LowRating > 4:
		return errors.New("the low rating must be 1 to 4")
	case s.MinRate < 0 || s.MinRate > 1:
		return errors.New("the minimum response rate must be 0 to 100%")
	case s.DigestHour < 0 || s.DigestHour > 23:
		return errors.New("the digest hour must be 0 to 23")
	}
	if s.SMTP.Addr != "" {
		if _, port, err := net.SplitHostPort(s.SMTP.Addr); err != nil || port == "" {
			return fmt.Errorf("the SMTP address %q is not host:port", s.SMTP.Addr)
		}
		if a, err := mail.ParseAddress(s.SMTP.From); err != nil || a.Address == "" {
			return fmt.Errorf("the SMTP sender %q is not an e-mail address", s.SMTP.From)
		}
	}
	if (s.SMTP.User == "") != (s.SMTP.Password == "") {
		return errors.New("the SMTP user and password go together")
	}
	return nil
}
