package web

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// kioskFile serves the tablet app under /kiosk/. Nothing is cached by the
// browser's HTTP cache: the service worker keeps the app offline and
// revalidates it by ETag, which is the hash of the whole app, so a new
// release reaches every tablet on its next contact.
func (s *Server) kioskFile(c echo.Context) error {
	name := strings.TrimPrefix(c.Param("*"), "/")
	if name == "" {
		name = "index.html"
	}
	if strings.Contains(name, "..") {
		return echo.ErrNotFound
	}
	if st, err := fs.Stat(s.kiosk.fsys, name); err != nil || st.IsDir() {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	etag := `"` + s.kiosk.hash + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	if name == "sw.js" {
		h.Set("Service-Worker-Allowed", "/kiosk/")
	}
	// The tablet runs full screen in lock-task mode; it may not be framed either.
	if c.Request().Header.Get("If-None-Match") == etag {
		return c.NoContent(http.StatusNotModified)
	}
	if b, ok := s.kiosk.filled[name]; ok {
		return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", b)
	}
	if name == "index.html" {
		// Served by content, not by http.ServeFileFS, which would redirect
		// /kiosk/index.html to /kiosk/.
		b, err := fs.ReadFile(s.kiosk.fsys, name)
		if err != nil {
			return err
		}
		return c.HTMLBlob(http.StatusOK, b)
	}
	http.ServeFileFS(c.Response(), c.Request(), s.kiosk.fsys, name)
	return nil
}
