package score

import "github.com/sipas-vn/sipas/server/survey"

// SIPASResult is the SIPAS-style index (SIPAS.md "Formulas"): satisfied
// shares per item rolled up to elements, aspects and the overall index by a
// plain mean (the default, which fits published figures) or by pooling.
// The embedded Tally covers all valid item answers of the scope; its CI95 is
// the interval the headline shows (UX.md §3 item 2), respondent-clustered as
// SIPAS.md requires (ClusteredInterval), like those of aspects and elements.
// An item's is Wilson's: it has at most one answer per respondent.
type SIPASResult struct {
	Rollup  survey.Rollup `json:"rollup"`
	Index   Figure        `json:"index"` // 0–100; null when no item has a valid answer
	Aspects []AspectScore `json:"aspects"`
	Tally
}

// AspectScore is one aspect: the mean of its defined elements (or pooled).
type AspectScore struct {
	Code     string         `json:"code"`
	Index    Figure         `json:"index"`
	Elements []ElementScore `json:"elements"`
	Tally
}

// ElementScore is one element (yếu tố): the mean of its defined items (or
// pooled). Its Tally gives the n, whisker and counts of UX.md §3 item 5;
// Satisfied and N feed Newcombe for the month-on-month change.
type ElementScore struct {
	Code  string      `json:"code"`
	Index Figure      `json:"index"`
	Items []ItemScore `json:"items"`
	Tally
}

// ItemScore is one item (tiêu chí): I_i = 100·s_i/n_i, undefined when
// n_i = 0. Its Tally.Mean is the item's mean score (1–5).
type ItemScore struct {
	Code  string `json:"code"`
	Index Figure `json:"index"`
	Tally
}

// rollup combines child figures into a node's index: the mean of the
// defined children, or the pooled share of everything below the node.
func rollup(how survey.Rollup, children []Figure, pooled *tally) Figure {
	if how == survey.RollupPooled {
		return ratio(pooled.Satisfied, pooled.N)
	}
	return meanOf(children)
}

// computeSIPAS applies SIPAS.md "Formulas". With one aspect the overall
// index equals that aspect's, which the mean of one figure gives for free.
func computeSIPAS(def *survey.Definition, c Counts) *SIPASResult {
	how := def.Rollup
	if how == "" {
		how = survey.RollupMean // SIPAS.md: the default is mean
	}
	out := &SIPASResult{Rollup: how, Aspects: make([]AspectScore, 0, len(def.Aspects))}
	all := &tally{}
	var aspectIdx []Figure
	for _, a := range def.Aspects {
		at := &tally{}
		as := AspectScore{Code: a.Code, Elements: make([]ElementScore, 0, len(a.Elements))}
		var elemIdx []Figure
		for _, e := range a.Elements {
			et := &tally{}
			es := ElementScore{Code: e.Code, Items: make([]ItemScore, 0, len(e.Items))}
			var itemIdx []Figure
			for _, q := range e.Items {
				it := itemTally(q, c.Items[q.Code])
				is := ItemScore{Code: q.Code, Tally: it.done()}
				is.Index = is.Pooled
				es.Items = append(es.Items, is)
				itemIdx = append(itemIdx, is.Index)
				et.add(it)
			}
			es.Index = rollup(how, itemIdx, et)
			es.Tally = et.done()
			es.CI95 = ClusteredInterval(es.Index, c.Moments[ElementNode(e.Code)], es.N)
			as.Elements = append(as.Elements, es)
			elemIdx = append(elemIdx, es.Index)
			at.add(et)
		}
		as.Index = rollup(how, elemIdx, at)
		as.Tally = at.done()
		as.CI95 = ClusteredInterval(as.Index, c.Moments[AspectNode(a.Code)], as.N)
		out.Aspects = append(out.Aspects, as)
		aspectIdx = append(aspectIdx, as.Index)
		all.add(at)
	}
	out.Index = rollup(how, aspectIdx, all)
	out.Tally = all.done()
	out.CI95 = ClusteredInterval(out.Index, c.Moments[IndexNode], out.N)
	return out
}
