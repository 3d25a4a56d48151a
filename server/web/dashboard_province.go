package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// rankRow is one agency of a comparison.
type rankRow struct {
	Position  int
	Code      string
	Name      string
	Link      string
	N         string
	Responses string // "412 phiếu"
	Index     string
	CI        string
	Tier      string
	Whisker   template.HTML
	Note      string // why not ranked, when it is not only "under 30"
	Rate      string // response rate, "" where no dossier counts
	RateLow   bool
}

// rankingView is a comparison: funnel first, the numbered table second,
// the agencies under 30 responses apart and alphabetical (UX.md "Ranking rules").
type rankingView struct {
	P0        string
	Funnel    template.HTML
	Ranked    []rankRow
	NotRanked []rankRow
	Tiers     []string // "3 cơ quan cao hơn mức chung", …
}

// tierText words a funnel tier; "rõ rệt" only beyond the 99.8% limits.
func tierText(l *i18n.Localizer, t score.Tier) string {
	id := "dash.tier." + string(t.Band)
	if t.Clearly && t.Band != score.BandLevel {
		id += "_clearly"
	}
	return l.T(id)
}

// buildRanking turns a report ranking into rows and the funnel plot.
func (s *Server) buildRanking(ctx context.Context, f fmtr, rk *report.Ranking, query string) (rankingView, error) {
	v := rankingView{}
	if rk.P0 > 0 {
		v.P0 = f.l.Percent(rk.P0, 2)
	}
	byCode := map[string]*report.Score{}
	var los []float64
	for _, sc := range rk.Scores {
		byCode[sc.Agency.Code] = sc
		if _, ci := sc.Headline(); ci != nil && sc.Result.Reliable {
			los = append(los, ci.Lo)
		}
	}
	axis := whiskerAxis(los...)
	row := func(code string) rankRow {
		sc := byCode[code]
		idx, ci := sc.Headline()
		r := rankRow{Code: code, Name: sc.Agency.Name.In(f.l.Lang()), Link: "/dashboard/agency/" + url.PathEscape(code) + query,
			N: f.l.Int(sc.Result.Responses), Responses: f.responses(sc.Result.Responses), Index: f.pct(idx)}
		if d := sc.Dossiers; d != nil && d.Responses != nil {
			r.Rate, r.RateLow = f.pct(d.Responses.Value), d.Responses.Low(s.LowResponseRate)
		}
		if ci != nil {
			r.CI = f.interval(ci)
			r.Whisker = whisker(idx.Value, ci.Lo, ci.Hi, idx.Valid, sc.Result.Reliable, axis)
		}
		return r
	}
	counts := map[score.Band]int{}
	var pts []funnelPoint
	for _, e := range rk.Result.Ranked {
		r := row(e.Code)
		r.Position, r.Tier = e.Position, tierText(f.l, e.Tier)
		counts[e.Tier.Band]++
		v.Ranked = append(v.Ranked, r)
		pts = append(pts, funnelPoint{N: e.Responses, Index: e.Index.Value, Label: fmt.Sprint(e.Position), Name: r.Name})
	}
	for _, e := range rk.Result.NotRanked {
		r := row(e.Code)
		id, err := s.DB.SurveyFor(ctx, byCode[e.Code].Agency.ID)
		if err != nil {
			return v, err
		}
		if id != rk.Survey.ID {
			if d, ok := s.Surveys.Get(id); ok {
				r.Note = f.l.T("dash.rank.other_survey", map[string]any{"Survey": d.Title.In(f.l.Lang())})
			}
		}
		v.NotRanked = append(v.NotRanked, r)
	}
	sort.SliceStable(v.NotRanked, func(i, j int) bool { return v.NotRanked[i].Name < v.NotRanked[j].Name })
	for _, b := range []score.Band{score.BandAbove, score.BandLevel, score.BandBelow} {
		if counts[b] > 0 {
			v.Tiers = append(v.Tiers, f.l.T("dash.tiers."+string(b), map[string]any{"Count": f.l.Int(counts[b])}))
		}
	}
	if len(pts) > 0 {
		desc := f.l.T("dash.funnel.desc", map[string]any{"P0": v.P0}) + " " + semicolons(v.Tiers)
		v.Funnel = funnelChart(f, f.l.T("dash.funnel.title"), desc, rk.P0, rk.Spread, pts)
	}
	return v, nil
}

// funnelPoint is one ranked agency in the funnel plot.
type funnelPoint struct {
	N     int
	Index float64
	Label string
	Name  string
}

