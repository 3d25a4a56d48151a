package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
)

// views holds every page template, parsed once at start. Each page is the
// layout plus the page's own file, cloned so pages cannot clash on block names.
type views struct {
	pages map[string]*template.Template

	mu   sync.Mutex
	used map[string]int // renders per page; a test proves every template is exercised
}

// Page is the base view model every page gets.
type Page struct {
	L       *i18n.Localizer
	Lang    string
	Title   string // already translated
	Path    string // request path, for the language switch
	Version string
	Admin   *adminChrome // the administration menu; nil outside it
	Staff   bool         // signed in: the version and the method note are for staff, not citizens
	Data    any
}

func templateFuncs(st *staticFiles) template.FuncMap {
	return template.FuncMap{
		// t translates a message ID; extra arguments are key/value pairs for the template data.
		"t": func(l *i18n.Localizer, id string, kv ...any) string {
			if len(kv) == 0 {
				return l.T(id)
			}
			data := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				data[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return l.T(id, data)
		},
		"static": st.url,
		"langs":  func() []string { return i18n.Supported },
	}
}

// newViews parses every page with the layout and the partials
// (templates/partials: blocks that several pages share).
func newViews(assets fs.FS, st *staticFiles) (*views, error) {
	layout, err := template.New("layout.html").Funcs(templateFuncs(st)).ParseFS(assets, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}, used: map[string]int{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(assets, f)
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		v.pages[name] = t
	}
	for _, required := range []string{"error", "home"} {
		if v.pages[required] == nil {
			return nil, fmt.Errorf("templates: templates/%s.html is missing", required)
		}
	}
	return v, nil
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	b, err := s.renderPage(c, name, data)
	if err != nil {
		return err
	}
	return c.HTMLBlob(status, b)
}

// renderPage executes a page in the request's language and sets its
// Content-Language; render sends it, a cacheable page hashes it first.
func (s *Server) renderPage(c echo.Context, name string, data any) ([]byte, error) {
	t := s.views.pages[name]
	if t == nil {
		return nil, fmt.Errorf("no template %q", name)
	}
	lang := s.I18n.Negotiate(c.Request())
	l := s.I18n.Localizer(lang)
	p := Page{L: l, Lang: l.Lang(), Path: c.Request().URL.Path, Version: s.Version, Data: data}
	if titled, ok := data.(interface{ PageTitle(*i18n.Localizer) string }); ok {
		p.Title = titled.PageTitle(l)
	}
	p.Staff = s.session(c) != nil
	if a, ok := data.(interface{ chrome() *adminChrome }); ok {
		p.Admin = a.chrome()
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return nil, err
	}
	s.views.mu.Lock()
	s.views.used[name]++
	s.views.mu.Unlock()
	c.Response().Header().Set("Content-Language", p.Lang)
	return buf.Bytes(), nil
}

// PageTitle titles the error page with its status text.
func (e errorPage) PageTitle(l *i18n.Localizer) string { return l.T("error.title") }
