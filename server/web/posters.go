package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/survey"
)

type poster struct {
	Agency  *survey.Agency
	Counter *survey.Counter
	URL     string // printed under the QR, for people whose camera fails
	QR      string // image URL
}

type postersPage struct {
	Agency  *survey.Agency
	Posters []poster
}

// PageTitle titles the poster page.
func (p postersPage) PageTitle(l *i18n.Localizer) string {
	return l.T("poster.title") + " – " + p.Agency.Name.In(l.Lang())
}

// counterPoster is a printable A4 poster for one counter.
func (s *Server) counterPoster(c echo.Context) error {
	ctx := c.Request().Context()
	counter, err := s.DB.CounterByCode(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	a, err := s.DB.Agency(ctx, counter.AgencyID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "posters", postersPage{Agency: a, Posters: []poster{s.posterFor(a, counter)}})
}

// agencyPosters prints one poster per active counter of an agency, one per page.
func (s *Server) agencyPosters(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.DB.AgencyByCode(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	counters, err := s.DB.Counters(ctx, a.ID)
	if err != nil {
		return err
	}
	p := postersPage{Agency: a}
	for _, counter := range counters {
		if counter.Active {
			p.Posters = append(p.Posters, s.posterFor(a, counter))
		}
	}
	return s.render(c, http.StatusOK, "posters", p)
}

func (s *Server) posterFor(a *survey.Agency, counter *survey.Counter) poster {
	return poster{Agency: a, Counter: counter, URL: s.BaseURL + "/q/" + counter.Code, QR: "/q/" + counter.Code + "/qr.svg"}
}
