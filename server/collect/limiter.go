package collect

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a set of token buckets by key (a counter and client address, or
// a client that failed device authentication). Paired tablets are never
// limited: after a day offline one may rightly send hundreds at once.
type Limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	every   time.Duration
	burst   int
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows burst events at once and then one every `every` per key.
func NewLimiter(every time.Duration, burst int) *Limiter {
	return &Limiter{buckets: map[string]*bucket{}, every: every, burst: burst}
}

// Allow takes a token for key; it returns 0 when allowed, or how long to wait.
func (l *Limiter) Allow(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) > 50_000 {
			l.sweep(now)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}

// Hit reports whether key is currently over its limit, without taking a token.
func (l *Limiter) Hit(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil || b.lim.TokensAt(now) >= 1 {
		return 0
	}
	return time.Duration((1 - b.lim.TokensAt(now)) * float64(l.every))
}

// sweep forgets buckets that have refilled, so memory stays bounded.
func (l *Limiter) sweep(now time.Time) {
	full := l.every * time.Duration(l.burst)
	for k, b := range l.buckets {
		if now.Sub(b.seen) > full {
			delete(l.buckets, k)
		}
	}
}
