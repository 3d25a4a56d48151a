package collect

import (
	"sync"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// Integrity flags. A flag never rejects a response and never deletes one:
// it is stored with the response, and flags listed in Rules.Exclude keep it
// out of scores until an admin decides. Where each flag is raised at all is
// the rule table (Table, docs/decisions/0005-integrity-flags.md).
const (
	FlagClock         = "clock"          // the client's time was implausible; the server's time was used
	FlagRepeat        = "repeat"         // under RepeatGap after the same source's previous response
	FlagBurst         = "burst"          // identical answers from one source, many times in a short window
	FlagOddHours      = "odd_hours"      // answered outside working hours (Asia/Ho_Chi_Minh)
	FlagOfficerDevice = "officer_device" // a one-time dossier code used from a counter tablet
	FlagSequence      = "sequence"       // a tablet's sequence number below 1 or far beyond its last
)

// KnownFlags lists every flag, in the order they are stored.
func KnownFlags() []string {
	return []string{FlagClock, FlagRepeat, FlagBurst, FlagOddHours, FlagOfficerDevice, FlagSequence}
}

// MaxSeqJump is how far beyond a tablet's highest sequence number so far a
// new one may be. A tablet numbers its responses 1, 2, 3, …; a year of a busy
// counter is a few tens of thousands, so a larger jump is a fault, and
// counting it would show that many responses "missing" on the devices page.
const MaxSeqJump = 100_000

// Via is how a response reached the server, as the rules tell channels apart.
type Via string

// The three ways in.
const (
	ViaTablet Via = "tablet" // a paired counter tablet (channel kiosk)
	ViaPhone  Via = "phone"  // anonymous: poster QR, dossier code, the phone form, the API without a device token
	ViaPaper  Via = "paper"  // a paper form typed in by a signed-in user
)

// Table says where each flag is raised: flag → questionnaire method → the
// channels on which it is. A flag raised excludes the response when it is in
// Rules.Exclude; a flag not raised is not stored at all, so it never fills the
// review list with what is normal for that questionnaire and channel.
type Table map[string]map[survey.Method]map[Via]bool

// DefaultTable is the rule table of docs/decisions/0005-integrity-flags.md,
// cell for cell (a test compares the two).
func DefaultTable() Table {
	all := []survey.Method{survey.MethodSIPAS, survey.MethodND61, survey.MethodQuick}
	t := Table{}
	raise := func(flag string, methods []survey.Method, vias ...Via) {
		if t[flag] == nil {
			t[flag] = map[survey.Method]map[Via]bool{}
		}
		for _, m := range methods {
			if t[flag][m] == nil {
				t[flag][m] = map[Via]bool{}
			}
			for _, v := range vias {
				t[flag][m][v] = true
			}
		}
	}
	// One finger twice, or a script: never how two people answer.
	raise(FlagRepeat, all, ViaTablet, ViaPhone)
	// Identical answer sets are implausible only where the answer set is
	// large: the quick rating has about five, and nd61's criteria are facts
	// that the dossiers of one counter share.
	raise(FlagBurst, []survey.Method{survey.MethodSIPAS}, ViaTablet, ViaPhone)
	// A counter is closed at night; a phone is in the citizen's pocket.
	raise(FlagOddHours, all, ViaTablet)
	raise(FlagOfficerDevice, all, ViaTablet)
	// Only tablets and paper forms have a time of their own that counts.
	raise(FlagClock, all, ViaTablet, ViaPaper)
	raise(FlagSequence, all, ViaTablet)
	return t
}

// Raises reports whether the table raises flag for a questionnaire method
// and channel.
func (t Table) Raises(flag string, m survey.Method, v Via) bool {
	return t[flag][m][v]
}

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
	Table       Table           // where each flag is raised; nil means DefaultTable
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
		Table:   DefaultTable(),
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

// facts are what the rules look at in one response.
type facts struct {
	source          string        // who sent it (see source)
	via             Via           // how it came in
	method          survey.Method // the questionnaire's formula family
	at              time.Time     // the time it counts at
	answers         uint64        // hash of the answer set (answersKey)
	clockOK         bool          // false: the client's time was implausible
	tokenFromDevice bool          // a one-time dossier code sent by a tablet
	seqOK           bool          // a tablet's sequence number is plausible (always true elsewhere)
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
	same   map[uint64]int // answer-set hash → events in the window with it
}

type event struct {
	at   time.Time
	hash uint64
}

func newHistory(window time.Duration) *history {
	return &history{sources: map[string]*sourceEvents{}, window: window}
}

// record adds an event for source and returns the gap to the source's
// previous event and how many events in the window (this one included)
// had the same answers.
func (h *history) record(source string, at time.Time, hash uint64) (prevGap time.Duration, same int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	se := h.sources[source]
	if se == nil {
		if len(h.sources) > 100_000 { // a flood of anonymous sources must not grow memory without bound
			clear(h.sources)
		}
		se = &sourceEvents{same: map[uint64]int{}}
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

// flags applies the rules to one response: each flag only where the table
// raises it for the questionnaire's method and the channel.
func (r Rules) flags(h *history, f facts) []string {
	t := r.Table
	if t == nil {
		t = DefaultTable()
	}
	raises := func(flag string) bool { return t.Raises(flag, f.method, f.via) }
	var out []string
	if !f.clockOK && raises(FlagClock) {
		out = append(out, FlagClock)
	}
	if raises(FlagRepeat) || raises(FlagBurst) {
		gap, same := h.record(f.source, f.at, f.answers)
		if raises(FlagRepeat) && gap >= 0 && gap < r.RepeatGap {
			out = append(out, FlagRepeat)
		}
		if raises(FlagBurst) && r.BurstCount > 0 && same >= r.BurstCount {
			out = append(out, FlagBurst)
		}
	}
	if hr := f.at.In(survey.Zone).Hour(); (hr < r.WorkStart || hr >= r.WorkEnd) && raises(FlagOddHours) {
		out = append(out, FlagOddHours)
	}
	if f.tokenFromDevice && raises(FlagOfficerDevice) {
		out = append(out, FlagOfficerDevice)
	}
	if !f.seqOK && raises(FlagSequence) {
		out = append(out, FlagSequence)
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
