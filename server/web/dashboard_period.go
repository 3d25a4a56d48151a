package web

import (
	"context"
	"html/template"
	"net/url"
	"time"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// rollingMonths is the span of the figure a small commune's headline offers
// when one month has under score.MinResponses (UX.md §3 "Small n").
const rollingMonths = 3

// closedMonth is the last complete month at now in Asia/Ho_Chi_Minh: the
// month before the current one. Pages open on it, since the current month's
// figure moves every day and is missing most of its responses.
func closedMonth(now time.Time) string {
	t := now.In(survey.Zone)
	return time.Date(t.Year(), t.Month()-1, 1, 0, 0, 0, 0, survey.Zone).Format("2006-01")
}

// collecting is the line about the month still being collected: a link to
// it from any other month, or, on it, the words and a link back to the last
// complete month.
type collecting struct {
	Label  string // "Tháng 12/2026 – đang thu thập, 4 ngày"
	URL    string // the current month, when another month is shown
	Closed string // on the current month: "Xem Tháng 11/2026 (tháng đã trọn)"
	Back   string // and its link
}

// collectingFor builds the line for a page showing month; link makes a
// page's URL for another month.
func collectingFor(l *i18n.Localizer, now time.Time, month string, link func(month string) string) collecting {
	cur := survey.Month(now)
	days := l.Plural("dash.collecting.days", now.In(survey.Zone).Day(), nil)
	c := collecting{Label: l.T("dash.collecting", map[string]any{"Month": l.Month(cur), "Days": days})}
	if month == cur {
		closed := closedMonth(now)
		c.Closed, c.Back = l.T("dash.collecting.back", map[string]any{"Month": l.Month(closed)}), link(closed)
	} else {
		c.URL = link(cur)
	}
	return c
}

// monthLink is a dashboard URL with its month replaced.
func monthLink(path string, q url.Values, month string) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("month", month)
	return path + "?" + v.Encode()
}

// monthRange writes a span of months: vi "09–11/2026" or "11/2025–01/2026",
// en "Sep–Nov 2026" or "Nov 2025–Jan 2026".
func monthRange(l *i18n.Localizer, from, to string) string {
	a, err1 := survey.ParseMonth(from)
	b, err2 := survey.ParseMonth(to)
	if err1 != nil || err2 != nil {
		return from + "–" + to
	}
	if l.Lang() == "en" {
		if a.Year() == b.Year() {
			return a.Format("Jan") + "–" + b.Format("Jan 2006")
		}
		return a.Format("Jan 2006") + "–" + b.Format("Jan 2006")
	}
	if a.Year() == b.Year() {
		return a.Format("01") + "–" + b.Format("01/2006")
	}
	return a.Format("01/2006") + "–" + b.Format("01/2006")
}

// rollingHead is the headline's figure over the last three months, offered
// when the month alone has too few responses.
type rollingHead struct {
	Label     string // "3 tháng gần nhất: 09–11/2026"
	Index     string
	CI        string
	Responses string
	Margin    string
	Enough    bool   // the three months have enough: the headline leads with them
	TooFew    string // otherwise the sentence saying that even they have too few
}

// buildRolling words a rolling figure for the headline.
func buildRolling(f fmtr, r *report.Rolling) *rollingHead {
	res := r.Result
	span := monthRange(f.l, r.From, r.To)
	idx, ci := r.Headline()
	h := &rollingHead{Label: f.l.T("dash.rolling.label", map[string]any{"Months": f.l.Int(rollingMonths), "Range": span}),
		Index: f.pct(idx), Responses: f.responses(res.Responses), Margin: f.margin(res.Margin), Enough: res.Reliable}
	if ci != nil {
		h.CI = f.l.T("dash.ci95", map[string]any{"Interval": f.interval(ci)})
	}
	if !h.Enough {
		h.TooFew = f.l.T("dash.rolling.too_few", map[string]any{"Months": f.l.Int(rollingMonths), "Range": span,
			"Responses": h.Responses, "Min": f.l.Int(score.MinResponses)})
	}
	return h
}

// rolling is the headline's three-month figure when the month has under
// score.MinResponses, else nil.
func (s *Server) rolling(ctx context.Context, f fmtr, t *dashScope, series []*report.Score) (*rollingHead, error) {
	if series[len(series)-1].Result.Responses >= score.MinResponses {
		return nil, nil
	}
	r, ok, err := report.Pooled(t.Agency, t.Def, series, t.Month, rollingMonths)
	if err == nil && !ok {
		r, err = s.Reports.Rolling(ctx, t.Agency, t.Def, t.Month, rollingMonths)
	}
	if err != nil {
		return nil, err
	}
	return buildRolling(f, r), nil
}

// historyLine is a merged predecessor's line in the trend and its legend.
type historyLine struct {
	Code   string
	Sample template.HTML // the line's dash pattern, for the legend
	Legend string        // "UBND tỉnh Hậu Giang (H30) – số liệu riêng đến 30/06/2025, …"
	Rows   []trendRow
}

// predecessorLines turns the predecessors' series into chart lines and the
// legend and table beside them.
func predecessorLines(f fmtr, preds []report.Predecessor) ([]trendLine, []historyLine) {
	var lines []trendLine
	var hist []historyLine
	for i, p := range preds {
		pts := make([]trendPoint, len(p.Series))
		h := historyLine{Code: p.Agency.Code}
		for j, sc := range p.Series {
			if sc == nil {
				continue
			}
			idx, ci := sc.Headline()
			pts[j] = trendPoint{Value: idx.Value, Valid: idx.Valid, Reliable: sc.Result.Reliable}
			if sc.Result.Responses > 0 {
				h.Rows = append(h.Rows, trendRow{Month: f.l.Month(sc.Month), Short: shortMonth(f, sc.Month), Index: f.pct(idx),
					CI: f.interval(ci), N: f.l.Int(sc.Result.Responses), Reliable: sc.Result.Reliable})
			}
		}
		until := p.Agency.ValidTo
		if d, err := time.Parse(time.DateOnly, until); err == nil {
			until = f.l.Date(time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, survey.Zone))
		}
		h.Legend = f.l.T("dash.trend.predecessor", map[string]any{"Name": p.Agency.Name.In(f.l.Lang()), "Code": p.Agency.Code, "Until": until})
		dash := historyDashes[i%len(historyDashes)]
		h.Sample = lineSample(dash)
		lines = append(lines, trendLine{Label: p.Agency.Code, Dash: dash, Points: pts})
		hist = append(hist, h)
	}
	return lines, hist
}
