package web

import (
	"html/template"
	"math"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// fmtr writes the dashboard's numbers the reader's way: "84,45%" in
// Vietnamese, "84.45%" in English, rounded half-up only here (SIPAS.md).
type fmtr struct{ l *i18n.Localizer }

const noFigure = "—" // an undefined figure: no answers, never 0

func (f fmtr) pct(x score.Figure) string {
	if !x.Valid {
		return noFigure
	}
	return f.l.Percent(x.Value, 2)
}

// share is part/whole as a percentage with one decimal.
func (f fmtr) share(part, whole int) string {
	if whole <= 0 {
		return noFigure
	}
	return f.l.Percent(100*float64(part)/float64(whole), 1)
}

// interval writes "80,1% – 88,2%".
func (f fmtr) interval(ci *score.Interval) string {
	if ci == nil {
		return noFigure
	}
	return f.l.Percent(ci.Lo, 1) + " – " + f.l.Percent(ci.Hi, 1)
}

func (f fmtr) responses(n int) string { return f.l.Plural("unit.responses", n, nil) }

// margin is "sai số khoảng ±10 điểm": whole points, as UX.md words it.
func (f fmtr) margin(m score.Figure) string {
	if !m.Valid || math.IsInf(m.Value, 0) {
		return ""
	}
	return f.l.T("dash.margin", map[string]any{"Points": f.l.Number(m.Value, 1)})
}

// changeText is a change in words with its arrow; the arrow is decoration,
// the words carry the meaning (UX.md: never colour or symbol alone).
type changeText struct {
	Arrow string // "▲", "▼" or ""
	Text  string
	Short string // for a table column that names the month in its header
	Class string // up, down, flat, none
}

// change words a comparison with an earlier month.
func (f fmtr) change(ch report.Change, month string) changeText {
	m := monthInSentence(f.l, month)
	if !ch.Valid {
		return changeText{Text: f.l.T("dash.change.none", map[string]any{"Month": m}), Short: noFigure, Class: "none"}
	}
	delta := f.l.Number(math.Abs(ch.Delta), 2)
	signed := f.l.Number(ch.Delta, 2)
	if i18n.RoundHalfUp(ch.Delta, 2) > 0 {
		signed = "+" + signed
	}
	if !ch.Significant {
		return changeText{Text: f.l.T("dash.change.noise", map[string]any{"Month": m, "Delta": signed}),
			Short: f.l.T("dash.change.short_noise", map[string]any{"Delta": signed}), Class: "flat"}
	}
	short := f.l.T("dash.change.short", map[string]any{"Delta": signed})
	if ch.Delta >= 0 {
		return changeText{Arrow: "▲", Text: f.l.T("dash.change.up", map[string]any{"Month": m, "Delta": delta}), Short: short, Class: "up"}
	}
	return changeText{Arrow: "▼", Text: f.l.T("dash.change.down", map[string]any{"Month": m, "Delta": delta}), Short: short, Class: "down"}
}

// headline is the card at the top of the scorecard (UX.md §3 item 2).
type headline struct {
	Label     string // what the number is: SIPAS-style index, quick rating, nd61 share meeting the standard
	Index     string
	Reliable  bool
	CI        string
	Responses string
	Margin    string
	Mean      string
	Extra     []string // nd61: points per dossier (the headline is the share of answers meeting the standard)
	Month     changeText
	Year      changeText
	Rank      string
	Excluded  string
	Spark     template.HTML
	Rolling   *rollingHead // the last three months together, when the month has under 30 responses
	Dossiers  dossierFacts // response rates and QĐ 766, where dossier counts exist
}

// Rolled reports whether the headline leads with the three-month figure,
// the month's own staying beside it in grey.
func (h headline) Rolled() bool { return h.Rolling != nil && h.Rolling.Enough }

// indexLabel names the headline figure by method, so a quick rating is
// never called a SIPAS index and nd61's share of answers meeting the standard
// is never taken for the QĐ 766/QĐ-TTg indicator (docs/decisions/0011).
func indexLabel(l *i18n.Localizer, m survey.Method) string {
	switch m {
	case survey.MethodQuick:
		return l.T("dash.index.quick")
	case survey.MethodND61:
		return l.T("dash.index.nd61")
	}
	return l.T("dash.index.sipas")
}

func methodNote(l *i18n.Localizer, m survey.Method) string {
	switch m {
	case survey.MethodQuick:
		return l.T("dash.method.quick")
	case survey.MethodND61:
		return l.T("dash.method.nd61")
	}
	return l.T("app.method_note")
}

// buildHeadline fills the card from the 13-month series (the last entry is
// the month shown, the first the same month a year before).
func buildHeadline(f fmtr, series []*report.Score, lowRate float64) headline {
	cur, prev, year := series[len(series)-1], series[len(series)-2], series[0]
	res := cur.Result
	idx, ci := cur.Headline()
	// One interval: the margin beside it is the same interval's half width.
	h := headline{Label: indexLabel(f.l, res.Method), Index: f.pct(idx), Reliable: res.Reliable,
		Responses: f.responses(res.Responses), Margin: f.margin(res.Margin)}
	if ci != nil {
		h.CI = f.l.T("dash.ci95", map[string]any{"Interval": f.interval(ci)})
	}
	t := res.MainTally()
	switch {
	case res.ND61 != nil:
		nd := res.ND61
		if nd.Points.Valid {
			h.Extra = append(h.Extra, f.l.T("dash.nd61.points", map[string]any{"Points": f.l.Number(nd.Points.Value, 2), "Max": f.l.Int(nd.MaxPoints)}))
		}
	case t.Mean.Valid:
		h.Mean = f.l.T("dash.mean", map[string]any{"Mean": f.l.Number(t.Mean.Value, 2)})
	}
	h.Dossiers = buildDossierFacts(f, cur.Dossiers, lowRate)
	h.Month = f.change(report.CompareScores(cur, prev), prev.Month)
	h.Year = f.change(report.CompareScores(cur, year), year.Month)
	if cur.Excluded > 0 {
		h.Excluded = f.l.T("dash.excluded", map[string]any{"Count": f.l.Int(cur.Excluded)})
	}
	return h
}

// levelEntry is one level of a distribution with its key entry.
type levelEntry struct {
	Label  string
	Count  string
	Share  string
	Swatch template.HTML
}

// distribution is a 100% bar of the levels with NA apart (UX.md §3 item 4).
type distribution struct {
	Bar     template.HTML
	Levels  []levelEntry
	NA      string
	Neutral string
	High    bool // the neutral share is 40% or more, which hides problems (SIPAS.md)
	Empty   bool
}

// levelColour picks the ramp colour of an option: by its face when the
// scale draws faces (nd61's 0/1/2 use faces 2/4/5), else by position.
func levelColour(s *survey.Scale, i int) (fill, ink string) {
	k := i
	if n := len(s.Options); n != 5 {
		k = int(math.Round(float64(i) * 4 / float64(max(n-1, 1))))
	}
	if f := s.Options[i].Face; f >= 1 && f <= 5 {
		k = f - 1
	}
	fill, ink = levelFill[k], inkColour
	if k == 4 {
		ink = "#FFFFFF" // white on #0072B2 is 5.2:1
	}
	return fill, ink
}

// commonScale is the scale every item shares, or nil when they differ (nd61
// criteria each have their own wording for 2/1/0).
func commonScale(def *survey.Definition) *survey.Scale {
	var s *survey.Scale
	for _, q := range def.Items() {
		if s == nil {
			s = q.Scale
		} else if q.Scale == nil || q.Scale.Code != s.Code {
			return nil
		}
	}
	return s
}

// levelLabel is an option's words, or "2 điểm" when scales differ.
func levelLabel(l *i18n.Localizer, s *survey.Scale, value int) string {
	if s != nil {
		for _, o := range s.Options {
			if o.Value == value {
				return o.Label.In(l.Lang())
			}
		}
	}
	return l.T("dash.level.points", map[string]any{"Value": value})
}

// buildDistribution draws t's levels. scale may be nil (mixed scales); the
// colours then follow the first item's scale, which has the same values.
// small draws it for a table cell.
func buildDistribution(f fmtr, id string, def *survey.Definition, t score.Tally, scale *survey.Scale, small bool) distribution {
	d := distribution{Empty: t.N == 0}
	colours := scale
	if colours == nil && len(def.Items()) > 0 {
		colours = def.Items()[0].Scale
	}
	var segs []barSegment
	for i, c := range t.Counts {
		fill, ink := levelFill[min(i, 4)], inkColour
		if colours != nil && i < len(colours.Options) {
			fill, ink = levelColour(colours, i)
		}
		share := f.share(c.Count, t.N)
		d.Levels = append(d.Levels, levelEntry{Label: levelLabel(f.l, scale, c.Value), Count: f.l.Int(c.Count), Share: share, Swatch: swatch(fill)})
		if t.N > 0 {
			segs = append(segs, barSegment{Share: float64(c.Count) / float64(t.N), Fill: fill, Ink: ink, Label: f.l.Percent(100*float64(c.Count)/float64(t.N), 0)})
		}
	}
	if t.NA > 0 {
		d.NA = f.l.T("dash.dist.na", map[string]any{"Count": f.l.Int(t.NA), "Share": f.share(t.NA, t.N+t.NA)})
	}
	if scale != nil && len(scale.Options) == 5 && t.N > 0 {
		mid := scale.Options[2]
		for _, c := range t.Counts {
			if c.Value == mid.Value {
				d.Neutral = f.l.T("dash.dist.neutral", map[string]any{"Label": mid.Label.In(f.l.Lang()), "Share": f.share(c.Count, t.N)})
				d.High = 100*c.Count >= 40*t.N
			}
		}
	}
	if t.N > 0 {
		var desc []string
		for _, lv := range d.Levels {
			desc = append(desc, lv.Label+": "+lv.Share+" ("+lv.Count+")")
		}
		w, h := 900, 44 // drawn about as wide as the page, so its text stays at its size
		if small {
			w, h = 320, 26 // a table cell's width
		}
		d.Bar = levelBar(id, w, h, f.l.T("dash.dist.title"), semicolons(desc), segs)
	}
	return d
}

func semicolons(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += "; "
		}
		out += p
	}
	return out
}
