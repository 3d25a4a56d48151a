package web

import (
	"math"

	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/score"
)

// progressView is an agency's year so far against its target, for the
// scorecard, the year view and its print (issue 14, parts 2 and 5).
type progressView struct {
	Period     string // "tháng 1 – tháng 10/2026"
	LastPeriod string // the same months a year earlier
	Index      string
	CI         string
	Responses  string
	Reliable   bool
	LastIndex  string
	LastCI     string
	LastN      string
	Change     changeText
	Target     string // "85,00%", "" without a target
	Source     string // "chỉ tiêu riêng" or "kế thừa từ UBND thành phố Cần Thơ"
	RateTarget string // the response-rate target and why it cannot be judged yet
	Verdict    string
	Class      string // met, below, unclear, unknown: a CSS hook beside the words
	Gap        string // "thấp hơn chỉ tiêu 3,20 điểm"
}

// periodLabel names months From–To of one year: "tháng 1 – tháng 10/2026".
func periodLabel(f fmtr, from, to string) string {
	if from == to {
		return monthInSentence(f.l, to)
	}
	return f.l.T("plan.period", map[string]any{"From": monthInSentence(f.l, from), "To": monthInSentence(f.l, to)})
}

// verdictText words a verdict; the class only styles what the words say.
func verdictText(f fmtr, v score.Verdict, hasTarget bool) (string, string) {
	if !hasTarget {
		return f.l.T("plan.verdict.no_target"), "unknown"
	}
	return f.l.T("plan.verdict." + string(v)), string(v)
}

func buildProgress(f fmtr, st *report.Standing) progressView {
	idx, ci := st.Period.Headline()
	lidx, lci := st.LastYear.Headline()
	p := progressView{Period: periodLabel(f, st.From, st.To), LastPeriod: periodLabel(f, st.LastYear.From, st.LastYear.To),
		Index: f.pct(idx), CI: f.interval(ci), Responses: f.responses(st.Period.Result.Responses), Reliable: st.Period.Result.Reliable,
		LastIndex: f.pct(lidx), LastCI: f.interval(lci), LastN: f.responses(st.LastYear.Result.Responses)}
	p.Change = f.yearChange(st.Change)
	p.Verdict, p.Class = verdictText(f, st.Verdict, st.Target != nil)
	if st.Target == nil {
		return p
	}
	p.Target = f.l.Percent(st.Target.Index, 2)
	p.Source = f.l.T("plan.source.own")
	if st.Inherited() {
		p.Source = f.l.T("plan.source.inherited", map[string]any{"Agency": st.SetBy.Name.In(f.l.Lang())})
	}
	if r := st.Target.ResponseRate; r != nil {
		p.RateTarget = f.l.T("plan.rate_target", map[string]any{"Rate": f.l.Percent(*r, 1)})
	}
	if idx.Valid {
		pts := f.l.Number(math.Abs(st.Gap), 2)
		switch {
		case st.Verdict == score.VerdictBelow:
			p.Gap = f.l.T("plan.gap.below", map[string]any{"Points": pts})
		case st.Gap >= 0:
			p.Gap = f.l.T("plan.gap.above", map[string]any{"Points": pts})
		default:
			p.Gap = f.l.T("plan.gap.short", map[string]any{"Points": pts})
		}
	}
	return p
}

// yearChange words the change against the same months a year earlier.
func (f fmtr) yearChange(ch report.Change) changeText {
	if !ch.Valid {
		return changeText{Text: f.l.T("plan.change.none"), Short: noFigure, Class: "none"}
	}
	signed := f.l.Number(ch.Delta, 2)
	if ch.Delta > 0 && signed != f.l.Number(0, 2) {
		signed = "+" + signed
	}
	short := f.l.T("dash.change.short", map[string]any{"Delta": signed})
	switch {
	case !ch.Significant:
		return changeText{Text: f.l.T("plan.change.noise", map[string]any{"Delta": signed}),
			Short: f.l.T("dash.change.short_noise", map[string]any{"Delta": signed}), Class: "flat"}
	case ch.Delta >= 0:
		return changeText{Arrow: "▲", Text: f.l.T("plan.change.up", map[string]any{"Delta": f.l.Number(ch.Delta, 2)}), Short: short, Class: "up"}
	}
	return changeText{Arrow: "▼", Text: f.l.T("plan.change.down", map[string]any{"Delta": f.l.Number(-ch.Delta, 2)}), Short: short, Class: "down"}
}
