package web

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// trendMonths is the length of the trend: a year and the month before it,
// so the same month last year is on the chart (UX.md §3 item 3).
const trendMonths = 13

// scorecard is the view model of an agency's monthly scorecard and of its
// printable report (UX.md §3, top to bottom).
type scorecard struct {
	Nav         dashNav
	Picker      dashPicker
	Agency      string
	AgencyCode  string
	Month       string
	MonthLabel  string
	PrevMonth   string // "tháng 9/2026", for the print's change column
	SurveyTitle string
	Method      string
	MethodNote  string
	Interval    string // how the intervals were computed, with the method version (print)
	Updated     string
	Head        headline
	Collecting  collecting // the month still being collected, one click away
	Trend       template.HTML
	History     []historyLine // agencies merged into this one: their months before the merger
	TrendRows   []trendRow
	TrendParts  [][]trendRow // the rows in three columns, for print
	Dist        distribution
	Elements    []elementRow
	Weakest     string
	Reasons     []partBlock
	Parts       []partBlock
	Channels    []shareRow
	DaysChart   template.HTML
	Days        []dayRow
	Quality     []string
	Counters    []unitRow
	Officers    []unitRow
	Officered   bool // the viewer may see officers
	Children    *rankingView
	Comparison  string // link to the province comparison of the siblings
	Responses   string
	Links       scorecardLinks
	Progress    progressView // the year so far against its target
}

// scorecardLinks are the page's exports and views of the same target.
type scorecardLinks struct {
	Print, Comments, CSV, XLSX, RawCSV, RawXLSX, Year string
}

// PageTitle is unique per agency and month.
func (p scorecard) PageTitle(l *i18n.Localizer) string {
	return l.T("dash.title", map[string]any{"Agency": p.Agency, "Month": p.MonthLabel})
}

// printReport is the same scorecard laid out for A4.
type printReport struct{ scorecard }

// PageTitle says it is the printable report.
func (p printReport) PageTitle(l *i18n.Localizer) string {
	return l.T("dash.print.title", map[string]any{"Agency": p.Agency, "Month": p.MonthLabel})
}

// scorecardPage is GET /dashboard/agency/:code?month=&survey=.
func (s *Server) scorecardPage(c echo.Context) error {
	t, err := s.dashTarget(c)
	if err != nil {
		return err
	}
	sc, err := s.buildScorecard(c, t)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "dashboard", sc)
}

// printPage is the same scorecard as a two-page A4 report.
func (s *Server) printPage(c echo.Context) error {
	t, err := s.dashTarget(c)
	if err != nil {
		return err
	}
	sc, err := s.buildScorecard(c, t)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "report_print", printReport{sc})
}

