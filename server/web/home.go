package web

import (
	"github.com/labstack/echo/v4"
	"net/http"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/survey"
)

type homePage struct {
	Surveys   []*survey.Definition
	Agencies  int
	Responses int
}

// PageTitle titles the home page.
func (homePage) PageTitle(l *i18n.Localizer) string { return l.T("app.name") }

// home introduces the system and links to each part of it.
func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	n, err := s.DB.CountAgencies(ctx)
	if err != nil {
		return err
	}
	r, err := s.DB.CountResponses(ctx)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "home", homePage{Surveys: s.Surveys.All(), Agencies: n, Responses: int(r)})
}
