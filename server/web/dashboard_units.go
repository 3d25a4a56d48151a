package web

import (
	"context"
	"fmt"
	"html/template"
	"sort"
	"strconv"

	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/survey"
)

// officerMinRatings is the number of ratings from which an officer's
// figures are shown; below it only the count is (SIPAS.md "Integrity").
const officerMinRatings = 30

// unitRow is one counter or officer of the agency's subtree.
type unitRow struct {
	Name     string
	N        string
	Index    string
	CI       string
	Reliable bool
	Hidden   bool // an officer under officerMinRatings: count only
}

func unitOf(f fmtr, name string, sc *report.Score) unitRow {
	idx, ci := sc.Headline()
	r := unitRow{Name: name, N: f.l.Int(sc.Result.Responses), Index: f.pct(idx), Reliable: sc.Result.Reliable}
	if ci != nil {
		r.CI = f.interval(ci)
	}
	return r
}

// staffTables builds the counters table and, when the viewer may see them,
// the officers table (the agency's head, and province viewers where
// SIPAS_PROVINCE_OFFICERS allows; SIPAS.md: only above the
// minimum count). Responses without a counter or officer are left out.
func (s *Server) staffTables(ctx context.Context, f fmtr, t *dashScope, withOfficers bool) (counters, officers []unitRow, err error) {
	cs, os, err := s.Reports.Staff(ctx, t.Agency)
	if err != nil {
		return nil, nil, err
	}
	byCounter, err := s.Reports.Breakdown(ctx, t.Agency, t.Def, t.Month, report.ByCounter)
	if err != nil {
		return nil, nil, err
	}
	type keyed struct {
		sort string
		row  unitRow
	}
	var list []keyed
	for k, sc := range byCounter {
		id, _ := strconv.ParseInt(k, 10, 64)
		c := cs[id]
		if id == 0 || c == nil || sc.Result.Responses == 0 {
			continue
		}
		list = append(list, keyed{fmt.Sprintf("%08d %s", c.AgencyID, c.Code), unitOf(f, c.Name.In(f.l.Lang()), sc)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].sort < list[j].sort })
	for _, k := range list {
		counters = append(counters, k.row)
	}
	if !withOfficers {
		return counters, nil, nil
	}
	byOfficer, err := s.Reports.Breakdown(ctx, t.Agency, t.Def, t.Month, report.ByOfficer)
	if err != nil {
		return nil, nil, err
	}
	list = list[:0]
	for k, sc := range byOfficer {
		id, _ := strconv.ParseInt(k, 10, 64)
		o := os[id]
		if id == 0 || o == nil || sc.Result.Responses == 0 {
			continue
		}
		row := unitRow{Name: o.Name, N: f.l.Int(sc.Result.Responses), Hidden: true}
		if sc.Result.Responses >= officerMinRatings {
			row = unitOf(f, o.Name, sc)
		}
		list = append(list, keyed{o.Name + "\x00" + o.Code, row})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].sort < list[j].sort })
	for _, k := range list {
		officers = append(officers, k.row)
	}
	return counters, officers, nil
}

// shareRow is a label with a count and its share.
type shareRow struct {
	Label string
	Count string
	Share string
}

// channelRows are the responses per channel, in a fixed order.
func (s *Server) channelRows(ctx context.Context, f fmtr, t *dashScope, total int) ([]shareRow, int, error) {
	by, err := s.Reports.Breakdown(ctx, t.Agency, t.Def, t.Month, report.ByChannel)
	if err != nil {
		return nil, 0, err
	}
	var rows []shareRow
	kiosk := 0
	for _, ch := range []survey.Channel{survey.ChannelKiosk, survey.ChannelQR, survey.ChannelWeb, survey.ChannelPaper} {
		sc := by[string(ch)]
		if sc == nil || sc.Result.Responses == 0 {
			continue
		}
		if ch == survey.ChannelKiosk {
			kiosk = sc.Result.Responses
		}
		rows = append(rows, shareRow{Label: f.l.T("dash.channel." + string(ch)), Count: f.l.Int(sc.Result.Responses), Share: f.share(sc.Result.Responses, total)})
	}
	return rows, kiosk, nil
}

// dayRow is one day of the month in the data table under the bars.
type dayRow struct {
	Date  string
	Count string
}

