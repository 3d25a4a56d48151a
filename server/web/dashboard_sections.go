package web

import (
	"html/template"
	"maps"
	"net/url"
	"slices"
	"sort"

	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// elementRow is one element (yếu tố) of the scorecard, in official order.
type elementRow struct {
	Code     string
	Name     string
	Index    string
	CI       string
	Whisker  template.HTML
	N        string
	Change   changeText
	Weakest  bool
	Comments string // the comments page filtered to this element
	Items    []itemRow
}

// itemRow is one item (tiêu chí), or one nd61 criterion.
type itemRow struct {
	Code   string
	Text   string
	Index  string // satisfied share
	Points string // nd61: average points of the criterion
	N      string
	NA     string
	Mean   string
	Bar    template.HTML
	Levels []levelEntry
}

// sortWeakestFirst orders items by index, undefined ones last, so the
// expanded element starts with what to fix (UX.md §3 item 5).
func sortWeakestFirst[T any](xs []T, key func(T) score.Figure) {
	sort.SliceStable(xs, func(i, j int) bool {
		a, b := key(xs[i]), key(xs[j])
		if a.Valid != b.Valid {
			return a.Valid
		}
		return a.Value < b.Value
	})
}

// itemOf builds an item row from its tally.
func itemOf(f fmtr, def *survey.Definition, code string, idx score.Figure, t score.Tally) itemRow {
	q := def.Question(code)
	row := itemRow{Code: code, Text: code, Index: f.pct(idx), N: f.l.Int(t.N)}
	var scale *survey.Scale
	if q != nil {
		row.Text, scale = q.Text.In(f.l.Lang()), q.Scale
	}
	if t.NA > 0 {
		row.NA = f.l.T("dash.item.na", map[string]any{"Share": f.share(t.NA, t.N+t.NA)})
	}
	if t.Mean.Valid {
		row.Mean = f.l.Number(t.Mean.Value, 2)
	}
	d := buildDistribution(f, "it-"+code, def, t, scale, true)
	row.Bar, row.Levels = d.Bar, d.Levels
	return row
}

// buildElements lists the elements in official order with their change
// since the previous month, and names the weakest. nd61 has one element of
// nine criteria, which are listed in official order.
func buildElements(f fmtr, cur, prev *report.Score, commentsURL string) ([]elementRow, string) {
	def := cur.Definition
	switch {
	case cur.Result.SIPAS != nil:
		prevEl := map[string]score.ElementScore{}
		if prev != nil && prev.Result.SIPAS != nil {
			for _, a := range prev.Result.SIPAS.Aspects {
				for _, e := range a.Elements {
					prevEl[e.Code] = e
				}
			}
		}
		var rows []elementRow
		weakest, weakIdx := -1, score.Figure{}
		var los []float64
		for _, a := range cur.Result.SIPAS.Aspects {
			for _, e := range a.Elements {
				if e.CI95 != nil {
					los = append(los, e.CI95.Lo)
				}
			}
		}
		axis := whiskerAxis(los...)
		for _, a := range cur.Result.SIPAS.Aspects {
			for _, e := range a.Elements {
				row := elementRow{Code: e.Code, Name: elementTitle(def, e.Code, f.l.Lang()), Index: f.pct(e.Index), CI: f.interval(e.CI95),
					N: f.l.Int(e.N), Comments: commentsURL + "&element=" + url.QueryEscape(e.Code)}
				if e.CI95 != nil {
					row.Whisker = whisker(e.Index.Value, e.CI95.Lo, e.CI95.Hi, e.Index.Valid, cur.Result.Reliable, axis)
				}
				p := prevEl[e.Code]
				row.Change = f.change(report.Compare(e.Index, e.CI95, p.Index, p.CI95), prevMonth(cur, prev))
				items := slices.Clone(e.Items)
				sortWeakestFirst(items, func(it score.ItemScore) score.Figure { return it.Index })
				for _, it := range items {
					row.Items = append(row.Items, itemOf(f, def, it.Code, it.Index, it.Tally))
				}
				if e.Index.Valid && (weakest < 0 || e.Index.Value < weakIdx.Value) {
					weakest, weakIdx = len(rows), e.Index
				}
				rows = append(rows, row)
			}
		}
		if weakest < 0 {
			return rows, ""
		}
		rows[weakest].Weakest = true
		return rows, f.l.T("dash.elements.weakest", map[string]any{"Name": rows[weakest].Name, "Index": rows[weakest].Index})
	case cur.Result.ND61 != nil:
		nd := cur.Result.ND61
		row := elementRow{Name: f.l.T("dash.nd61.criteria"), Index: f.pct(nd.Pooled), CI: f.interval(nd.CI95), N: f.l.Int(nd.N)}
		weak := -1
		for i, c := range nd.Criteria {
			it := itemOf(f, def, c.Code, c.Pooled, c.Tally)
			if c.Points.Valid {
				it.Points = f.l.Number(c.Points.Value, 2) + " / " + f.l.Int(c.Max)
				if weak < 0 || c.Points.Value < nd.Criteria[weak].Points.Value {
					weak = i
				}
			}
			row.Items = append(row.Items, it)
		}
		if weak < 0 {
			return []elementRow{row}, ""
		}
		return []elementRow{row}, f.l.T("dash.nd61.weakest", map[string]any{"Name": row.Items[weak].Text, "Points": row.Items[weak].Points})
	}
	return nil, ""
}

func prevMonth(cur, prev *report.Score) string {
	if prev != nil {
		return prev.Month
	}
	return report.Months(cur.Month, 2)[0]
}

func elementTitle(def *survey.Definition, code, lang string) string {
	for _, a := range def.Aspects {
		for _, e := range a.Elements {
			if e.Code == code {
				return e.Title.In(lang)
			}
		}
	}
	return code
}

// partBlock is one unscored part: follow-up reasons, integrity,
// priorities or the respondent profile, as counts per option.
type partBlock struct {
	Code      string
	Title     string
	Matrix    bool     // every question has the same options: one table, options as columns
	Columns   []string // option labels when Matrix
	Questions []choiceQuestion
}

// choiceQuestion is one question's answers; with Matrix its rows line up
// with the part's columns.
type choiceQuestion struct {
	Text     string
	Answered string
	Rows     []choiceRow
	TooFew   string // set instead of Rows: a profile question with too few answers to show without identifying people
}

type choiceRow struct {
	Label string
	Count string
	Share string
}

// buildParts counts the answers of each unscored choice question from the
// rollups. Multi-choice reasons are sorted by how often they were chosen,
// out of the answers that showed the question; the others keep option order.
func buildParts(f fmtr, def *survey.Definition, t map[string]map[string]int, responses int) (reasons, others []partBlock) {
	lang := f.l.Lang()
	for _, p := range def.Parts {
		b := partBlock{Code: p.Code, Title: p.Title.In(lang), Matrix: true}
		if profilePart(p) {
			b.Title = f.l.T("dash.profile.heading") // the form words it for the citizen ("About you")
		}
		multi := false
		for qi, q := range p.Questions {
			if len(q.Options) == 0 || q.Kind == survey.KindText {
				continue
			}
			vals := t[q.Code]
			if len(vals) == 0 {
				continue
			}
			multi = multi || q.Kind == survey.KindMulti
			base := 0
			for _, o := range q.Options {
				base += vals[o.Code]
			}
			if q.Kind == survey.KindMulti {
				base = shownCount(def, q, t, responses)
			}
			cq := choiceQuestion{Text: q.Text.In(lang), Answered: f.l.Int(base)}
			if q.Kind == survey.KindProfile && base < officerMinRatings {
				// The same floor as officers': a handful of answers about age
				// or job could point at the people who gave them.
				cq.TooFew = f.l.T("dash.profile.too_few", map[string]any{"Min": f.l.Int(officerMinRatings)})
				b.Matrix = false
				b.Questions = append(b.Questions, cq)
				continue
			}
			opts := slices.Clone(q.Options)
			if q.Kind == survey.KindMulti { // top reasons first
				sort.SliceStable(opts, func(i, j int) bool { return vals[opts[i].Code] > vals[opts[j].Code] })
			}
			for _, o := range opts {
				cq.Rows = append(cq.Rows, choiceRow{Label: o.Label.In(lang), Count: f.l.Int(vals[o.Code]), Share: f.share(vals[o.Code], base)})
			}
			if qi > 0 && len(b.Questions) > 0 && !sameOptions(p.Questions[0], q) {
				b.Matrix = false
			}
			b.Questions = append(b.Questions, cq)
		}
		if len(b.Questions) == 0 {
			continue
		}
		if b.Matrix {
			for _, o := range p.Questions[0].Options {
				b.Columns = append(b.Columns, o.Label.In(lang))
			}
		}
		if multi || len(b.Questions) == 1 {
			b.Matrix = false
		}
		if multi {
			reasons = append(reasons, b)
		} else {
			others = append(others, b)
		}
	}
	return reasons, others
}

// shownCount is how many respondents a follow-up was shown to: the answers
// of its condition's values (HL 1–3 for the quick rating's reasons).
func shownCount(def *survey.Definition, q *survey.Question, t map[string]map[string]int, responses int) int {
	if q.ShowIf == nil || len(q.ShowIf.Values) == 0 {
		return responses
	}
	n := 0
	for _, v := range q.ShowIf.Values {
		n += t[q.ShowIf.Question][itoa(int64(v))]
	}
	return n
}

// sameOptions reports whether two questions offer the same answers, worded
// the same: only then can one row of column headers stand for both.
func sameOptions(a, b *survey.Question) bool {
	if len(a.Options) != len(b.Options) {
		return false
	}
	for i := range a.Options {
		if a.Options[i].Code != b.Options[i].Code || !maps.Equal(a.Options[i].Label, b.Options[i].Label) {
			return false
		}
	}
	return true
}

// profilePart reports whether a part asks only about the respondent.
func profilePart(p *survey.Part) bool {
	for _, q := range p.Questions {
		if q.Kind != survey.KindProfile {
			return false
		}
	}
	return len(p.Questions) > 0
}
