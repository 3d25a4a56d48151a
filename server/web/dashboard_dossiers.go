package web

import (
	"github.com/sipas-vn/sipas/server/report"
)

// dossierFacts are the scorecard's sentences on dossier counts: the
// response rate (with a warning when low), codes used, and the QĐ 766/QĐ-TTg
// indicator. All empty where no counts were reported: nothing, not 0 %.
type dossierFacts struct {
	Rate        string
	RateLow     string // the warning on how far the index can be trusted
	Codes       string
	QD766       string // "Mức độ hài lòng theo QĐ 766/QĐ-TTg: 91,25%"
	QD766Detail string
	QD766Source string
}

// buildDossierFacts words d; low is the warning threshold (a fraction), 0
// for no warning.
func buildDossierFacts(f fmtr, d *report.Dossiers, low float64) dossierFacts {
	var out dossierFacts
	if d == nil {
		return out
	}
	l := f.l
	if r := d.Responses; r != nil {
		out.Rate = l.T("counts.rate", map[string]any{"Rate": f.pct(r.Value), "Responses": l.Int(r.Num), "Received": l.Int(r.Den)})
		if low > 0 && r.Low(low) {
			out.RateLow = l.T("counts.rate_low", map[string]any{"Threshold": l.Percent(100*low, 0)})
		}
	}
	if r := d.Codes; r != nil {
		out.Codes = l.T("counts.codes", map[string]any{"Rate": f.pct(r.Value), "Used": l.Int(r.Num), "Issued": l.Int(r.Den)})
	}
	if q := d.QD766; q != nil {
		out.QD766 = l.T("counts.qd766.value", map[string]any{"Index": f.pct(q.Index)})
		out.QD766Detail = l.T("counts.qd766.detail", map[string]any{"Handled": l.Int(q.Handled), "Late": l.Int(q.Late),
			"Complaints": l.Int(q.Complaints), "NotSatisfied": l.Int(q.NotSatisfied), "Rated": l.Int(q.Rated)})
		out.QD766Source = l.T("counts.qd766.source")
	}
	return out
}
