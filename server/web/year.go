package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// yearView is an agency's year (issue 14, part 5): its months, the year so
// far pooled over respondents with the change from the year before, the
// target, its rank among its siblings, and the same for each of its
// children. The province's year is the year of its root agency. The print
// is the same model laid out for A4, to attach to a PAR INDEX
// self-assessment.
type yearView struct {
	Nav         dashNav
	Agency      string
	AgencyCode  string
	Year        int
	Month       string
	Partial     string // the year is not over: up to which month the figures run
	SurveyTitle string
	IndexLabel  string
	MethodNote  string
	Interval    string
	Updated     string
	Progress    progressView
	Rank        string
	Trend       template.HTML
	Months      []trendRow
	Children    []yearRow
	BelowCount  string
	Years       []pickItem
	Links       yearLinks
}

// yearRow is one child agency's year in the table.
type yearRow struct {
	Name, Code, Link string
	Index, CI, N     string
	Reliable         bool
	Target, Source   string
	Verdict, Class   string
	Change           string
	Gap              string
	Position         string
}

type yearLinks struct {
	Scorecard, Print, XLSX string
}

// PageTitle names the agency and the year.
func (v yearView) PageTitle(l *i18n.Localizer) string {
	return l.T("plan.year.title", map[string]any{"Agency": v.Agency, "Year": v.Year})
}

// yearPrint is the year laid out for A4.
type yearPrint struct{ yearView }

// PageTitle says it is the printable report.
func (v yearPrint) PageTitle(l *i18n.Localizer) string {
	return l.T("plan.year.print_title", map[string]any{"Agency": v.Agency, "Year": v.Year})
}

// yearScope resolves the agency like every dashboard page; ?year= picks the
// year, whose figures run to December or, for this year, to the last
// complete month (?month= works too and names that last month).
func (s *Server) yearScope(c echo.Context) (*dashScope, error) {
	if y := c.QueryParam("year"); y != "" {
		year, err := strconv.Atoi(y)
		closed := closedMonth(s.Clock.Now())
		last, _, _ := report.YearOf(closed)
		if err != nil || year < survey.FirstTargetYear || year > last {
			return nil, survey.FieldError("year", "error.target.year", map[string]any{"Year": y, "First": survey.FirstTargetYear, "Last": last})
		}
		m := strconv.Itoa(year) + "-12"
		c.QueryParams().Set("month", min(m, closed))
	}
	return s.dashTarget(c)
}

// yearPage is GET /dashboard/agency/:code/year.
func (s *Server) yearPage(c echo.Context) error {
	return s.renderYear(c, "year", func(v yearView) any { return v })
}

// yearPrintPage is the year as an A4 report.
func (s *Server) yearPrintPage(c echo.Context) error {
	return s.renderYear(c, "year_print", func(v yearView) any { return yearPrint{v} })
}

// renderYear builds the year of the requested agency and renders it with
// page, the model wrapped by as.
func (s *Server) renderYear(c echo.Context, page string, as func(yearView) any) error {
	t, err := s.yearScope(c)
	if err != nil {
		return err
	}
	v, err := s.buildYear(c, t)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, page, as(v))
}

// provinceYear is GET /dashboard/year: the year of the province, that is of
// its single root agency (the UBND tỉnh), whose children are what the
// province compares.
func (s *Server) provinceYear(c echo.Context) error {
	roots, err := s.Reports.Children(c.Request().Context(), nil)
	if err != nil {
		return err
	}
	if len(roots) == 0 {
		return survey.Errorf(survey.CodeNotFound, "error.year.no_agencies", nil)
	}
	to := "/dashboard/agency/" + url.PathEscape(roots[0].Code) + "/year"
	if q := c.QueryString(); q != "" {
		to += "?" + q
	}
	return c.Redirect(http.StatusSeeOther, to)
}