// daysChart draws the responses per day and counts the days without any.
// Only days that have passed (before today in Asia/Ho_Chi_Minh) can be
// without responses, and only days up to today are listed: the rest of a
// month still being collected is not yet silence.
func (s *Server) daysChart(ctx context.Context, f fmtr, t *dashScope) (template.HTML, []dayRow, int, error) {
	days, err := s.Reports.Days(ctx, t.Agency, t.Def, t.Month)
	if err != nil {
		return "", nil, 0, err
	}
	today := survey.Day(s.Clock.Now())
	counts := make([]int, len(days))
	ticks := make([]string, len(days))
	var rows []dayRow
	empty, peak, peakDay := 0, 0, ""
	for i, d := range days {
		counts[i] = d.Responses
		day := d.Date[8:] + "/" + d.Date[5:7]
		if i == 0 || (i+1)%5 == 0 {
			ticks[i] = strconv.Itoa(i + 1)
		}
		if d.Responses == 0 && d.Date < today {
			empty++
		}
		if d.Responses > peak {
			peak, peakDay = d.Responses, day
		}
		if d.Date <= today {
			rows = append(rows, dayRow{Date: day, Count: f.l.Int(d.Responses)})
		}
	}
	desc := f.l.T("dash.days.desc", map[string]any{"Empty": f.l.Int(empty), "Peak": f.l.Int(peak), "Day": peakDay})
	return dayBars("days", f.l.T("dash.days.title"), desc, counts, ticks), rows, empty, nil
}

// quality lists the data-quality facts of UX.md §3 item 6 that the rollups
// know: flagged responses left out, partial responses, comments, kiosk
// share and silent days, and the response rate where dossier counts exist.
func qualityFacts(f fmtr, cur *report.Score, kiosk, emptyDays int) []string {
	n := cur.Result.Responses
	out := []string{f.l.T("dash.quality.rate_unknown")}
	if r := buildDossierFacts(f, cur.Dossiers, 0); r.Rate != "" {
		out[0] = r.Rate
	}
	out = append(out, f.l.T("dash.quality.excluded", map[string]any{"Count": f.l.Int(cur.Excluded)}))
	if n > 0 {
		out = append(out, f.l.T("dash.quality.kiosk", map[string]any{"Share": f.share(kiosk, n), "Other": f.share(n-kiosk, n)}))
		out = append(out, f.l.T("dash.quality.partial", map[string]any{"Count": f.l.Int(cur.Tally.Partial), "Share": f.share(cur.Tally.Partial, n)}))
		out = append(out, f.l.T("dash.quality.comments", map[string]any{"Count": f.l.Int(cur.Tally.WithComment)}))
	}
	out = append(out, f.l.T("dash.quality.empty_days", map[string]any{"Count": f.l.Int(emptyDays)}))
	return out
}

// trendRow is one month in the trend's data table.
type trendRow struct {
	Month    string
	Short    string // "10/2026", for the print table's columns
	Index    string
	CI       string
	N        string
	Reliable bool
}

// buildTrend draws the 13 months, as a chart and as the headline's
// sparkline, and lists them in a table; others are merged predecessors'
// lines, drawn in the chart only.
func buildTrend(f fmtr, series []*report.Score, others ...trendLine) (chart, spark template.HTML, rows []trendRow) {
	pts := make([]trendPoint, len(series))
	for i, sc := range series {
		idx, ci := sc.Headline()
		p := trendPoint{Value: idx.Value, Valid: idx.Valid, Reliable: sc.Result.Reliable, HasCI: ci != nil && idx.Valid}
		if p.HasCI {
			p.Lo, p.Hi = ci.Lo, ci.Hi
		}
		if (len(series)-1-i)%2 == 0 {
			p.Tick = shortMonth(f, sc.Month)
		}
		pts[i] = p
		rows = append(rows, trendRow{Month: f.l.Month(sc.Month), Short: shortMonth(f, sc.Month), Index: f.pct(idx), CI: f.interval(ci), N: f.l.Int(sc.Result.Responses), Reliable: sc.Result.Reliable})
	}
	first, last := series[0], series[len(series)-1]
	idx, _ := last.Headline()
	desc := f.l.T("dash.trend.desc", map[string]any{"Month": f.l.Month(last.Month), "Index": f.pct(idx)})
	if len(others) > 0 {
		var codes []string
		for _, o := range others {
			codes = append(codes, o.Label)
		}
		desc += " " + f.l.T("dash.trend.desc_history", map[string]any{"Codes": semicolons(codes)})
	}
	title := f.l.T("dash.trend.title", map[string]any{"From": f.l.Month(first.Month), "To": f.l.Month(last.Month)})
	return trendChart("trend", title, desc, pts, func(v float64) string { return f.l.Percent(v, 0) }, f.pct(idx), others...), sparkline(pts), rows
}

// shortMonth is an axis label: "11/2025" in Vietnamese, "Nov 2025" in English.
func shortMonth(f fmtr, ym string) string {
	t, err := survey.ParseMonth(ym)
	if err != nil {
		return ym
	}
	if f.l.Lang() == "en" {
		return t.Format("Jan 2006")
	}
	return t.Format("1/2006")
}
