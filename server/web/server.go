// Package web is the HTTP layer: Echo, one route table, one handler shape,
// one error handler, server-rendered views.
package web

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/alert"
	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/metrics"
	"github.com/sipas-vn/sipas/server/replica"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// Deps are what the web layer needs; cmd/sipas builds them.
type Deps struct {
	DB          *sqlite.DB
	Surveys     *survey.Catalog
	I18n        *i18n.Bundle
	Metrics     *metrics.Metrics
	Logger      *slog.Logger
	Clock       survey.Clock
	Assets      fs.FS            // assets.FS: templates/ and static/
	Kiosk       fs.FS            // kiosk.FS: app/
	Collect     *collect.Service // the submission path
	Reports     *report.Reports  // scores, trends, rankings
	Alerts      *alert.Service   // the alert log and subscriptions; nil = those pages are 404
	Codes       *auth.Codes      // one-time dossier codes
	AuthLimits  *collect.Limiter // failed device authentication, by client address
	LoginLimits *auth.SignIns    // failed sign-ins, by username and address and by address; nil means auth.NewSignIns()
	Passwords   *auth.Passwords  // bcrypt at one cost; nil means auth.DefaultCost
	BaseURL     string
	Version     string
	// HTTPS (SIPAS_TLS). TLS says this server terminates TLS itself; CA
	// is the internal CA's certificate (DER) that tablets install, nil
	// unless SIPAS_TLS=internal; PlainURL the plain-HTTP address that
	// serves it, "" when none; HSTS says whether its HTTPS answers carry
	// Strict-Transport-Security (behind a TLS proxy an https base URL decides).
	TLS      bool
	CA       []byte
	PlainURL string
	HSTS     bool
	// ProvinceOfficers: province viewers see per-officer figures too; by
	// default only the agency's head does (SIPAS_PROVINCE_OFFICERS).
	ProvinceOfficers bool
	// Replica reads the replica's state for /readyz and the admin home
	// page; nil when no replica is configured (SIPAS_REPLICA).
	Replica func() replica.Status
	// LowResponseRate is the response rate (a fraction) under which a
	// score carries a warning about how far it can be trusted
	// (SIPAS_LOW_RESPONSE_RATE); 0 means the default, 0.1.
	LowResponseRate float64
}

// DefaultLowResponseRate is the response rate under which a score is
// flagged when no setting says otherwise: one citizen in ten.
const DefaultLowResponseRate = 0.1

// Server is the HTTP application.
type Server struct {
	Deps
	echo    *echo.Echo
	views   *views
	static  *staticFiles
	kiosk   *kioskApp // the tablet app; its hash is the app's version
	devices deviceCache
}

// missing names the dependencies New cannot do without that d lacks.
func (d Deps) missing() []string {
	var out []string
	for name, nilness := range map[string]bool{
		"DB": d.DB == nil, "Surveys": d.Surveys == nil, "I18n": d.I18n == nil, "Metrics": d.Metrics == nil,
		"Logger": d.Logger == nil, "Assets": d.Assets == nil, "Kiosk": d.Kiosk == nil, "Collect": d.Collect == nil,
		"Reports": d.Reports == nil, "Codes": d.Codes == nil, "AuthLimits": d.AuthLimits == nil, "LoginLimits": d.LoginLimits == nil,
	} {
		if nilness {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// New builds the server; it fails when a dependency is missing (a nil one
// would fail later, on the first request that needs it) or when a template
// or static file is missing or broken.
func New(d Deps) (*Server, error) {
	if m := d.missing(); len(m) > 0 {
		return nil, fmt.Errorf("web: missing dependencies: %s", strings.Join(m, ", "))
	}
	if d.Clock == nil {
		d.Clock = survey.SystemClock{}
	}
	if d.LoginLimits == nil {
		d.LoginLimits = auth.NewSignIns()
	}
	if d.Passwords == nil {
		d.Passwords = auth.NewPasswords(auth.DefaultCost)
	}
	st, err := newStaticFiles(d.Assets, "static")
	if err != nil {
		return nil, err
	}
	kiosk, err := newKioskApp(d.Kiosk)
	if err != nil {
		return nil, err
	}
	v, err := newViews(d.Assets, st)
	if err != nil {
		return nil, err
	}
	if d.LowResponseRate == 0 {
		d.LowResponseRate = DefaultLowResponseRate
	}
	s := &Server{Deps: d, views: v, static: st, kiosk: kiosk}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	// Client addresses key the rate limits. X-Forwarded-For is believed only
	// from a proxy on this host, so a client cannot choose its own address.
	e.IPExtractor = echo.ExtractIPFromXFFHeader(echo.TrustLoopback(true), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))
	s.echo = e
	s.routes()
	return s, nil
}

// Handler returns the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.echo }
