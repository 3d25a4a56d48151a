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
	"github.com/sipas-vn/sipas/server/survey"
)

// auditPageLimit bounds the page; the CSV export has everything that matches.
const auditPageLimit = 500

type adminAuditPage struct {
	adminBase
	Entries  []auditRow
	Filter   sqlite.AuditFilter
	From, To string // the day filters as typed back to the reader (dd/mm/yyyy)
	Actions  []auditOption
	CSV      template.URL // the export link with the same filter
}

// auditOption is one action of the filter's list, in words.
type auditOption struct {
	Code  string
	Label string
}

// auditFilter reads the filter; days come as dd/mm/yyyy. A day that is not
// one is reported on its field (the filter then ignores it).
func auditFilter(c echo.Context) (sqlite.AuditFilter, []fieldError) {
	f := sqlite.AuditFilter{Actor: c.QueryParam("actor"), Action: c.QueryParam("action")}
	var errs []fieldError
	for _, d := range []struct {
		field string
		to    *string
	}{{"from", &f.From}, {"to", &f.To}} {
		day, ok := auditDay(c.QueryParam(d.field))
		if !ok {
			errs = append(errs, fieldError{ID: d.field, Message: ""})
			continue
		}
		*d.to = day
	}
	return f, errs
}

// adminAudit is GET /admin/audit: the log, filtered by user, action and days.
func (s *Server) adminAudit(c echo.Context) error {
	f, errs := auditFilter(c)
	f.Limit = auditPageLimit
	l := s.localizer(c)
	for i := range errs {
		errs[i].Message = l.T("admin.audit.bad_day", map[string]any{"Value": c.QueryParam(errs[i].ID)})
	}
	entries, err := s.DB.AuditLog(c.Request().Context(), f)
	if err != nil {
		return err
	}
	codes, err := s.DB.AuditActions(c.Request().Context())
	if err != nil {
		return err
	}
	p := adminAuditPage{adminBase: s.base(c, "admin.audit.title"), Entries: auditRows(l, entries), Filter: f,
		From: shownDay(f.From), To: shownDay(f.To), CSV: auditCSVLink(f)}
	for _, e := range errs {
		// Keep what was typed in the box, beside its message.
		if e.ID == "from" {
			p.From = c.QueryParam("from")
		} else {
			p.To = c.QueryParam("to")
		}
	}
	p.Errors = errs
	for _, code := range codes {
		p.Actions = append(p.Actions, auditOption{Code: code, Label: auditAction(l, code)})
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, "admin_audit", p)
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
	f, errs := auditFilter(c)
	if len(errs) > 0 {
		return survey.FieldError(errs[0].ID, "admin.audit.bad_day", map[string]any{"Value": c.QueryParam(errs[0].ID)})
	}
	entries, err := s.DB.AuditLog(c.Request().Context(), f)
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
