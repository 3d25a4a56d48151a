package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/survey"
)

// bodyLimit is the largest body a route takes: the CSV import its file, the
// API a full questionnaire (handlers of small requests set a lower limit of
// their own), every other route a form page.
func bodyLimit(route string) int64 {
	switch {
	case route == "/admin/agencies/import":
		return maxImport
	case route == "/admin/targets":
		return targetsMaxBody
	case strings.HasPrefix(route, "/api/"):
		return collect.MaxBody
	}
	return formMaxBody
}

// limitBodies holds every request to its route's body limit before anything
// reads the body: a declared length over the limit is a 413 at once, and a
// form, which Echo would otherwise parse with a 32 MB memory allowance on
// the first FormValue (the sign-in form included, before any session), is
// parsed here under the limit, so a larger one is a 413 too.
func (s *Server) limitBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := bodyLimit(c.Path())
		if r.ContentLength > limit {
			return survey.Errorf(survey.CodeTooLarge, "error.too_large", nil)
		}
		if r.Body == nil || r.Body == http.NoBody {
			return next(c)
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		var err error
		switch ct := r.Header.Get(echo.HeaderContentType); {
		case strings.HasPrefix(c.Path(), "/api/"):
			// JSON only, read by the handler under the same limit (a form is a 415 there).
		case strings.HasPrefix(ct, echo.MIMEMultipartForm):
			err = r.ParseMultipartForm(limit) // in memory: the limit is small enough
		case strings.HasPrefix(ct, echo.MIMEApplicationForm):
			err = r.ParseForm()
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return survey.Errorf(survey.CodeTooLarge, "error.too_large", nil)
		}
		if err != nil {
			return &survey.Error{Code: survey.CodeMalformed, Message: "error.malformed", Err: err}
		}
		return next(c)
	}
}
