package auth

import (
	"testing"
	"time"
)

func TestThrottleDelaysGrowThenLeakAway(t *testing.T) {
	th := &Throttle{Free: 3, Base: time.Second, Max: 10 * time.Second, Leak: time.Minute}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	var got []time.Duration
	for range 9 {
		got = append(got, th.Fail("k", now))
	}
	want := []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
	if w := th.Wait("k", now.Add(4*time.Second)); w != 6*time.Second {
		t.Errorf("wait 4 s after a 10 s delay: %v", w)
	}
	if w := th.Wait("other", now); w != 0 {
		t.Errorf("another key waits %v", w)
	}
	// Nine failures leak away in nine minutes: the next one is free again.
	if d := th.Fail("k", now.Add(9*time.Minute)); d != 0 {
		t.Errorf("after the failures leaked away: delay %v", d)
	}
	th.Fail("k", now)
	th.Reset("k")
	if w := th.Wait("k", now); w != 0 {
		t.Errorf("after a reset: %v", w)
	}
}

// TestSignInsCannotLockOutFromElsewhere: failures from some addresses slow
// those addresses only, never the same user from another one; an address
// guessing at many users is slowed down as a whole.
func TestSignInsCannotLockOutFromElsewhere(t *testing.T) {
	s := NewSignIns()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i := range 40 {
		s.Failed("lanhdao", "198.51.100."+string(rune('0'+i%10)), now)
	}
	if w := s.Wait("lanhdao", "192.0.2.20", now); w != 0 {
		t.Errorf("the user from their own address waits %v after failures elsewhere", w)
	}
	for range 5 {
		s.Failed("LanhDao", "203.0.113.9", now)
	}
	if w := s.Wait("lanhdao", "203.0.113.9", now); w <= 0 {
		t.Error("five failures for one user from one address carry no delay")
	}
	s.Succeeded("lanhdao", "203.0.113.9")
	if w := s.Wait("lanhdao", "203.0.113.9", now); w != 0 {
		t.Errorf("after signing in: %v", w)
	}
	for i := range 31 {
		s.Failed("user"+string(rune('a'+i%26))+string(rune('a'+i/26)), "203.0.113.10", now)
	}
	if w := s.Wait("somebody-else", "203.0.113.10", now); w <= 0 {
		t.Error("31 failures at different users from one address carry no delay")
	}
}
