package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/survey"
)

var statusOf = map[survey.Code]int{
	survey.CodeInvalid:         http.StatusUnprocessableEntity,
	survey.CodeMalformed:       http.StatusBadRequest,
	survey.CodeNotFound:        http.StatusNotFound,
	survey.CodeConflict:        http.StatusConflict,
	survey.CodeUnauthorized:    http.StatusUnauthorized,
	survey.CodeForbidden:       http.StatusForbidden,
	survey.CodeTooLarge:        http.StatusRequestEntityTooLarge,
	survey.CodeUnsupportedType: http.StatusUnsupportedMediaType,
	survey.CodeRateLimited:     http.StatusTooManyRequests,
	survey.CodeUnavailable:     http.StatusServiceUnavailable,
	survey.CodeInternal:        http.StatusInternalServerError,
}

var codeOfStatus = map[int]survey.Code{}

func init() {
	for c, st := range statusOf {
		codeOfStatus[st] = c
	}
	codeOfStatus[http.StatusMethodNotAllowed] = survey.CodeNotFound
}

// apiError is the JSON error body of every /api route.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// handleError is the single place errors become responses: domain errors map
// to their status, Echo's own errors keep theirs, anything else is a 500.
// Only 5xx are logged, and internal text is never shown.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		// The client went away (a tablet lost its network mid-request). It
		// will retry with the same id; nothing to log, nobody to answer.
		c.Response().WriteHeader(499)
		return
	}
	de := toDomainError(err)
	status := statusOf[de.Code]
	if status >= 500 {
		s.Logger.Error("server error", "id", c.Response().Header().Get(echo.HeaderXRequestID),
			"path", logPath(c.Request().URL), "err", err)
	}
	l := s.I18n.Localizer(s.I18n.Negotiate(c.Request()))
	msg := l.T(de.Message, localizeData(l, de.Data))
	if wantsJSON(c) {
		if de.Code == survey.CodeRateLimited {
			if sec, ok := de.Data["Seconds"]; ok {
				c.Response().Header().Set("Retry-After", fmt.Sprint(sec))
			}
		}
		if c.Request().Method == http.MethodHead {
			c.NoContent(status)
			return
		}
		c.JSON(status, apiError{apiErrorBody{Code: string(de.Code), Message: msg, Field: de.Field}})
		return
	}
	s.render(c, status, "error", errorPage{Status: status, Message: msg})
}

// toDomainError maps any error to a domain error.
func toDomainError(err error) *survey.Error {
	var de *survey.Error
	if errors.As(err, &de) {
		return de
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code, ok := codeOfStatus[he.Code]
		if !ok {
			code = survey.CodeInternal
		}
		return &survey.Error{Code: code, Message: "error." + string(code), Err: err}
	}
	return &survey.Error{Code: survey.CodeInternal, Message: "error.internal", Err: err}
}

func wantsJSON(c echo.Context) bool {
	r := c.Request()
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json") &&
		!strings.Contains(r.Header.Get("Accept"), "text/html")
}

type errorPage struct {
	Status  int
	Message string
}

// localizeData formats numbers in message data the reader's way ("1.000" in Vietnamese).
func localizeData(l *i18n.Localizer, data map[string]any) map[string]any {
	if len(data) == 0 {
		return data
	}
	out := make(map[string]any, len(data))
	for k, v := range data {
		if n, ok := v.(int); ok && k != "Seconds" {
			v = l.Int(n)
		}
		out[k] = v
	}
	return out
}
