package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// staticFiles serves assets/static under a URL that carries a hash of the
// whole folder, so browsers may cache them forever and a new release
// still reaches every tablet and phone at once.
type staticFiles struct {
	fsys fs.FS
	hash string
}

func newStaticFiles(assets fs.FS, dir string) (*staticFiles, error) {
	sub, err := fs.Sub(assets, dir)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &staticFiles{fsys: sub, hash: hex.EncodeToString(h.Sum(nil))[:12]}, nil
}

// url returns the cache-forever URL of a static file such as "css/site.css".
func (st *staticFiles) url(name string) string { return "/static/" + st.hash + "/" + name }

// favicon answers browsers' fixed /favicon.ico request with the embedded
// icon (static/favicon.ico), cached for a day since its URL has no hash.
func (s *Server) favicon(c echo.Context) error {
	b, err := fs.ReadFile(s.static.fsys, "favicon.ico")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/x-icon", b)
}

func (s *Server) serveStatic(c echo.Context) error {
	name := c.Param("*")
	if c.Param("hash") == s.static.hash {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// An old page asking for an old hash still gets the current file, just not cached forever.
		c.Response().Header().Set("Cache-Control", "no-cache")
	}
	if name == "" || strings.Contains(name, "..") {
		return echo.ErrNotFound
	}
	if _, err := fs.Stat(s.static.fsys, name); err != nil {
		return echo.ErrNotFound
	}
	http.ServeFileFS(c.Response(), c.Request(), s.static.fsys, name)
	return nil
}
