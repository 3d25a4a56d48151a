package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/survey"
)

type homePage struct {
	Surveys   []*survey.Definition
	Agencies  int
	Responses int
	Counter   *survey.Counter // one counter to try the phone form with, if any
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
	p := homePage{Surveys: s.Surveys.All(), Agencies: n, Responses: int(r)}
	if counters, err := s.DB.Counters(ctx, 0); err == nil {
		for _, ct := range counters {
			if ct.Active {
				p.Counter = ct
				break
			}
		}
	}
	return s.render(c, http.StatusOK, "home", p)
}
