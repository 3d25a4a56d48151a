package web

import (
	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/survey"
)

// adminRoutes are the administration pages of the Sở Nội vụ, for admins
// only, and the public page where an invited user sets a password.
func (s *Server) adminRoutes(e *echo.Echo) {
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

	g.GET("/audit", s.adminAudit)
	g.GET("/audit.csv", s.adminAuditExport)
}

// noCache keeps administration pages, which show people's data and
// one-time secrets, out of shared and browser caches.
func noCache(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		noStore(c)
		return next(c)
	}
}
