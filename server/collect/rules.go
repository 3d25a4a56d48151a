package collect

import (
	"sync"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// Integrity flags. A flag never rejects a response and never deletes one:
// it is stored with the response, and flags listed in Rules.Exclude keep it
// out of scores until an admin decides.
const (
	FlagClock         = "clock"          // the client's time was implausible; the server's time was used
	FlagRepeat        = "repeat"         // under RepeatGap after the same source's previous response
	FlagBurst         = "burst"          // identical answers from one source, many times in a short window
	FlagOddHours      = "odd_hours"      // answered outside working hours (Asia/Ho_Chi_Minh)
	FlagOfficerDevice = "officer_device" // a one-time dossier code used from a counter tablet
)

// Rules are the thresholds of the integrity flags and the clock rule; they
// are settings (SIPAS_* variables), with defaults from field experience.
type Rules struct {
	RepeatGap   time.Duration   // two responses from one source closer than this are flagged
	BurstCount  int             // this many identical answer sets from one source...
	BurstWindow time.Duration   // ...within this window are flagged
	WorkStart   int             // hour (0–23, ICT) from which answers are normal
	WorkEnd     int             // hour (0–24, ICT) from which answers are odd
	MaxAge      time.Duration   // a client time further in the past than this is implausible
	MaxSkew     time.Duration   // a client time further in the future than this is implausible
	Exclude     map[string]bool // flags that keep a response out of scores by default
}

// DefaultRules are the thresholds used unless configured otherwise.
func DefaultRules() Rules {
	return Rules{
		RepeatGap: 5 * time.Second, BurstCount: 5, BurstWindow: 10 * time.Minute,
		WorkStart: 6, WorkEnd: 21,
		// A tablet may be offline for weeks at a remote commune; older than
		// this and its clock is more likely wrong than the citizen that early.
		MaxAge: 45 * 24 * time.Hour, MaxSkew: 10 * time.Minute,
		Exclude: map[string]bool{FlagRepeat: true, FlagBurst: true, FlagOddHours: true, FlagOfficerDevice: true},
	}
}

// countedTime applies the clock rule: the citizen's time counts when it is
// plausible (not after the server received it, beyond a small skew, and not
// older than MaxAge; for a tablet, not before it was paired); otherwise the
// server's time counts and the response is flagged.
func (r Rules) countedTime(answered *time.Time, received time.Time, pairedAt *time.Time) (time.Time, bool) {
	if answered == nil {
		return received, true
	}
	a := *answered
	ok := !a.After(received.Add(r.MaxSkew)) && !a.Before(received.Add(-r.MaxAge))
	if ok && pairedAt != nil && a.Before(pairedAt.Add(-r.MaxSkew)) {
		ok = false
	}
	if !ok {
		return received, false
	}
	if a.After(received) {
		return received, true // small skew: never count a response before it arrives
	}
	return a, true
}

// history remembers each source's recent responses, to flag repeats and
// bursts. It is memory only: the flags are heuristics, and after a restart
// they simply start afresh. Per source it keeps the events of the window in
// arrival order and a count per answer set, so each response costs O(1)
// however busy the tablet.
type history struct {
	mu      sync.Mutex
	sources map[string]*sourceEvents
	window  time.Duration
}

type sourceEvents struct {
	events []event
	same   map[string]int // answer-set hash → events in the window with it
}

type event struct {
	at   time.Time
	hash string
}

func newHistory(window time.Duration) *history {
	return &history{sources: map[string]*sourceEvents{}, window: window}
}

// record adds an event for source and returns the gap to the source's
// previous event and how many events in the window (this one included)
// had the same answers.
func (h *history) record(source string, at time.Time, hash string) (prevGap time.Duration, same int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	se := h.sources[source]
	if se == nil {
		if len(h.sources) > 100_000 { // a flood of anonymous sources must not grow memory without bound
			clear(h.sources)
		}
		se = &sourceEvents{same: map[string]int{}}
		h.sources[source] = se
	}
	prevGap = -1
	if n := len(se.events); n > 0 {
		prevGap = at.Sub(se.events[n-1].at)
		if prevGap < 0 {
			prevGap = -prevGap
		}
	}
	// Forget what has left the window. Events arrive roughly in time order
	// (an outbox flushes oldest first), so the oldest are at the front.
	drop := 0
	for drop < len(se.events) && (at.Sub(se.events[drop].at) > h.window || len(se.events)-drop >= 512) {
		e := se.events[drop]
		if se.same[e.hash]--; se.same[e.hash] <= 0 {
			delete(se.same, e.hash)
		}
		drop++
	}
	se.events = append(se.events[drop:], event{at: at, hash: hash})
	se.same[hash]++
	return prevGap, se.same[hash]
}

// flags applies the rules to one response.
func (r Rules) flags(h *history, source string, at time.Time, answersHash string, clockOK, tokenFromDevice bool) []string {
	var out []string
	if !clockOK {
		out = append(out, FlagClock)
	}
	gap, same := h.record(source, at, answersHash)
	if gap >= 0 && gap < r.RepeatGap {
		out = append(out, FlagRepeat)
	}
	if r.BurstCount > 0 && same >= r.BurstCount {
		out = append(out, FlagBurst)
	}
	if hr := at.In(survey.Zone).Hour(); hr < r.WorkStart || hr >= r.WorkEnd {
		out = append(out, FlagOddHours)
	}
	if tokenFromDevice {
		out = append(out, FlagOfficerDevice)
	}
	return out
}

// excluded reports whether any flag keeps the response out of scores.
func (r Rules) excluded(flags []string) bool {
	for _, f := range flags {
		if r.Exclude[f] {
			return true
		}
	}
	return false
}
