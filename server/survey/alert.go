package survey

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// AlertRule names the rule that raised an alert (issue 14 part 3).
type AlertRule string

// The alert rules. ResponseRate is defined here so stored alerts and the
// settings can name it; its source (dossier counts) is wired separately.
const (
	RuleIndexDrop    AlertRule = "index_drop"    // the headline index fell beyond its interval vs the previous month
	RuleTabletSilent AlertRule = "tablet_silent" // a tablet unheard for more than N working hours
	RuleLowRating    AlertRule = "low_rating"    // a rating of 1–2 with a comment
	RuleResponseRate AlertRule = "response_rate" // responses ÷ dossiers received under a threshold
	RuleTest         AlertRule = "test"          // the administrator's "send test alert"
)

// Alert is one event a rule raised. Key makes it unique: the same event
// seen on every evaluation is stored and delivered once.
type Alert struct {
	ID       int64
	Key      string
	Rule     AlertRule
	AgencyID int64 // 0 = the whole province
	RaisedAt time.Time
	Detail   AlertDetail
}

// AlertDetail holds the figures behind an alert; each reader gets them
// worded in their own language at delivery, so only facts are stored.
type AlertDetail struct {
	AgencyCode string  `json:"agency_code,omitempty"`
	AgencyName Text    `json:"agency_name,omitempty"`
	Period     string  `json:"period,omitempty"`    // index_drop: "month" or "quarter"
	Month      string  `json:"month,omitempty"`     // index_drop: the month (YYYY-MM) or quarter (YYYY-Qn) that fell
	Previous   string  `json:"previous,omitempty"`  // index_drop: the month or quarter compared with
	Index      float64 `json:"index,omitempty"`     // index_drop: the period's index, 0–100
	Delta      float64 `json:"delta,omitempty"`     // index_drop: change in points (negative)
	Lo         float64 `json:"lo,omitempty"`        // index_drop: 95% interval of the change
	Hi         float64 `json:"hi,omitempty"`        //
	Device     string  `json:"device,omitempty"`    // tablet_silent: the tablet's name
	Counter    string  `json:"counter,omitempty"`   // tablet_silent / low_rating: the counter's code
	LastSeen   string  `json:"last_seen,omitempty"` // tablet_silent: RFC 3339
	Hours      float64 `json:"hours,omitempty"`     // tablet_silent: working hours silent
	Response   int64   `json:"response,omitempty"`  // low_rating: the response's ID
	Rating     int     `json:"rating,omitempty"`    // low_rating: the lowest rating given
	Comment    string  `json:"comment,omitempty"`   // low_rating: the citizen's comment
	Rate       float64 `json:"rate,omitempty"`      // response_rate: the rate, 0–1
	Threshold  float64 `json:"threshold,omitempty"` // response_rate: the setting, 0–1
	Requested  string  `json:"requested,omitempty"` // test: who pressed the button
}

// Subscription is how one user hears of the alerts in their scope.
type Subscription struct {
	UserID        int64
	Email         string
	EmailOn       bool
	WebhookURL    string // "" = no webhook
	WebhookSecret string // signs every webhook body; shown to the user once
	Lang          string // vi or en: the language of their mail
	UpdatedAt     time.Time
}

// Validate checks a subscription as a person entered it.
func (s *Subscription) Validate() error {
	s.Email, s.WebhookURL = strings.TrimSpace(s.Email), strings.TrimSpace(s.WebhookURL)
	if s.Email != "" || s.EmailOn {
		if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email {
			return FieldError("email", "alerts.error.email", nil)
		}
	}
	if s.WebhookURL != "" {
		u, err := url.Parse(s.WebhookURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return FieldError("webhook_url", "alerts.error.webhook_url", nil)
		}
	}
	if s.Lang != "vi" && s.Lang != "en" {
		return FieldError("lang", "alerts.error.lang", nil)
	}
	return nil
}

// Active reports whether the subscription delivers anything.
func (s *Subscription) Active() bool { return s.EmailOn || s.WebhookURL != "" }
