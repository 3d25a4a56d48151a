package alert

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/sipas-vn/sipas/assets"
	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// ict is a wall time in Asia/Ho_Chi_Minh.
func ict(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, survey.Zone)
}

// place is a province (P) with two agencies (A, B), a counter and a tablet
// at A, and three users: A's head, B's head and a province viewer.
type place struct {
	db                   *sqlite.DB
	cat                  *survey.Catalog
	bundle               *i18n.Bundle
	clock                *clock
	prov, a, b           *survey.Agency
	counter              *survey.Counter
	device               *survey.Device
	headA, headB, viewer int64
	seq                  int
}

func newPlace(t *testing.T) *place {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RegisterSurveys(ctx, cat.All()); err != nil {
		t.Fatal(err)
	}
	b, err := i18n.New(assets.FS, "vi")
	if err != nil {
		t.Fatal(err)
	}
	p := &place{db: db, cat: cat, bundle: b, clock: &clock{t: ict(2026, 12, 2, 9, 0)}}
	p.prov = p.agency(t, "P", "UBND tỉnh", 0)
	p.a = p.agency(t, "P.A", "Sở Tư pháp", p.prov.ID)
	p.b = p.agency(t, "P.B", "Sở Xây dựng", p.prov.ID)
	p.counter = &survey.Counter{AgencyID: p.a.ID, Code: "CT-A1", Number: 1, Name: survey.Text{"vi": "Quầy 1"}, IdleSeconds: 45, IdleWarning: 15, Active: true}
	if err := db.CreateCounter(ctx, p.counter, survey.CLI, p.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if p.device, _, _, err = db.AddDevice(ctx, p.counter.ID, ict(2026, 11, 30, 8, 0)); err != nil {
		t.Fatal(err)
	}
	p.headA = p.user(t, "lanhdao-a", survey.RoleAgencyHead, p.a.ID)
	p.headB = p.user(t, "lanhdao-b", survey.RoleAgencyHead, p.b.ID)
	p.viewer = p.user(t, "tinh", survey.RoleProvince, 0)
	return p
}

// heard records that the tablet reported just now, so it is not silent.
func (p *place) heard(t *testing.T) {
	t.Helper()
	if err := p.db.TouchDevice(context.Background(), p.device.ID, p.clock.Now(), sqlite.DeviceReport{}); err != nil {
		t.Fatal(err)
	}
}

func (p *place) agency(t *testing.T, code, name string, parent int64) *survey.Agency {
	t.Helper()
	a := &survey.Agency{Code: code, Name: survey.Text{"vi": name}, Kind: survey.KindDepartment, ParentID: parent}
	if parent == 0 {
		a.Kind = survey.KindProvincePC
	}
	if err := p.db.CreateAgency(context.Background(), a, survey.CLI, p.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return a
}

func (p *place) user(t *testing.T, name string, role survey.Role, agency int64) int64 {
	t.Helper()
	u := &survey.User{Username: name, DisplayName: name, Role: role, AgencyID: agency}
	if err := p.db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func (p *place) subscribe(t *testing.T, s survey.Subscription) {
	t.Helper()
	if s.Lang == "" {
		s.Lang = "vi"
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := p.db.SaveSubscription(context.Background(), &s, survey.CLI, p.clock.Now()); err != nil {
		t.Fatal(err)
	}
}

// respond stores n responses to the default questionnaire at agency a,
// every item answered v, at time at.
func (p *place) respond(t *testing.T, a *survey.Agency, at time.Time, n, v int, comment string) {
	t.Helper()
	def := p.cat.Default()
	var rs []*survey.Response
	for range n {
		p.seq++
		answers := map[string]json.RawMessage{}
		for _, q := range def.Items() {
			answers[q.Code] = json.RawMessage(fmt.Sprint(v))
		}
		raw, _ := json.Marshal(answers)
		h := sha256.Sum256(append(raw, byte(p.seq)))
		rs = append(rs, &survey.Response{UID: fmt.Sprintf("00000000-0000-4000-8000-%012d", p.seq), SurveyID: def.ID,
			SurveyVersion: def.Version, AgencyID: a.ID, CounterID: p.counter.ID, Channel: survey.ChannelKiosk, ReceivedAt: at,
			Month: survey.Month(at), Lang: "vi", Answers: survey.NewAnswers(answers), Comment: comment, ContentHash: h[:]})
	}
	if err := p.db.BulkInsert(context.Background(), p.cat, rs); err != nil {
		t.Fatal(err)
	}
}

func (p *place) service(t *testing.T, set Settings, opts ...func(*Deps)) *Service {
	t.Helper()
	d := Deps{DB: p.db, Reports: report.New(p.db, p.cat), Surveys: p.cat, I18n: p.bundle, Assets: assets.FS,
		Clock: p.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Settings: set}
	for _, o := range opts {
		o(&d)
	}
	s, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// received is one message as the SMTP server got it.
type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool // the session had switched to TLS (STARTTLS) before the data
}

// mailServer is a real SMTP server (github.com/emersion/go-smtp) on a
// loopback port, offering STARTTLS with httptest's certificate.
type mailServer struct {
	Addr   string
	Client *tls.Config // trusts the server's certificate
	mu     sync.Mutex
	got    []received
	fail   int // refuse this many messages with a 451 first
}

func newMailServer(t *testing.T) *mailServer {
	t.Helper()
	certs := httptest.NewUnstartedServer(http.NotFoundHandler())
	certs.StartTLS()
	t.Cleanup(certs.Close)
	m := &mailServer{Client: &tls.Config{RootCAs: certs.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs, ServerName: "127.0.0.1"}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &mailSession{m: m, c: c}, nil }))
	srv.Domain, srv.TLSConfig = "localhost", &tls.Config{Certificates: certs.TLS.Certificates}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.Addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return m
}

func (m *mailServer) messages() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.got...)
}

type mailSession struct {
	m   *mailServer
	c   *smtp.Conn
	cur received
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error { s.cur.From = from; return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if s.m.fail > 0 {
		s.m.fail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	}
	_, isTLS := s.c.TLSConnectionState()
	s.cur.Data, s.cur.TLS = b, isTLS
	s.m.got = append(s.m.got, s.cur)
	return nil
}
func (s *mailSession) Reset()        { s.cur = received{} }
func (s *mailSession) Logout() error { return nil }
