package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/safecsv"
	"github.com/sipas-vn/sipas/server/sqlite"
)

// auditPageLimit bounds the page; the CSV export has everything that matches.
const auditPageLimit = 500

type adminAuditPage struct {
	adminBase
	Entries []sqlite.AuditEntry
	Filter  sqlite.AuditFilter
	Actions []string
	CSV     template.URL // the export link with the same filter
}

func auditFilter(c echo.Context) sqlite.AuditFilter {
	return sqlite.AuditFilter{Actor: c.QueryParam("actor"), Action: c.QueryParam("action"), From: c.QueryParam("from"), To: c.QueryParam("to")}
}

// adminAudit is GET /admin/audit: the log, filtered by user, action and days.
func (s *Server) adminAudit(c echo.Context) error {
	f := auditFilter(c)
	f.Limit = auditPageLimit
	entries, err := s.DB.AuditLog(c.Request().Context(), f)
	if err != nil {
		return err
	}
	actions, err := s.DB.AuditActions(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_audit", adminAuditPage{adminBase: s.base(c, "admin.audit.title"),
		Entries: entries, Filter: f, Actions: actions, CSV: auditCSVLink(f)})
}

// auditCSVLink is the export URL for a filter; built here from the parsed
// filter, never from the raw query, so it is always a same-site path.
func auditCSVLink(f sqlite.AuditFilter) template.URL {
	q := url.Values{}
	for k, v := range map[string]string{"actor": f.Actor, "action": f.Action, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return "/admin/audit.csv"
	}
	return template.URL("/admin/audit.csv?" + q.Encode())
}

// adminAuditExport is GET /admin/audit.csv with the same filter.
func (s *Server) adminAuditExport(c echo.Context) error {
	entries, err := s.DB.AuditLog(c.Request().Context(), auditFilter(c))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := safecsv.NewWriter(&buf) // targets and states hold names anyone with an account typed
	w.Write([]string{"id", "at", "actor", "action", "target", "before", "after"})
	for _, e := range entries {
		w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format("2006-01-02T15:04:05Z"), e.Actor, e.Action, e.Target, e.Before, e.After})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
