package report

import "github.com/sipas-vn/sipas/server/score"

// Change compares a figure with an earlier one (UX.md §3 item 2): the
// difference of the indexes in points, and whether it is more than noise by
// Newcombe's interval on the pooled satisfied shares behind them.
type Change struct {
	Valid       bool    // both figures are defined
	Delta       float64 // current − earlier index, in points
	Lo, Hi      float64 // Newcombe 95% interval of the pooled difference, in points
	Significant bool    // the interval excludes 0
}

// Compare builds a Change from two indexes and the satisfied and valid
// answers behind each. The words on the page follow the index difference;
// significance follows the pooled shares, as the interval of the headline
// does, since a mean of item shares has no interval of its own.
func Compare(cur, prev score.Figure, s1, n1, s2, n2 int) Change {
	if !cur.Valid || !prev.Valid || n1 <= 0 || n2 <= 0 {
		return Change{}
	}
	lo, hi := score.Newcombe(s1, n1, s2, n2)
	return Change{Valid: true, Delta: cur.Value - prev.Value, Lo: lo, Hi: hi, Significant: lo > 0 || hi < 0}
}

// CompareScores compares the headline figures of two scores.
func CompareScores(cur, prev *Score) Change {
	if cur == nil || prev == nil {
		return Change{}
	}
	i1, n1, s1 := cur.Headline()
	i2, n2, s2 := prev.Headline()
	return Compare(i1, i2, s1, n1, s2, n2)
}
