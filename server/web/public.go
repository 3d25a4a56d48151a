package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// publicTrendMonths is how far back the public trend reaches.
const publicTrendMonths = 13

// publicRow is one agency on the public page: its index with interval and
// n, its group against the province, and its trend (reliable months only).
type publicRow struct {
	Name, Index, CI, N, Group string
	Trend                     []string // oldest first; "—" for a month under 30 respondents
}

// publicPage is /ket-qua: figures only, no officers, no comments, nothing
// under 30 respondents.
type publicPage struct {
	Province    string
	Month       string
	MonthLabel  string
	IndexLabel  string
	Overall     *publicRow // nil when the province has under 30 respondents
	OverallN    string
	Rows        []publicRow
	Few         []string // agencies under 30 respondents: named, no figure
	TrendMonths []string // "11/2025" … column heads
	Method      string
	Survey      string
	SIPAS       bool // the SIPAS-style index, whose method the page explains
}

// PageTitle titles the page with the province and month.
func (p publicPage) PageTitle(l *i18n.Localizer) string {
	return l.T("public.title", map[string]any{"Province": p.Province, "Month": p.MonthLabel})
}

// publicResults is GET /ket-qua[?month=YYYY-MM]: each agency's monthly
// index as the province publishes it, when an administrator (or
// SIPAS_PUBLIC) has turned the page on; 404 otherwise.
func (s *Server) publicResults(c echo.Context) error {
	ctx := c.Request().Context()
	on, err := s.DB.PublicResults(ctx)
	if err != nil {
		return err
	}
	if !on {
		return echo.ErrNotFound
	}
	now := s.Clock.Now()
	month := c.QueryParam("month")
	if month == "" {
		month = closedMonth(now)
	}
	// Only closed months: a month still collecting changes by the minute.
	if _, err := survey.ParseMonth(month); err != nil || len(month) != 7 || month > closedMonth(now) {
		return survey.Errorf(survey.CodeNotFound, "error.month.malformed", nil)
	}
	roots, err := s.Reports.Children(ctx, nil)
	if err != nil {
		return err
	}
	if len(roots) != 1 {
		return echo.ErrNotFound // no single province to publish
	}
	root := roots[0]
	sid, err := s.DB.SurveyFor(ctx, root.ID)
	if err != nil {
		return err
	}
	def, ok := s.Surveys.Get(sid)
	if !ok {
		def = s.Surveys.Default()
	}
	l := s.localizer(c)
	f := fmtr{l}
	p := publicPage{Province: root.Name.In(l.Lang()), Month: month, MonthLabel: l.Month(month), IndexLabel: indexLabel(l, def.Method),
		Method: methodNote(l, def.Method), Survey: def.Title.In(l.Lang()), SIPAS: def.Method == survey.MethodSIPAS}
	for _, m := range report.Months(month, publicTrendMonths) {
		t, _ := survey.ParseMonth(m)
		p.TrendMonths = append(p.TrendMonths, t.Format("01/2006"))
	}
	if p.Overall, err = s.publicRow(c, f, root, def, month); err != nil {
		return err
	}
	rk, err := s.Reports.Rank(ctx, root, def, month)
	if err != nil {
		return err
	}
	byCode := map[string]*survey.Agency{}
	for _, sc := range rk.Scores {
		byCode[sc.Agency.Code] = sc.Agency
	}
	for _, e := range rk.Result.Ranked {
		row, err := s.publicRow(c, f, byCode[e.Code], def, month)
		if err != nil {
			return err
		}
		row.Group = tierText(l, e.Tier)
		p.Rows = append(p.Rows, *row)
	}
	for _, e := range rk.Result.NotRanked {
		p.Few = append(p.Few, byCode[e.Code].Name.In(l.Lang()))
	}
	b, err := s.renderPage(c, "public_results", p)
	if err != nil {
		return err
	}
	return sendCacheable(c, b)
}

// publicRow scores an agency's subtree for the month and its trend; nil
// when the month itself has under 30 respondents.
func (s *Server) publicRow(c echo.Context, f fmtr, a *survey.Agency, def *survey.Definition, month string) (*publicRow, error) {
	series, err := s.Reports.Series(c.Request().Context(), a, def, month, publicTrendMonths)
	if err != nil {
		return nil, err
	}
	cur := series[len(series)-1]
	if !cur.Result.Reliable {
		return nil, nil
	}
	idx, ci := cur.Headline()
	row := &publicRow{Name: a.Name.In(f.l.Lang()), Index: f.pct(idx), N: f.l.Int(cur.Result.Responses), CI: f.interval(ci)}
	for _, sc := range series {
		v, _ := sc.Headline()
		if !sc.Result.Reliable {
			v = score.Figure{}
		}
		row.Trend = append(row.Trend, f.pct(v))
	}
	return row, nil
}

// sendCacheable sends a page that changes at most once a month with an
// ETag of its bytes, so that browsers and proxies revalidate cheaply.
func sendCacheable(c echo.Context, b []byte) error {
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Vary", "Accept-Language, Cookie")
	for _, tag := range strings.Split(c.Request().Header.Get("If-None-Match"), ",") {
		if strings.TrimSpace(tag) == etag {
			return c.NoContent(http.StatusNotModified)
		}
	}
	return c.HTMLBlob(http.StatusOK, b)
}

// adminPublic is POST /admin/public: an administrator turns the public
// results page on (public=1) or off (public=0), audited.
func (s *Server) adminPublic(c echo.Context) error {
	var on bool
	switch c.FormValue("public") {
	case "1":
		on = true
	case "0":
	default:
		return survey.FieldError("public", "error.malformed", nil)
	}
	if err := s.DB.SetPublicResults(c.Request().Context(), on, s.actor(c), s.Clock.Now()); err != nil {
		return err
	}
	flash := "admin.flash.public_off"
	if on {
		flash = "admin.flash.public_on"
	}
	return s.done(c, "/admin#public-results", flash, "")
}
