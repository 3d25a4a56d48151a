package collect

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
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

// tablet, phone and paperAt are the facts of a response from each way in.
func tablet(source string, at time.Time, answers string, m survey.Method) facts {
	return facts{source: source, via: ViaTablet, method: m, at: at, answers: answersKey([]byte(answers)), clockOK: true, seqOK: true}
}

func phone(source string, at time.Time, answers string, m survey.Method) facts {
	f := tablet(source, at, answers, m)
	f.via = ViaPhone
	return f
}

func TestFlags(t *testing.T) {
	r := DefaultRules()
	h := newHistory(r.BurstWindow)
	ict := time.FixedZone("ICT", 7*3600)
	day := time.Date(2026, 11, 27, 9, 0, 0, 0, ict)
	sipas, quick := survey.MethodSIPAS, survey.MethodQuick

	if f := r.flags(h, tablet("a", day, "x", sipas)); len(f) != 0 {
		t.Errorf("first response flagged %v", f)
	}
	if f := r.flags(h, tablet("a", day.Add(2*time.Second), "y", quick)); !slices.Contains(f, FlagRepeat) {
		t.Errorf("2 s later on a tablet: %v, want repeat", f)
	}
	if f := r.flags(h, phone("p", day, "y", quick)); len(f) != 0 {
		t.Errorf("first phone response flagged %v", f)
	}
	if f := r.flags(h, phone("p", day.Add(3*time.Second), "y", quick)); !slices.Contains(f, FlagRepeat) {
		t.Errorf("3 s later from the same phone: %v, want repeat", f)
	}
	if f := r.flags(h, tablet("b", day.Add(2*time.Second), "y", sipas)); slices.Contains(f, FlagRepeat) {
		t.Errorf("another source flagged as repeat: %v", f)
	}
	// The full questionnaire: the fifth identical answer set within the
	// window is a burst; the first four are not.
	hb := newHistory(r.BurstWindow)
	for i := range 6 {
		f := r.flags(hb, tablet("c", day.Add(time.Duration(i)*time.Minute), "same", sipas))
		if got := slices.Contains(f, FlagBurst); got != (i >= 4) {
			t.Errorf("identical full answer sets #%d: burst=%v", i+1, got)
		}
	}
	// Outside the window, the count starts again.
	if f := r.flags(hb, tablet("c", day.Add(30*time.Minute), "same", sipas)); slices.Contains(f, FlagBurst) {
		t.Errorf("after the window: %v", f)
	}
	// Six "Rất hài lòng" on the quick rating from one tablet, 6.5 s apart:
	// a busy counter, not a burst, and not a repeat.
	for i := range 6 {
		at := day.Add(time.Hour + time.Duration(i)*6500*time.Millisecond)
		if f := r.flags(hb, tablet("q", at, "HL5", quick)); len(f) != 0 {
			t.Errorf("quick rating #%d, 6.5 s apart: %v", i+1, f)
		}
	}
	for _, m := range []survey.Method{survey.MethodND61, quick} {
		hp := newHistory(r.BurstWindow)
		for i := range 6 {
			if f := r.flags(hp, phone("n", day.Add(time.Duration(i)*time.Minute), "same", m)); slices.Contains(f, FlagBurst) {
				t.Errorf("%s from one phone, #%d: %v; identical answer sets are normal there", m, i+1, f)
			}
		}
	}
	late := time.Date(2026, 11, 27, 22, 30, 0, 0, ict)
	if f := r.flags(h, tablet("d", late, "z", quick)); !slices.Contains(f, FlagOddHours) {
		t.Errorf("22:30 ICT on a tablet: %v, want odd_hours", f)
	}
	if f := r.flags(h, phone("d2", late, "z", quick)); len(f) != 0 {
		t.Errorf("22:30 ICT on a phone: %v; a citizen rating from home is normal", f)
	}
	// 14:30 UTC is 21:30 in Ho Chi Minh City: odd, although it is afternoon in UTC.
	if f := r.flags(h, tablet("e", time.Date(2026, 11, 27, 14, 30, 0, 0, time.UTC), "z", sipas)); !slices.Contains(f, FlagOddHours) {
		t.Errorf("14:30Z: %v, want odd_hours", f)
	}
	odd := tablet("f", day, "z", sipas)
	odd.clockOK, odd.tokenFromDevice, odd.seqOK = false, true, false
	if f := r.flags(h, odd); !slices.Equal(f, []string{FlagClock, FlagOfficerDevice, FlagSequence}) {
		t.Errorf("clock, officer device and sequence: %v", f)
	}
	paper := facts{source: "counter:CT-01|", via: ViaPaper, method: quick, at: late, answers: answersKey([]byte("z")), clockOK: true, seqOK: true}
	for i := range 6 {
		paper.at = paper.at.Add(time.Second)
		if f := r.flags(h, paper); len(f) != 0 {
			t.Errorf("paper form #%d typed in at 22:30: %v; the time is the clerk's", i+1, f)
		}
	}
	paper.clockOK = false
	if f := r.flags(h, paper); !slices.Equal(f, []string{FlagClock}) {
		t.Errorf("paper form with an implausible date: %v, want clock", f)
	}
	if r.excluded([]string{FlagClock}) || r.excluded([]string{FlagSequence}) || !r.excluded([]string{FlagClock, FlagBurst}) {
		t.Error("exclusion: clock and sequence alone must count, burst must not")
	}
}

func TestSequenceNumbers(t *testing.T) {
	cases := []struct {
		seq, last int64
		ok        bool
	}{
		{1, 0, true}, {42, 41, true}, {7, 41, true}, // a resend, or numbers after a reinstall
		{100_000, 0, true}, {100_001, 0, false}, {150_000, 60_000, true},
		{0, 10, false}, {-1, 10, false}, {math.MaxInt64, 0, false},
		{math.MaxInt64, math.MaxInt64 - 5, true}, // a device already broken by the old rule cannot overflow the check
	}
	for _, tc := range cases {
		if got := plausibleSeq(tc.seq, tc.last); got != tc.ok {
			t.Errorf("seq %d after %d: %v, want %v", tc.seq, tc.last, got, tc.ok)
		}
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
