package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/survey"
)

// surveySummary is one entry of GET /api/v1/surveys.
type surveySummary struct {
	ID      string        `json:"id"`
	Version string        `json:"version"`
	Title   survey.Text   `json:"title"`
	Method  survey.Method `json:"method"`
	Legacy  bool          `json:"legacy,omitempty"`
	Items   int           `json:"items"`
}

// listSurveys lists the active questionnaires.
func (s *Server) listSurveys(c echo.Context) error {
	out := []surveySummary{}
	for _, d := range s.Surveys.All() {
		out = append(out, surveySummary{ID: d.ID, Version: d.Version, Title: d.Title, Method: d.Method, Legacy: d.Legacy, Items: len(d.Items())})
	}
	return c.JSON(http.StatusOK, out)
}

// getSurvey returns the active definition of one questionnaire; the kiosk and
// the phone form render from it. Its ETag is the version, so tablets revalidate cheaply.
func (s *Server) getSurvey(c echo.Context) error {
	d, ok := s.Surveys.Get(c.Param("id"))
	if !ok {
		return survey.Errorf(survey.CodeNotFound, "error.survey.unknown", map[string]any{"ID": c.Param("id")})
	}
	etag := `"` + d.Version + `"`
	c.Response().Header().Set("ETag", etag)
	c.Response().Header().Set("Cache-Control", "no-cache")
	if c.Request().Header.Get("If-None-Match") == etag {
		return c.NoContent(http.StatusNotModified)
	}
	return c.JSON(http.StatusOK, d)
}
