package alert

import (
	"fmt"
	"time"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/survey"
)

// commentShown is how much of a citizen's comment a one-line summary quotes.
const commentShown = 200

// Describe words an alert in one line in the reader's language.
func Describe(l *i18n.Localizer, a *survey.Alert) string {
	d := a.Detail
	agency := d.AgencyName.In(l.Lang())
	if agency == "" {
		agency = d.AgencyCode
	}
	data := map[string]any{"Agency": agency, "Code": d.AgencyCode}
	switch a.Rule {
	case survey.RuleIndexDrop:
		data["Month"], data["Previous"] = periodName(l, d.Month), periodName(l, d.Previous)
		data["Index"], data["Delta"] = l.Percent(d.Index, 2), l.Number(d.Delta, 2)
		data["Lo"], data["Hi"] = l.Number(d.Lo, 2), l.Number(d.Hi, 2)
	case survey.RuleTabletSilent:
		last, _ := time.Parse(time.RFC3339, d.LastSeen)
		data["Device"], data["Counter"], data["LastSeen"] = d.Device, d.Counter, l.DateTime(last)
		data["Hours"] = l.Number(d.Hours, 1)
	case survey.RuleLowRating:
		c := []rune(d.Comment)
		if len(c) > commentShown {
			c = append(c[:commentShown], '…')
		}
		data["Rating"], data["Comment"], data["Counter"], data["Response"] = l.Int(d.Rating), string(c), d.Counter, d.Response
	case survey.RuleResponseRate:
		data["Month"], data["Rate"], data["Threshold"] = l.Month(d.Month), l.Percent(d.Rate*100, 1), l.Percent(d.Threshold*100, 0)
	case survey.RuleTest:
		data["By"] = d.Requested
	}
	return l.T("alerts.rule."+string(a.Rule)+".line", data)
}

// periodName names a month ("YYYY-MM") or a quarter ("YYYY-Qn") in the
// reader's language.
func periodName(l *i18n.Localizer, p string) string {
	var year, q int
	if n, _ := fmt.Sscanf(p, "%d-Q%d", &year, &q); n == 2 {
		return l.T("alerts.quarter", map[string]any{"Quarter": q, "Year": year})
	}
	return l.Month(p)
}
