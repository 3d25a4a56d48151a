package score

import "math"

// Wilson returns the Wilson score 95% interval of successes/n in percent.
// SIPAS.md asks for Wilson rather than the textbook p ± z·se because it stays
// inside [0, 100] and keeps sensible width at 0/n and n/n, which small
// communes hit often. With n ≤ 0 nothing is known and the interval is the
// whole range, 0 to 100; successes are clamped into [0, n].
func Wilson(successes, n int) (lo, hi float64) {
	l, h := wilson(successes, n)
	return 100 * l, 100 * h
}

// wilson is Wilson as proportions.
func wilson(s, n int) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	s = min(max(s, 0), n)
	return wilsonAt(float64(s)/float64(n), float64(n), Z95)
}

// Newcombe returns the 95% interval of the difference p1 − p2 of two
// independent proportions, in percentage points, by Newcombe's method 10
// (Statistics in Medicine 1998, the hybrid score interval built from the two
// Wilson intervals). It suits one yes/no per respondent (an item, the quick
// rating); indexes use Difference with their clustered intervals. When
// either n is 0 the difference is unknown and the interval is −100 to 100.
func Newcombe(s1, n1, s2, n2 int) (lo, hi float64) {
	if n1 <= 0 || n2 <= 0 {
		return -100, 100
	}
	s1, s2 = min(max(s1, 0), n1), min(max(s2, 0), n2)
	p1, p2 := 100*float64(s1)/float64(n1), 100*float64(s2)/float64(n2)
	return Difference(p1, wilsonInterval(s1, n1), p2, wilsonInterval(s2, n2))
}

// Difference returns the 95% interval of f1 − f2, in points, for two
// figures from independent samples of respondents (two months, say), each
// with its own 95% interval: Newcombe's hybrid method, which combines the
// distances from each figure to its bounds, so that a clustered interval
// carries its variance into the change (and a figure near 100 % its
// asymmetry). UX.md §3 item 2 uses it to say whether a change is more than
// noise. Without both intervals the difference is unknown: −100 to 100.
func Difference(f1 float64, ci1 *Interval, f2 float64, ci2 *Interval) (lo, hi float64) {
	if ci1 == nil || ci2 == nil {
		return -100, 100
	}
	d := f1 - f2
	lo = d - math.Hypot(f1-ci1.Lo, ci2.Hi-f2)
	hi = d + math.Hypot(ci1.Hi-f1, f2-ci2.Lo)
	return lo, hi
}

// ChangeSignificant reports whether the interval of f1 − f2 (Difference)
// excludes 0. When it does not, the dashboard says "Thay đổi nằm trong phạm
// vi sai số" instead of an arrow (UX.md §3 item 2).
func ChangeSignificant(f1 float64, ci1 *Interval, f2 float64, ci2 *Interval) bool {
	lo, hi := Difference(f1, ci1, f2, ci2)
	return lo > 0 || hi < 0
}
