package web

import (
	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/survey"
)

// planRoutes are the province's plan: the year of an agency (guarded like
// its scorecard, canSee) and of the province, and the table of targets.
// Targets are set by admins and by the province (the Sở Nội vụ's
// followers-up), an exception to the province's otherwise read-only role
// (docs/decisions/0016); the route sits outside the admin-only /admin group.
func planRoutes(s *Server, e *echo.Echo) {
	user := s.requireUser()
	province := s.requireUser(survey.RoleAdmin, survey.RoleProvince)
	e.GET("/dashboard/year", s.provinceYear, province)
	e.GET("/dashboard/agency/:code/year", s.yearPage, user)
	e.GET("/dashboard/agency/:code/year/print", s.yearPrintPage, user)
	e.GET("/dashboard/agency/:code/year.xlsx", s.yearXLSX, user)
	e.GET("/admin/targets", s.adminTargets, province)
	e.POST("/admin/targets", s.adminTargetsSave, province)
}
