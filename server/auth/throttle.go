package auth

import (
	"math"
	"strings"
	"sync"
	"time"
)

// Throttle slows repeated failures down by key with a growing delay: the
// first Free failures cost nothing, then each one doubles the wait, from
// Base up to Max. Failures leak away, one every Leak, so a person who
// mistypes now and then is never held up. It never refuses for good: the
// delay is the whole penalty.
type Throttle struct {
	Free      float64
	Base, Max time.Duration
	Leak      time.Duration

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	level float64   // failures not yet leaked away
	at    time.Time // when level was last updated
	until time.Time // no attempt before this
}

// maxThrottleKeys bounds memory under a flood of distinct keys.
const maxThrottleKeys = 100_000

// Wait returns how long key must still wait before its next attempt, or 0.
func (t *Throttle) Wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.keys[key]
	if f == nil || !now.Before(f.until) {
		return 0
	}
	return f.until.Sub(now)
}

// Fail records a failure of key and returns the delay it now carries.
func (t *Throttle) Fail(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.keys == nil {
		t.keys = map[string]*failures{}
	}
	f := t.keys[key]
	if f == nil {
		if len(t.keys) >= maxThrottleKeys {
			t.sweep(now)
		}
		f = &failures{at: now}
		t.keys[key] = f
	}
	f.level = t.leaked(f, now) + 1
	f.at = now
	over := f.level - t.Free
	if over <= 0 {
		return 0
	}
	d := time.Duration(float64(t.Base) * math.Pow(2, math.Min(over-1, 40)))
	d = min(d, t.Max)
	f.until = now.Add(d)
	return d
}

// Reset forgets key's failures: the right password from the same place.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

func (t *Throttle) leaked(f *failures, now time.Time) float64 {
	if t.Leak <= 0 {
		return f.level
	}
	return max(0, f.level-float64(now.Sub(f.at))/float64(t.Leak))
}

// sweep drops keys that have leaked empty and wait no longer; if a flood
// of keys leaves it full still, those not waiting go too.
func (t *Throttle) sweep(now time.Time) {
	for k, f := range t.keys {
		if t.leaked(f, now) == 0 && !now.Before(f.until) {
			delete(t.keys, k)
		}
	}
	if len(t.keys) < maxThrottleKeys {
		return
	}
	for k, f := range t.keys {
		if !now.Before(f.until) {
			delete(t.keys, k)
		}
	}
}

// SignIns throttles password sign-ins per (username, address) and per
// address, never per username alone: an attacker elsewhere can slow down
// only their own guesses, not lock a user out of their account.
type SignIns struct {
	pair, addr *Throttle
}

// NewSignIns delays the fifth failure in a row per username and address,
// and the thirty-first per address (one second, doubling up to fifteen
// minutes); failures leak away one per ten minutes and one per minute.
func NewSignIns() *SignIns {
	return &SignIns{
		pair: &Throttle{Free: 4, Base: time.Second, Max: 15 * time.Minute, Leak: 10 * time.Minute},
		addr: &Throttle{Free: 30, Base: time.Second, Max: 15 * time.Minute, Leak: time.Minute},
	}
}

func pairKey(username, addr string) string {
	u := strings.ToLower(strings.TrimSpace(username))
	if len(u) > 64 {
		u = u[:64] // usernames are short; a longer one must not grow memory
	}
	return u + "\x00" + addr
}

// Wait returns how long a sign-in as username from addr must still wait, or 0.
func (s *SignIns) Wait(username, addr string, now time.Time) time.Duration {
	return max(s.pair.Wait(pairKey(username, addr), now), s.addr.Wait(addr, now))
}

// Failed records a failed sign-in.
func (s *SignIns) Failed(username, addr string, now time.Time) {
	s.pair.Fail(pairKey(username, addr), now)
	s.addr.Fail(addr, now)
}

// Succeeded forgets the failures of username from addr. The address keeps
// its own: a known password must not clear a spray of guesses at others.
func (s *SignIns) Succeeded(username, addr string) {
	s.pair.Reset(pairKey(username, addr))
}
