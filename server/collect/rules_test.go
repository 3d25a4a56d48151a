package collect

import (
	"slices"
	"testing"
	"time"
)

func TestClockRule(t *testing.T) {
	r := DefaultRules()
	recv := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	paired := recv.Add(-72 * time.Hour)
	at := func(d time.Duration) *time.Time { t := recv.Add(d); return &t }
	cases := []struct {
		name     string
		answered *time.Time
		paired   *time.Time
		want     time.Time
		ok       bool
	}{
		{"no client time", nil, nil, recv, true},
		{"a minute before", at(-time.Minute), nil, recv.Add(-time.Minute), true},
		{"offline for 40 days", at(-40 * 24 * time.Hour), nil, recv.Add(-40 * 24 * time.Hour), true},
		{"older than 45 days", at(-46 * 24 * time.Hour), nil, recv, false},
		{"slightly fast clock", at(5 * time.Minute), nil, recv, true},
		{"far in the future", at(2 * time.Hour), nil, recv, false},
		{"before the tablet was paired", at(-96 * time.Hour), &paired, recv, false},
		{"after pairing", at(-48 * time.Hour), &paired, recv.Add(-48 * time.Hour), true},
	}
	for _, tc := range cases {
		got, ok := r.countedTime(tc.answered, recv, tc.paired)
		if !got.Equal(tc.want) || ok != tc.ok {
			t.Errorf("%s: %v %v, want %v %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFlags(t *testing.T) {
	r := DefaultRules()
	h := newHistory(r.BurstWindow)
	day := time.Date(2026, 11, 27, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

	if f := r.flags(h, "a", day, "x", true, false); len(f) != 0 {
		t.Errorf("first response flagged %v", f)
	}
	if f := r.flags(h, "a", day.Add(2*time.Second), "y", true, false); !slices.Contains(f, FlagRepeat) {
		t.Errorf("2 s later: %v, want repeat", f)
	}
	if f := r.flags(h, "b", day.Add(2*time.Second), "y", true, false); slices.Contains(f, FlagRepeat) {
		t.Errorf("another source flagged as repeat: %v", f)
	}
	// The fifth identical answer set within the window is a burst; the first four are not.
	hb := newHistory(r.BurstWindow)
	for i := range 6 {
		f := r.flags(hb, "c", day.Add(time.Duration(i)*time.Minute), "same", true, false)
		if got := slices.Contains(f, FlagBurst); got != (i >= 4) {
			t.Errorf("identical answers #%d: burst=%v", i+1, got)
		}
	}
	// Outside the window, the count starts again.
	if f := r.flags(hb, "c", day.Add(30*time.Minute), "same", true, false); slices.Contains(f, FlagBurst) {
		t.Errorf("after the window: %v", f)
	}
	if f := r.flags(h, "d", time.Date(2026, 11, 27, 22, 30, 0, 0, time.FixedZone("ICT", 7*3600)), "z", true, false); !slices.Contains(f, FlagOddHours) {
		t.Errorf("22:30 ICT: %v, want odd_hours", f)
	}
	// 14:30 UTC is 21:30 in Ho Chi Minh City: odd, although it is afternoon in UTC.
	if f := r.flags(h, "e", time.Date(2026, 11, 27, 14, 30, 0, 0, time.UTC), "z", true, false); !slices.Contains(f, FlagOddHours) {
		t.Errorf("14:30Z: %v, want odd_hours", f)
	}
	if f := r.flags(h, "f", day, "z", false, true); !slices.Contains(f, FlagClock) || !slices.Contains(f, FlagOfficerDevice) {
		t.Errorf("clock and officer device: %v", f)
	}
	if r.excluded([]string{FlagClock}) || !r.excluded([]string{FlagClock, FlagBurst}) {
		t.Error("exclusion: clock alone must count, burst must not")
	}
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(time.Minute, 2)
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	if l.Allow("k", now) != 0 || l.Allow("k", now) != 0 {
		t.Fatal("burst of 2 refused")
	}
	if w := l.Allow("k", now); w <= 0 || w > time.Minute {
		t.Errorf("third: wait %v", w)
	}
	if l.Allow("other", now) != 0 {
		t.Error("keys are not independent")
	}
	if l.Allow("k", now.Add(time.Minute)) != 0 {
		t.Error("not refilled after a minute")
	}
	if l.Hit("k", now.Add(time.Minute)) == 0 {
		t.Error("Hit does not see an empty bucket")
	}
}
