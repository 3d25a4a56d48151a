package web

import (
	"maps"
	"slices"

	"github.com/labstack/echo/v4"
)

// What the external tests (package web_test) read of the package's
// internals: the names of its cookies and JSON shapes, and what a test
// must see of a built server but no client can (its route table, which
// templates it rendered). The server itself they build through app.New.

const (
	SessionCookie   = sessionCookie
	LoginCSRF       = loginCSRF
	DashFlashCookie = dashFlashCookie
	UTF8BOM         = utf8BOM
	MimeXLSX        = mimeXLSX
	NoFigure        = noFigure
	MaxOpenDrafts   = maxOpenDrafts
)

type (
	APIError      = apiError
	APIErrorBody  = apiErrorBody
	TokenResponse = tokenResponse
	ScoreJSON     = scoreJSON
)

// AdminSections is the administration menu.
var AdminSections = adminSections

// Echo is the server's router, to list its routes or add one that fails.
func Echo(s *Server) *echo.Echo { return s.echo }

// StaticURL is the content-hashed address of a static file.
func StaticURL(s *Server, name string) string { return s.static.url(name) }

// StaticHash is the hash in the static files' addresses.
func StaticHash(s *Server) string { return s.static.hash }

// KioskVersion is the tablet app's version.
func KioskVersion(s *Server) string { return s.kiosk.version() }

// Templates are the page templates' names.
func Templates(s *Server) []string { return slices.Sorted(maps.Keys(s.views.pages)) }

// Rendered is how many times a page template has been rendered.
func Rendered(s *Server, name string) int {
	s.views.mu.Lock()
	defer s.views.mu.Unlock()
	return s.views.used[name]
}
