package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sipas-vn/sipas/server/survey"
)

// routes is the one route table: every URL the server answers, with the
// middleware and roles that guard it.
func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		Skipper: func(c echo.Context) bool { return c.Request().URL.Path == "/kiosk/" },
	}))
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: newRequestIDs().next}))
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

	// The phone form (form.go): /q/<counter> from a poster, /t/<code> from a
	// receipt, /t to type a code, /f/<draft>/<n> the pages of a form in
	// progress. QR codes carry the URL upper-cased, so /Q and /T route too.
	for _, p := range []string{"/q", "/Q"} {
		e.GET(p+"/:counter", s.formPoster)
		e.POST(p+"/:counter", s.formPoster)
	}
	for _, p := range []string{"/t", "/T"} {
		e.GET(p, s.formCodeEntry)
		e.GET(p+"/:code", s.formToken)
		e.POST(p+"/:code", s.formToken)
	}
	e.GET("/f/:draft/:step", s.formDraft)
	e.POST("/f/:draft/:step", s.formDraft)

	// QR images: a counter's poster link, a dossier's one-time code.
	for _, p := range []string{"/q", "/Q"} {
		e.GET(p+"/:counter/:format", s.counterQR)
	}
	for _, p := range []string{"/t", "/T"} {
		e.GET(p+"/:code/:format", s.tokenQR)
	}

	// Sign-in for the dashboard and administration.
	e.GET("/login", s.loginForm)
	e.POST("/login", s.login)
	e.POST("/logout", s.logout, s.requireUser())

	// The dashboard. Every page needs a signed-in user; the handlers check
	// the agency against the user's scope (canSee), so an export is guarded
	// exactly like its page.
	user := s.requireUser()
	e.GET("/dashboard", s.dashboardHome, user)
	e.GET("/dashboard/province", s.provincePage, s.requireUser(survey.RoleAdmin, survey.RoleProvince))
	e.GET("/dashboard/agency/:code", s.scorecardPage, user)
	e.GET("/dashboard/agency/:code/print", s.printPage, user)
	e.GET("/dashboard/agency/:code/comments", s.commentsPage, user)
	e.POST("/dashboard/agency/:code/comments/:id", s.markComment, s.requireUser(commentMarkers...))
	e.GET("/dashboard/agency/:code/export.csv", s.exportScoreCSV, user)
	e.GET("/dashboard/agency/:code/export.xlsx", s.exportScoreXLSX, user)
	e.GET("/dashboard/agency/:code/responses.csv", s.exportResponsesCSV, user)
	e.GET("/dashboard/agency/:code/responses.xlsx", s.exportResponsesXLSX, user)

	// The province's plan (issue 14): the year of an agency (guarded like
	// its scorecard) and of the province, and the table of targets. Targets
	// are set by admins and by the province, an exception to the province's
	// otherwise read-only role (docs/decisions/0016), so /admin/targets sits
	// outside the admin-only group below.
	province := s.requireUser(survey.RoleAdmin, survey.RoleProvince)
	e.GET("/dashboard/year", s.provinceYear, province)
	e.GET("/dashboard/agency/:code/year", s.yearPage, user)
	e.GET("/dashboard/agency/:code/year/print", s.yearPrintPage, user)
	e.GET("/dashboard/agency/:code/year.xlsx", s.yearXLSX, user)
	e.GET("/admin/targets", s.adminTargets, province)
	e.POST("/admin/targets", s.adminTargetsSave, province)

	// The invitation (public: the token is the credential) and the
	// administration of the Sở Nội vụ, for admins only.
	e.GET("/invite/:token", s.inviteForm)
	e.POST("/invite/:token", s.inviteAccept)

	g := e.Group("/admin", s.requireUser(survey.RoleAdmin), noCache)
	g.GET("", s.adminHome)

	g.GET("/agencies", s.adminAgencies)
	g.POST("/agencies", s.adminAgencyCreate)
	g.POST("/agencies/import", s.adminAgencyImport)
	g.GET("/agencies/export.csv", s.adminAgencyExport)
	g.GET("/agencies/:code", s.adminAgency)
	g.POST("/agencies/:code", s.adminAgencyUpdate)
	g.POST("/agencies/:code/move", s.adminAgencyMove)
	g.POST("/agencies/:code/close", s.adminAgencyClose)
	g.POST("/agencies/:code/merge", s.adminAgencyMerge)
	g.POST("/agencies/:code/survey", s.adminAgencySurvey)
	g.POST("/agencies/:code/counters", s.adminCounterCreate)
	g.POST("/agencies/:code/officers", s.adminOfficerCreate)

	g.GET("/counters/:id", s.adminCounter)
	g.POST("/counters/:id", s.adminCounterUpdate)
	g.POST("/counters/:id/pair", s.adminCounterPair)
	g.GET("/officers/:id", s.adminOfficer)
	g.POST("/officers/:id", s.adminOfficerUpdate)

	g.GET("/surveys", s.adminSurveys)
	g.GET("/devices", s.adminDevices)
	g.POST("/devices/:id/revoke", s.adminDeviceRevoke)

	g.GET("/users", s.adminUsers)
	g.POST("/users", s.adminUserInvite)
	g.GET("/users/:id", s.adminUser)
	g.POST("/users/:id/role", s.adminUserRole)
	g.POST("/users/:id/reset", s.adminUserReset)
	g.POST("/users/:id/disable", s.adminUserDisable)
	g.POST("/users/:id/enable", s.adminUserEnable)

	g.GET("/apikeys", s.adminKeys)
	g.POST("/apikeys", s.adminKeyCreate)
	g.POST("/apikeys/:id/revoke", s.adminKeyRevoke)

	g.GET("/flags", s.adminFlags)
	g.POST("/flags", s.adminFlagsDecide)
	g.GET("/flags/:id", s.adminFlag)
	g.POST("/flags/:id", s.adminFlagDecide)

	g.GET("/paper", s.adminPaper)
	g.POST("/paper", s.adminPaperSubmit)

	g.GET("/alerts", s.adminAlerts)
	g.POST("/alerts/test", s.adminAlertTest)
	g.GET("/alerts/subscriptions", s.adminSubscriptions)
	g.GET("/alerts/subscriptions/:id", s.adminSubscription)
	g.POST("/alerts/subscriptions/:id", s.adminSubscriptionSave)

	g.GET("/dossiers", s.adminDossiers)
	g.POST("/dossiers", s.adminDossiersSave)

	g.POST("/public", s.adminPublic)

	g.GET("/audit", s.adminAudit)
	g.GET("/audit.csv", s.adminAuditExport)

	// Public results, when the province turns them on (404 otherwise).
	e.GET("/ket-qua", s.publicResults)

	// Printable A4 posters.
	e.GET("/posters/counter/:code", s.counterPoster)
	e.GET("/posters/agency/:code", s.agencyPosters)

	api := e.Group("/api/v1")
	api.GET("/surveys", s.listSurveys)
	api.GET("/surveys/:id", s.getSurvey)
	api.POST("/responses", s.submitResponse)
	api.POST("/tokens", s.issueToken)
	api.POST("/dossier-counts", s.putDossierCount)
	api.POST("/kiosk/pair", s.kioskPair)
	api.GET("/kiosk/config", s.kioskConfig)
	api.POST("/kiosk/heartbeat", s.kioskHeartbeat)
	api.GET("/kiosk/messages", s.kioskMessages)
	api.GET("/scores", s.apiScores)
	api.GET("/rankings", s.apiRanking)
}

// noCache keeps administration pages, which show people's data and
// one-time secrets, out of shared and browser caches.
func noCache(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		noStore(c)
		return next(c)
	}
}