// funnelChart plots index against responses with the 95% and 99.8% limits
// around the province's index, drawn with its per-respondent spread
// (Spiegelhalter 2005, UX.md [S31]). The y axis starts at the tens below the
// lowest point or limit drawn, and says so.
func funnelChart(f fmtr, title, desc string, p0 float64, spread score.Spread, pts []funnelPoint) template.HTML {
	const w, h, left, right, top, bottom = 720, 300, 56, 24, 14, 44
	maxN := score.MinResponses
	lowest := 100.0
	for _, p := range pts {
		maxN = max(maxN, p.N)
		lowest = min(lowest, p.Index)
	}
	xMax := niceCeil(float64(maxN) * 1.05)
	lowest = min(lowest, score.FunnelLimits(p0, score.MinResponses, spread).Lo998)
	yMin := math.Max(0, math.Floor(lowest/10)*10)
	pw, ph := float64(w-left-right), float64(h-top-bottom)
	x := func(n float64) float64 { return left + n/xMax*pw }
	y := func(v float64) float64 { return top + (100-v)/(100-yMin)*ph }
	var b svgBuf
	b.open("funnel", w, h, "funnel", title, desc)
	for g := yMin; g <= 100; g += 10 {
		b.add(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#E5E6E7" stroke-width="1"/>`, left, y(g), w-right, y(g))
		b.add(`<text x="%d" y="%.1f" text-anchor="end" class="axis">%s</text>`, left-6, y(g)+4, svgEsc(f.l.Percent(g, 0)))
	}
	for i := 0; i <= 4; i++ {
		n := xMax * float64(i) / 4
		b.add(`<text x="%.1f" y="%d" text-anchor="middle" class="axis">%s</text>`, x(n), h-24, svgEsc(f.l.Int(int(n))))
	}
	b.add(`<text x="%.1f" y="%d" text-anchor="middle" class="axis">%s</text>`, left+pw/2, h-6, svgEsc(f.l.T("dash.funnel.x")))
	var lo95, hi95, lo998, hi998 []string
	for k := 0; k <= 60; k++ {
		n := float64(score.MinResponses) * math.Pow(xMax/float64(score.MinResponses), float64(k)/60)
		lim := score.FunnelLimits(p0, int(math.Round(n)), spread)
		lo95 = append(lo95, fmt.Sprintf("%.1f,%.1f", x(n), y(math.Max(lim.Lo95, yMin))))
		hi95 = append(hi95, fmt.Sprintf("%.1f,%.1f", x(n), y(lim.Hi95)))
		lo998 = append(lo998, fmt.Sprintf("%.1f,%.1f", x(n), y(math.Max(lim.Lo998, yMin))))
		hi998 = append(hi998, fmt.Sprintf("%.1f,%.1f", x(n), y(lim.Hi998)))
	}
	for _, l := range [][]string{lo95, hi95} {
		b.add(`<polyline points="%s" fill="none" stroke="#505A5F" stroke-width="1.5"/>`, spaced(l))
	}
	for _, l := range [][]string{lo998, hi998} {
		b.add(`<polyline points="%s" fill="none" stroke="#505A5F" stroke-width="1.5" stroke-dasharray="6 4"/>`, spaced(l))
	}
	b.add(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="2"/>`, left, y(p0), w-right, y(p0), inkColour)
	for _, p := range pts {
		b.add(`<circle cx="%.1f" cy="%.1f" r="6" fill="%s" stroke="#FFFFFF" stroke-width="1.5"><title>%s</title></circle>`,
			x(float64(p.N)), y(p.Index), ownSeries, svgEsc(p.Name+": "+f.l.Percent(p.Index, 2)+", "+f.responses(p.N)))
		b.add(`<text x="%.1f" y="%.1f" class="point-label">%s</text>`, x(float64(p.N))+9, y(p.Index)+5, svgEsc(p.Label))
	}
	b.add(`</svg>`)
	return b.html()
}

func spaced(xs []string) string {
	out := ""
	for i, s := range xs {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten, for axis ends.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// provinceView is the comparison page for the province and admins.
type provinceView struct {
	Nav         dashNav
	Picker      dashPicker
	Parent      string
	ParentCode  string
	Month       string
	MonthLabel  string
	SurveyTitle string
	IndexLabel  string
	MethodNote  string
	Updated     string
	Collecting  collecting
	Ranking     rankingView
	Parents     []pickItem
	YearLink    string
	BelowPeriod string    // the months the year so far covers
	Below       []yearRow // agencies whose whole interval is below target, the furthest first
}

// PageTitle names the comparison and its month.
func (p provinceView) PageTitle(l *i18n.Localizer) string {
	return l.T("dash.province.title", map[string]any{"Parent": p.Parent, "Month": p.MonthLabel})
}

// provincePage ranks the agencies under ?parent= (by default under the
// province's single root, whose children are what a province compares).
func (s *Server) provincePage(c echo.Context) error {
	ctx := c.Request().Context()
	l := s.I18n.Localizer(s.formLang(c))
	f := fmtr{l}
	month := c.QueryParam("month")
	if month == "" {
		month = closedMonth(s.Clock.Now())
	}
	if _, err := survey.ParseMonth(month); err != nil || len(month) != 7 {
		return survey.FieldError("month", "error.month.malformed", nil)
	}
	def := s.Surveys.Default()
	if id := c.QueryParam("survey"); id != "" {
		d, ok := s.Surveys.Get(id)
		if !ok {
			return survey.FieldError("survey", "error.survey.unknown", map[string]any{"ID": id})
		}
		def = d
	}
	var parent *survey.Agency
	if code := c.QueryParam("parent"); code != "" {
		p, err := s.DB.AgencyByCode(ctx, code)
		if err != nil {
			return survey.Errorf(survey.CodeNotFound, "error.agency.unknown", map[string]any{"Code": code})
		}
		parent = p
	} else if roots, err := s.Reports.Children(ctx, nil); err != nil {
		return err
	} else if len(roots) == 1 {
		parent = roots[0]
	}
	rk, err := s.Reports.Rank(ctx, parent, def, month)
	if err != nil {
		return err
	}
	t := &dashScope{Def: def, Month: month, Sess: s.session(c), L: l}
	query := "?" + url.Values{"month": {month}, "survey": {def.ID}}.Encode()
	v := provinceView{Nav: navFor(t, "province"), Month: month, MonthLabel: l.Month(month), SurveyTitle: def.Title.In(l.Lang()),
		IndexLabel: indexLabel(l, def.Method), MethodNote: methodNote(l, def.Method), Updated: l.DateTime(s.Clock.Now()),
		Parent: l.T("dash.province.all")}
	if parent != nil {
		v.Parent, v.ParentCode = parent.Name.In(l.Lang()), parent.Code
	}
	v.Collecting = collectingFor(l, s.Clock.Now(), month, func(m string) string { return monthLink(c.Request().URL.Path, c.QueryParams(), m) })
	if v.Ranking, err = s.buildRanking(ctx, f, rk, query); err != nil {
		return err
	}
	if err := s.belowTarget(ctx, f, &v, parent, def, month, query); err != nil {
		return err
	}
	v.Picker = dashPicker{Months: s.pickerMonths(l, month)}
	for _, d := range s.Surveys.All() {
		v.Picker.Surveys = append(v.Picker.Surveys, pickItem{Value: d.ID, Label: d.Title.In(l.Lang()), Selected: d.ID == def.ID})
	}
	all, err := s.DB.Agencies(ctx)
	if err != nil {
		return err
	}
	hasChildren := map[int64]bool{}
	for _, a := range all {
		hasChildren[a.ParentID] = true
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Code < all[j].Code })
	for _, a := range all {
		if hasChildren[a.ID] {
			v.Parents = append(v.Parents, pickItem{Value: a.Code, Label: a.Code + " – " + a.Name.In(l.Lang()), Selected: parent != nil && a.ID == parent.ID})
		}
	}
	return s.render(c, http.StatusOK, "dashboard_province", v)
}

// belowTarget fills the province page's list of agencies below their
// year's target, from the year so far up to the month shown.
func (s *Server) belowTarget(ctx context.Context, f fmtr, v *provinceView, parent *survey.Agency, def *survey.Definition, month, query string) error {
	table, err := s.Reports.Year(ctx, parent, def, month)
	if err != nil {
		return err
	}
	year := month[:4]
	v.YearLink = "/dashboard/year?year=" + year
	if parent != nil {
		v.YearLink = "/dashboard/agency/" + url.PathEscape(parent.Code) + "/year" + query
	}
	from := year + "-01"
	v.BelowPeriod = periodLabel(f, from, month)
	for _, st := range table.Below() {
		p := buildProgress(f, st)
		v.Below = append(v.Below, yearRow{Name: st.Agency.Name.In(f.l.Lang()), Code: st.Agency.Code,
			Link: "/dashboard/agency/" + url.PathEscape(st.Agency.Code) + "/year" + query, Index: p.Index, CI: p.CI, Target: p.Target, Gap: p.Gap})
	}
	return nil
}
