package alert

import (
	"bytes"
	"context"
	htmltemplate "html/template"
	"io/fs"
	"net"
	"strconv"
	texttemplate "text/template"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/survey"
)

// mailTemplates are the digest's plain-text and HTML bodies
// (assets/templates/mail), parsed once at start.
type mailTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

func parseMailTemplates(assets fs.FS) (*mailTemplates, error) {
	t, err := texttemplate.ParseFS(assets, "templates/mail/digest.txt")
	if err != nil {
		return nil, err
	}
	h, err := htmltemplate.ParseFS(assets, "templates/mail/digest.html")
	if err != nil {
		return nil, err
	}
	return &mailTemplates{text: t, html: h}, nil
}

// digestView is what both digest templates render.
type digestView struct {
	Lang     string
	Title    string
	Intro    string
	Lines    []string
	LinkText string
	URL      string
	Footer   string
}

// Digest renders one user's digest: the subject, plain text and HTML.
func (s *Service) Digest(l *i18n.Localizer, alerts []*survey.Alert, now time.Time) (subject, text, html string, err error) {
	v := digestView{Lang: l.Lang(),
		Title:    l.T("alerts.mail.title", map[string]any{"Date": l.Date(now)}),
		Intro:    l.Plural("alerts.mail.intro", len(alerts), map[string]any{"Count": l.Int(len(alerts))}),
		LinkText: l.T("alerts.mail.link"), URL: s.logURL(), Footer: l.T("alerts.mail.footer")}
	for _, a := range alerts {
		v.Lines = append(v.Lines, l.DateTime(a.RaisedAt)+" – "+Describe(l, a))
	}
	var tb, hb bytes.Buffer
	if err := s.mail.text.Execute(&tb, v); err != nil {
		return "", "", "", err
	}
	if err := s.mail.html.Execute(&hb, v); err != nil {
		return "", "", "", err
	}
	return v.Title, tb.String(), hb.String(), nil
}

// sendDigest mails one user their alerts through the relay, with STARTTLS
// when the relay offers it.
func (s *Service) sendDigest(ctx context.Context, sub *survey.Subscription, alerts []*survey.Alert, now time.Time) error {
	subject, text, html, err := s.Digest(s.i18n.Localizer(sub.Lang), alerts, now)
	if err != nil {
		return err
	}
	m := mail.NewMsg()
	if err := m.From(s.set.SMTP.From); err != nil {
		return err
	}
	if err := m.To(sub.Email); err != nil {
		return err
	}
	m.Subject(subject)
	m.SetDateWithValue(now)
	m.SetMessageID()
	m.SetBodyString(mail.TypeTextPlain, text)
	m.AddAlternativeString(mail.TypeTextHTML, html)
	host, port, err := net.SplitHostPort(s.set.SMTP.Addr)
	if err != nil {
		return err
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return err
	}
	opts := []mail.Option{mail.WithPort(p), mail.WithTLSPolicy(mail.TLSOpportunistic), mail.WithTimeout(30 * time.Second)}
	if s.mailTLS != nil {
		opts = append(opts, mail.WithTLSConfig(s.mailTLS))
	}
	if s.set.SMTP.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(s.set.SMTP.User), mail.WithPassword(s.set.SMTP.Password))
	}
	c, err := mail.NewClient(host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, m)
}
