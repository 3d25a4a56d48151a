package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes is the one route table.
func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		Skipper: func(c echo.Context) bool { return c.Request().URL.Path == "/kiosk/" },
	}))
	e.Use(middleware.RequestID())
	e.Use(s.recoverPanics)
	e.Use(s.logRequests)
	e.Use(s.secureHeaders)
	e.Use(s.limitBodies)
	// Phones on weak networks: compress pages. Not the API: its answers are
	// tiny, and a compressor per request was the submission path's top cost.
	// Not /metrics either: promhttp compresses by itself, and twice is garbage.
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasPrefix(p, "/api/") || p == "/metrics"
		}}))

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsFor(promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{})))
	e.GET("/static/:hash/*", s.serveStatic)
	e.GET("/favicon.ico", s.favicon)

	e.GET("/", s.home)

	// The internal CA for tablets (SIPAS_TLS=internal).
	e.GET("/ca", s.caOnboarding)
	e.GET("/ca.crt", s.caCert)
	e.GET("/ca.pem", s.caCert)
	e.GET("/ca/:format", s.caQR)

	// The counter tablet.
	e.GET("/kiosk", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/kiosk/") })
	e.GET("/kiosk/*", s.kioskFile)

	// QR images: a counter's poster link, a dossier's one-time code. QR codes
	// carry the URL upper-cased (smaller code), so both cases route here.
	for _, p := range []string{"/q", "/Q"} {
		e.GET(p+"/:counter/:format", s.counterQR)
	}
	for _, p := range []string{"/t", "/T"} {
		e.GET(p+"/:code/:format", s.tokenQR)
	}
	s.formRoutes(e)

	// Sign-in for the dashboard and administration.
	e.GET("/login", s.loginForm)
	e.POST("/login", s.login)
	e.POST("/logout", s.logout, s.requireUser())
	s.adminRoutes(e)
	s.dashboardRoutes(e)

	// Printable A4 posters.
	e.GET("/posters/counter/:code", s.counterPoster)
	e.GET("/posters/agency/:code", s.agencyPosters)

	api := e.Group("/api/v1")
	api.GET("/surveys", s.listSurveys)
	api.GET("/surveys/:id", s.getSurvey)
	api.POST("/responses", s.submitResponse)
	api.POST("/tokens", s.issueToken)
	api.POST("/kiosk/pair", s.kioskPair)
	api.GET("/kiosk/config", s.kioskConfig)
	api.POST("/kiosk/heartbeat", s.kioskHeartbeat)
	api.GET("/kiosk/messages", s.kioskMessages)
	api.GET("/scores", s.apiScores)
	api.GET("/rankings", s.apiRanking)
}