// buildScorecard reads everything from the rollups: the 13-month series,
// breakdowns by counter, officer, channel and day, and the rankings of the
// siblings and children. No raw response is scanned.
func (s *Server) buildScorecard(c echo.Context, t *dashScope) (scorecard, error) {
	ctx := c.Request().Context()
	l := t.L
	f := fmtr{l}
	series, err := s.Reports.Series(ctx, t.Agency, t.Def, t.Month, trendMonths)
	if err != nil {
		return scorecard{}, err
	}
	cur, prev := series[len(series)-1], series[len(series)-2]
	base := "/dashboard/agency/" + url.PathEscape(t.Agency.Code)
	q := t.query()
	sc := scorecard{Nav: navFor(t, "scorecard"), Agency: t.Agency.Name.In(l.Lang()), AgencyCode: t.Agency.Code,
		Month: t.Month, MonthLabel: l.Month(t.Month), SurveyTitle: t.Def.Title.In(l.Lang()), Method: string(t.Def.Method),
		MethodNote: methodNote(l, t.Def.Method), Interval: l.T("dash.print.interval", map[string]any{"Version": score.MethodVersion}), Updated: l.DateTime(s.Clock.Now()), Responses: f.responses(cur.Result.Responses),
		Links: scorecardLinks{Print: base + "/print" + q, Comments: base + "/comments" + q, CSV: base + "/export.csv" + q,
			XLSX: base + "/export.xlsx" + q, RawCSV: base + "/responses.csv" + q, RawXLSX: base + "/responses.xlsx" + q,
			Year: base + "/year" + q}}
	if sc.Picker, err = s.pickerFor(c, t); err != nil {
		return sc, err
	}
	sc.Collecting = collectingFor(l, s.Clock.Now(), t.Month, func(m string) string { return monthLink(c.Request().URL.Path, c.QueryParams(), m) })
	sc.Head = buildHeadline(f, series, s.LowResponseRate)
	st, err := s.Reports.StandingWith(ctx, t.Agency, t.Def, t.Month, series)
	if err != nil {
		return sc, err
	}
	sc.Progress = buildProgress(f, st)
	if sc.Head.Rolling, err = s.rolling(ctx, f, t, series); err != nil {
		return sc, err
	}
	if sc.Head.Rank, sc.Comparison, err = s.siblingRank(c, t, cur); err != nil {
		return sc, err
	}
	preds, err := s.Reports.Predecessors(ctx, t.Agency, t.Def, t.Month, trendMonths)
	if err != nil {
		return sc, err
	}
	lines, history := predecessorLines(f, preds)
	sc.History = history
	sc.Trend, sc.Head.Spark, sc.TrendRows = buildTrend(f, series, lines...)
	sc.TrendParts = [][]trendRow{sc.TrendRows[:5], sc.TrendRows[5:9], sc.TrendRows[9:]}
	sc.PrevMonth = monthInSentence(l, prev.Month)
	sc.Dist = buildDistribution(f, "dist", t.Def, cur.Result.MainTally(), commonScale(t.Def), false)
	sc.Elements, sc.Weakest = buildElements(f, cur, prev, sc.Links.Comments)
	sc.Reasons, sc.Parts = buildParts(f, t.Def, cur.Tally.Answers, cur.Result.Responses)
	var kiosk, empty int
	if sc.Channels, kiosk, err = s.channelRows(ctx, f, t, cur.Result.Responses); err != nil {
		return sc, err
	}
	if sc.DaysChart, sc.Days, empty, err = s.daysChart(ctx, f, t); err != nil {
		return sc, err
	}
	sc.Quality = qualityFacts(f, cur, kiosk, empty)
	u := t.Sess.User
	// Officer figures are for the agency's head, and the province only if
	// configured; an administrator sets the system up and does not see them.
	sc.Officered = u.Role == survey.RoleAgencyHead || u.Role == survey.RoleProvince && s.ProvinceOfficers
	if sc.Counters, sc.Officers, err = s.staffTables(ctx, f, t, sc.Officered); err != nil {
		return sc, err
	}
	children, err := s.Reports.ChildrenIn(ctx, t.Agency, t.Month)
	if err != nil {
		return sc, err
	}
	if len(children) > 0 {
		rk, err := s.Reports.Rank(ctx, t.Agency, t.Def, t.Month)
		if err != nil {
			return sc, err
		}
		v, err := s.buildRanking(ctx, f, rk, q)
		if err != nil {
			return sc, err
		}
		sc.Children = &v
	}
	return sc, nil
}

// siblingRank places the agency among the other children of its parent:
// its position among the reliable ones and its tier, or "not ranked" under
// 30 responses. Nothing is said for an agency without siblings, nor for
// the only ranked one.
func (s *Server) siblingRank(c echo.Context, t *dashScope, cur *report.Score) (string, string, error) {
	ctx := c.Request().Context()
	var parent *survey.Agency
	if t.Agency.ParentID != 0 {
		p, err := s.DB.Agency(ctx, t.Agency.ParentID)
		if err != nil {
			return "", "", err
		}
		parent = p
	}
	rk, err := s.Reports.Rank(ctx, parent, t.Def, t.Month)
	if err != nil {
		return "", "", err
	}
	if len(rk.Result.Ranked)+len(rk.Result.NotRanked) < 2 {
		return "", "", nil
	}
	link := ""
	if u := t.Sess.User; u.Role != survey.RoleAgencyHead {
		v := url.Values{"month": {t.Month}, "survey": {t.Def.ID}}
		if parent != nil {
			v.Set("parent", parent.Code)
		}
		link = "/dashboard/province?" + v.Encode()
	}
	for _, e := range rk.Result.Ranked {
		if e.Code == t.Agency.Code && len(rk.Result.Ranked) > 1 { // "1 of 1" compares nothing
			return t.L.T("dash.rank.ranked", map[string]any{"Position": t.L.Int(e.Position), "Total": t.L.Int(len(rk.Result.Ranked)),
				"Tier": tierText(t.L, e.Tier)}), link, nil
		}
	}
	for _, e := range rk.Result.NotRanked {
		if e.Code == t.Agency.Code {
			return t.L.T("dash.rank.unranked"), link, nil
		}
	}
	return "", link, nil
}