func (s *Server) buildYear(c echo.Context, t *dashScope) (yearView, error) {
	ctx := c.Request().Context()
	l := t.L
	f := fmtr{l}
	year, n, err := report.YearOf(t.Month)
	if err != nil {
		return yearView{}, err
	}
	st, err := s.Reports.Standing(ctx, t.Agency, t.Def, t.Month)
	if err != nil {
		return yearView{}, err
	}
	base := "/dashboard/agency/" + url.PathEscape(t.Agency.Code)
	q := t.query()
	v := yearView{Nav: navFor(t, "year"), Agency: t.Agency.Name.In(l.Lang()), AgencyCode: t.Agency.Code, Year: year, Month: t.Month,
		SurveyTitle: t.Def.Title.In(l.Lang()), IndexLabel: indexLabel(l, t.Def.Method), MethodNote: methodNote(l, t.Def.Method),
		Interval: l.T("dash.print.interval", map[string]any{"Version": score.MethodVersion}), Updated: l.DateTime(s.Clock.Now()),
		Progress: buildProgress(f, st),
		Links:    yearLinks{Scorecard: base + q, Print: base + "/year/print" + q, XLSX: base + "/year.xlsx" + q}}
	if n < 12 {
		v.Partial = l.T("plan.year.partial", map[string]any{"Month": monthInSentence(l, t.Month)})
	}
	series, err := s.Reports.Series(ctx, t.Agency, t.Def, t.Month, n)
	if err != nil {
		return v, err
	}
	chart, _, rows := buildTrend(f, series)
	v.Months = rows
	if len(series) > 1 {
		v.Trend = chart
	}
	if v.Rank, err = s.yearRank(c, t); err != nil {
		return v, err
	}
	table, err := s.Reports.Year(ctx, t.Agency, t.Def, t.Month)
	if err != nil {
		return v, err
	}
	v.Children = yearRows(f, table, q)
	if below := len(table.Below()); len(table.Rows) > 0 {
		v.BelowCount = l.T("plan.below.count", map[string]any{"Count": l.Int(below), "Total": l.Int(len(table.Rows))})
	}
	last, _, _ := report.YearOf(closedMonth(s.Clock.Now()))
	for y := last; y >= survey.FirstTargetYear && len(v.Years) < 6; y-- {
		v.Years = append(v.Years, pickItem{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == year})
	}
	return v, nil
}

// yearRank places the agency among its siblings' years; nothing for a root.
func (s *Server) yearRank(c echo.Context, t *dashScope) (string, error) {
	if t.Agency.ParentID == 0 {
		return "", nil
	}
	ctx := c.Request().Context()
	parent, err := s.DB.Agency(ctx, t.Agency.ParentID)
	if err != nil {
		return "", err
	}
	table, err := s.Reports.Year(ctx, parent, t.Def, t.Month)
	if err != nil {
		return "", err
	}
	pos, of := table.Position(t.Agency.Code)
	if of < 2 {
		return "", nil
	}
	if pos == 0 {
		return t.L.T("dash.rank.unranked"), nil
	}
	for _, e := range table.Rank.Ranked {
		if e.Code == t.Agency.Code {
			return t.L.T("plan.rank", map[string]any{"Position": t.L.Int(pos), "Total": t.L.Int(of),
				"Parent": parent.Name.In(t.L.Lang()), "Tier": tierText(t.L, e.Tier)}), nil
		}
	}
	return "", nil
}

// yearRows lists the children in the ranking's order, the unranked after.
func yearRows(f fmtr, table *report.YearTable, q string) []yearRow {
	byCode := map[string]*report.Standing{}
	for _, st := range table.Rows {
		byCode[st.Agency.Code] = st
	}
	var order []string
	pos := map[string]int{}
	for _, e := range table.Rank.Ranked {
		order = append(order, e.Code)
		pos[e.Code] = e.Position
	}
	for _, e := range table.Rank.NotRanked {
		order = append(order, e.Code)
	}
	out := make([]yearRow, 0, len(order))
	for _, code := range order {
		st := byCode[code]
		p := buildProgress(f, st)
		r := yearRow{Name: st.Agency.Name.In(f.l.Lang()), Code: code, Link: "/dashboard/agency/" + url.PathEscape(code) + "/year" + q,
			Index: p.Index, CI: p.CI, N: f.l.Int(st.Period.Result.Responses), Reliable: p.Reliable, Target: p.Target, Source: p.Source,
			Verdict: p.Verdict, Class: p.Class, Change: p.Change.Short, Position: noFigure}
		if r.Target == "" {
			r.Target = noFigure
		}
		if n := pos[code]; n > 0 {
			r.Position = f.l.Int(n)
		}
		out = append(out, r)
	}
	return out
}
