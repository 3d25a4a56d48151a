package report

import "github.com/sipas-vn/sipas/server/score"

// Change compares a figure with an earlier one (UX.md §3 item 2): the
// difference in points, and whether it is more than noise by the interval
// of the difference built from the two figures' own respondent-clustered
// intervals (score.Difference).
type Change struct {
	Valid       bool    // both figures are defined
	Delta       float64 // current − earlier, in points
	Lo, Hi      float64 // 95% interval of the difference, in points
	Significant bool    // the interval excludes 0
}

// Compare builds a Change from two figures and their 95% intervals. Without
// both intervals the change is shown but never called more than noise.
func Compare(cur score.Figure, curCI *score.Interval, prev score.Figure, prevCI *score.Interval) Change {
	if !cur.Valid || !prev.Valid {
		return Change{}
	}
	lo, hi := score.Difference(cur.Value, curCI, prev.Value, prevCI)
	return Change{Valid: true, Delta: cur.Value - prev.Value, Lo: lo, Hi: hi, Significant: lo > 0 || hi < 0}
}

// CompareScores compares the headline figures of two scores.
func CompareScores(cur, prev *Score) Change {
	if cur == nil || prev == nil {
		return Change{}
	}
	i1, c1 := cur.Headline()
	i2, c2 := prev.Headline()
	return Compare(i1, c1, i2, c2)
}
