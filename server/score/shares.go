package score

import (
	"fmt"

	"github.com/sipas-vn/sipas/server/survey"
)

// Share is one item's valid answers and how many of them are satisfied.
type Share struct {
	Valid, Satisfied int
}

// FromShares scores a scope known only by each item's satisfied share and
// the index's Moments, as rankings of thousands of agencies read it: the
// index, its interval, n and the reliability flag are exactly what Compute
// gives on the full counts; the aspect, element and item breakdowns, means
// and level counts are left empty. SIPAS-style and quick methods only: the
// QĐ 766 ratio of nd61 needs per-response counts.
func FromShares(def *survey.Definition, responses int, shares map[string]Share, index Moments) (Result, error) {
	if def == nil {
		return Result{}, ErrNoDefinition
	}
	r := Result{Method: def.Method, DefinitionID: def.ID, Version: def.Version, Responses: responses,
		Reliable: responses >= MinResponses}
	switch def.Method {
	case survey.MethodSIPAS:
		how := def.Rollup
		if how == "" {
			how = survey.RollupMean
		}
		all := &tally{}
		var aspectIdx []Figure
		for _, a := range def.Aspects {
			at := &tally{}
			var elemIdx []Figure
			for _, e := range a.Elements {
				et := &tally{}
				var itemIdx []Figure
				for _, q := range e.Items {
					sh := shares[q.Code]
					itemIdx = append(itemIdx, ratio(sh.Satisfied, sh.Valid))
					et.N += sh.Valid
					et.Satisfied += sh.Satisfied
				}
				elemIdx = append(elemIdx, rollup(how, itemIdx, et))
				at.N += et.N
				at.Satisfied += et.Satisfied
			}
			aspectIdx = append(aspectIdx, rollup(how, elemIdx, at))
			all.N += at.N
			all.Satisfied += at.Satisfied
		}
		r.SIPAS = &SIPASResult{Rollup: how, Index: rollup(how, aspectIdx, all), Aspects: []AspectScore{}, Tally: shareTally(all.N, all.Satisfied)}
		r.SIPAS.CI95 = ClusteredInterval(r.SIPAS.Index, index, all.N)
	case survey.MethodQuick:
		items := def.Items()
		if len(items) == 0 {
			return Result{}, fmt.Errorf("score: definition %s has no scored question", def.ID)
		}
		sh := shares[items[0].Code]
		r.Quick = &QuickResult{Item: items[0].Code, Index: ratio(sh.Satisfied, sh.Valid), Tally: shareTally(sh.Valid, sh.Satisfied)}
	default:
		return Result{}, fmt.Errorf("score: FromShares cannot score method %q", def.Method)
	}
	r.finish()
	return r, nil
}

func shareTally(n, s int) Tally {
	return Tally{N: n, Satisfied: s, Pooled: ratio(s, n), CI95: wilsonInterval(s, n), Counts: []LevelCount{}}
}
