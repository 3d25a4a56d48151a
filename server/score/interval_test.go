package score_test

import (
	"testing"

	"github.com/sipas-vn/sipas/server/score"
)

func TestWilson(t *testing.T) {
	tests := []struct {
		s, n   int
		lo, hi float64
		tol    float64
	}{
		{32, 40, 65.2, 89.5, 0.05},                                                // SIPAS.md worked example
		{32, 40, 65.2426936536005, 89.5000102745623, 1e-9},                        // full precision
		{0, 10, 0, 27.75328, 1e-4},                                                // 0/n: exactly 0 below
		{10, 10, 72.24672, 100, 1e-4},                                             // n/n: exactly 100 above
		{0, 1, 0, 100 * score.Z95 * score.Z95 / (1 + score.Z95*score.Z95), 1e-12}, // closed form z²/(n+z²)
		{0, 0, 0, 100, 0},                                                         // nothing known
		{-3, 10, 0, 27.75328, 1e-4},                                               // clamped
		{12, 10, 72.24672, 100, 1e-4},
	}
	for _, tc := range tests {
		lo, hi := score.Wilson(tc.s, tc.n)
		near(t, "lo", lo, tc.lo, tc.tol)
		near(t, "hi", hi, tc.hi, tc.tol)
		if tc.s <= 0 && lo != 0 || tc.s >= tc.n && hi != 100 {
			t.Errorf("Wilson(%d, %d) = %v, %v: extremes must be exact", tc.s, tc.n, lo, hi)
		}
	}
}

// Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10,
// as proportions.
func TestNewcombeMatchesPublishedExamples(t *testing.T) {
	tests := []struct {
		s1, n1, s2, n2 int
		lo, hi         float64
	}{
		{56, 70, 48, 80, 0.0524, 0.3339},
		{9, 10, 3, 10, 0.1705, 0.8090},
		{5, 56, 0, 29, -0.0381, 0.1926},
		{0, 10, 0, 20, -0.1611, 0.2775},
		{0, 10, 0, 10, -0.2775, 0.2775},
		{10, 10, 0, 20, 0.6791, 1.0000},
		{10, 10, 0, 10, 0.6075, 1.0000},
	}
	for _, tc := range tests {
		lo, hi := score.Newcombe(tc.s1, tc.n1, tc.s2, tc.n2)
		near(t, "lo", lo, 100*tc.lo, 0.005) // published to 4 decimals of a proportion
		near(t, "hi", hi, 100*tc.hi, 0.005)
		// Swapping the samples mirrors the interval.
		rlo, rhi := score.Newcombe(tc.s2, tc.n2, tc.s1, tc.n1)
		near(t, "mirrored lo", rlo, -hi, 1e-9)
		near(t, "mirrored hi", rhi, -lo, 1e-9)
	}
	if lo, hi := score.Newcombe(1, 0, 3, 10); lo != -100 || hi != 100 {
		t.Errorf("n1 = 0: %v, %v; want -100, 100", lo, hi)
	}
}

func TestChangeSignificant(t *testing.T) {
	tests := []struct {
		s1, n1, s2, n2 int
		want           bool
	}{
		{56, 70, 48, 80, true}, // 0.0524..0.3339 excludes 0
		{48, 80, 56, 70, true}, // a fall is a change too
		{5, 56, 0, 29, false},  // -0.0381..0.1926 straddles 0
		{330, 412, 310, 400, false},
		{0, 0, 10, 10, false}, // nothing to compare
	}
	for _, tc := range tests {
		if got := score.ChangeSignificant(share(tc.s1, tc.n1), wilsonCI(tc.s1, tc.n1), share(tc.s2, tc.n2), wilsonCI(tc.s2, tc.n2)); got != tc.want {
			t.Errorf("ChangeSignificant(%d/%d vs %d/%d) = %v, want %v", tc.s1, tc.n1, tc.s2, tc.n2, got, tc.want)
		}
	}
}

// share is 100·s/n, 0 without answers.
func share(s, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(s) / float64(n)
}

// wilsonCI is the Wilson interval of s/n, nil without answers.
func wilsonCI(s, n int) *score.Interval {
	if n == 0 {
		return nil
	}
	lo, hi := score.Wilson(s, n)
	return &score.Interval{Lo: lo, Hi: hi}
}
