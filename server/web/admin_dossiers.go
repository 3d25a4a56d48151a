package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/survey"
)

// dossierFields are the columns of the paper-entry grid, received first.
var dossierFields = []string{"received", "handled", "late", "complaints"}

// dossierDay is one row of the grid: a day and what is typed or stored.
type dossierDay struct {
	Date   string // YYYY-MM-DD, the controls' suffix
	Label  string // dd/mm/yyyy
	Values map[string]string
	Errors map[string]string // by field
}

// dossierCell is one input of the grid.
type dossierCell struct {
	ID, Value, Error string
}

// Cells lists the row's inputs in column order.
func (d dossierDay) Cells() []dossierCell {
	out := make([]dossierCell, len(dossierFields))
	for i, f := range dossierFields {
		out[i] = dossierCell{ID: f + "-" + d.Date, Value: d.Values[f], Error: d.Errors[f]}
	}
	return out
}

type adminDossiersPage struct {
	adminBase
	Counters []paperCounter
	Counter  *survey.Counter
	Months   []option
	Month    string
	Days     []dossierDay
	Fields   []string // the columns, for the inputs' labels
}

type option struct{ Value, Label string }

// dossiersPage builds the chooser and, once a counter is chosen, the grid
// of its month up to today, filled from what is stored.
func (s *Server) dossiersPage(c echo.Context, counterCode, month string) (*adminDossiersPage, error) {
	ctx := c.Request().Context()
	l := s.localizer(c)
	now := s.Clock.Now()
	p := &adminDossiersPage{adminBase: s.base(c, "counts.admin.title"), Fields: dossierFields}
	for _, m := range report.Months(survey.Month(now), 13) {
		p.Months = append([]option{{m, l.Month(m)}}, p.Months...)
	}
	p.Month = p.Months[0].Value
	for _, m := range p.Months {
		if m.Value == month {
			p.Month = month
		}
	}
	counters, err := s.DB.Counters(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, ct := range counters {
		p.Counters = append(p.Counters, paperCounter{Code: ct.Code, Label: ct.Code + " – " + ct.Name.In(p.Lang)})
		if strings.EqualFold(ct.Code, counterCode) {
			p.Counter = ct
		}
	}
	if p.Counter == nil {
		return p, nil
	}
	stored, err := s.DB.DossierCounts(ctx, p.Counter.ID, p.Month)
	if err != nil {
		return nil, err
	}
	first, _ := survey.ParseMonth(p.Month)
	today := survey.Day(now)
	for d := first; survey.Month(d) == p.Month && survey.Day(d) <= today; d = d.AddDate(0, 0, 1) {
		day := dossierDay{Date: survey.Day(d), Label: l.Date(d), Values: map[string]string{}, Errors: map[string]string{}}
		if got, ok := stored[day.Date]; ok {
			day.Values["received"] = strconv.Itoa(got.Received)
			for f, v := range map[string]*int{"handled": got.Handled, "late": got.Late, "complaints": got.Complaints} {
				if v != nil {
					day.Values[f] = strconv.Itoa(*v)
				}
			}
		}
		p.Days = append(p.Days, day)
	}
	return p, nil
}

// adminDossiers is GET /admin/dossiers[?counter=&month=]: a counter's
// month of dossier counts, typed from the paper register.
func (s *Server) adminDossiers(c echo.Context) error {
	p, err := s.dossiersPage(c, c.QueryParam("counter"), c.QueryParam("month"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_dossiers", p)
}

// adminDossiersSave is POST /admin/dossiers: every day with a figure typed
// is stored (replacing that day), all or none, with one audit entry a day.
// A day left blank is left as it was.
func (s *Server) adminDossiersSave(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	p, err := s.dossiersPage(c, form.Get("counter"), form.Get("month"))
	if err != nil {
		return err
	}
	if p.Counter == nil || p.Month != form.Get("month") {
		return survey.ErrNotFound
	}
	l := s.localizer(c)
	var counts []survey.DossierCount
	for i := range p.Days {
		day := &p.Days[i]
		blank := true
		for _, f := range dossierFields {
			day.Values[f] = strings.TrimSpace(form.Get(f + "-" + day.Date))
			blank = blank && day.Values[f] == ""
		}
		if blank {
			continue
		}
		d, err := typedCount(p.Counter.Code, day)
		var de *survey.Error
		if errors.As(err, &de) {
			day.Errors[de.Field] = l.T(de.Message, localizeData(l, de.Data))
			p.Errors = append(p.Errors, fieldError{ID: de.Field + "-" + day.Date, Message: day.Label + ": " + day.Errors[de.Field]})
			continue
		}
		counts = append(counts, d)
	}
	if len(p.Errors) == 0 && len(counts) == 0 {
		p.Errors = append(p.Errors, fieldError{ID: "received-" + p.Days[0].Date, Message: l.T("counts.admin.empty")})
	}
	if len(p.Errors) == 0 {
		err := s.DB.PutDossierCounts(c.Request().Context(), counts, s.actor(c), s.Clock.Now())
		if err != nil {
			return err
		}
		return s.done(c, "/admin/dossiers?counter="+url.QueryEscape(p.Counter.Code)+"&month="+p.Month, "admin.flash.dossiers_saved", p.Counter.Code)
	}
	return s.render(c, http.StatusUnprocessableEntity, "admin_dossiers", p)
}

// typedCount reads one row of the grid into a count and validates it.
func typedCount(counter string, day *dossierDay) (survey.DossierCount, error) {
	d := survey.DossierCount{Counter: counter, Date: day.Date}
	nums := map[string]*int{}
	for _, f := range dossierFields {
		v := day.Values[f]
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return d, survey.FieldError(f, "error.dossiers.count", map[string]any{"Max": survey.MaxDossiersADay})
		}
		nums[f] = &n
	}
	if nums["received"] == nil {
		return d, survey.FieldError("received", "error.dossiers.received", nil)
	}
	d.Received, d.Handled, d.Late, d.Complaints = *nums["received"], nums["handled"], nums["late"], nums["complaints"]
	return d, d.Validate()
}
