package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// Traffic is a deterministic stream of responses as they reach the server,
// second by second, with who sent each: for measuring the integrity rules
// (server/collect) against what real counters see. Seed's twelve months are
// too thin for that (a few responses a day per counter, phones only in
// office hours); this is two busy weeks of a province's counters, with the
// same answer model.

// TrafficOptions size a traffic stream.
type TrafficOptions struct {
	Start time.Time // the first day; only Monday to Friday are worked
	Days  int       // working days
	Seed  uint64
}

// TrafficCounter is one counter of the stream.
type TrafficCounter struct {
	Code    string
	Survey  string  // questionnaire id
	Quality float64 // the share of satisfied answers its citizens lean to
	PerDay  int     // citizens who rate on an ordinary day
}

// Arrival is one response as the server receives it.
type Arrival struct {
	Counter    int            // index into Traffic.Counters
	Channel    survey.Channel // kiosk (the counter's tablet) or qr (a phone)
	Device     int64          // the tablet, for channel kiosk
	Client     string         // the address the server sees, for a phone (carrier NAT addresses are shared)
	AnsweredAt time.Time      // the citizen's time, as the tablet or phone says
	ReceivedAt time.Time
	Answers    map[string]json.RawMessage
	// Honest is false for what the flags exist for: a second tap within a
	// second or two, an officer tapping the same answers again and again,
	// ratings on a closed counter's tablet at night.
	Honest bool
	Misuse string // for a dishonest arrival: "double_tap", "tapping" or "night"
	Run    int    // for "tapping": its place in the run, from 1
}

// Traffic is the generated stream, ordered by the time of receipt.
type Traffic struct {
	Counters []TrafficCounter
	Arrivals []Arrival
}

// Daily schedule of a counter: open 7:30–11:30 and 13:00–17:00, Asia/Ho_Chi_Minh.
var sessions = [][2]time.Duration{
	{7*time.Hour + 30*time.Minute, 11*time.Hour + 30*time.Minute},
	{13 * time.Hour, 17 * time.Hour},
}

// GenerateTraffic makes the stream: 24 counters on the quick rating (the busy
// ones: results handed out in waves, each citizen tapping a face seconds after
// the previous one), 16 on the full questionnaire and 8 on nd61 (one form at
// a time on the tablet; most ratings from phones, many in the evening from a
// receipt's QR code). Satisfaction is spread from 0.55 to 0.95 within each
// kind, independently of how busy a counter is; misuse is placed at random,
// independently of both.
func GenerateTraffic(cat *survey.Catalog, o TrafficOptions) (*Traffic, error) {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x7a_ff1c))
	g := &trafficGen{rng: rng, models: map[string]*model{}, tr: &Traffic{}}
	kinds := []struct {
		survey string
		n      int
		perDay []int
	}{
		{"nhanh", 24, []int{25, 45, 70, 100}},
		{survey.DefaultID, 16, []int{6, 10, 15, 20}},
		{"nd61", 8, []int{10, 20, 30}},
	}
	for _, k := range kinds {
		def, ok := cat.Get(k.survey)
		if !ok {
			return nil, fmt.Errorf("demo: questionnaire %q is not in the catalog", k.survey)
		}
		if g.models[def.ID] == nil {
			g.models[def.ID] = newModel(def, rng)
		}
		qualities := make([]float64, k.n)
		for i := range qualities {
			qualities[i] = 0.55 + 0.40*float64(i)/float64(k.n-1)
		}
		rng.Shuffle(len(qualities), func(i, j int) { qualities[i], qualities[j] = qualities[j], qualities[i] })
		for i := range k.n {
			g.tr.Counters = append(g.tr.Counters, TrafficCounter{Code: fmt.Sprintf("TR-%s-%02d", def.ID, i+1), Survey: def.ID,
				Quality: qualities[i], PerDay: k.perDay[i%len(k.perDay)]})
		}
	}
	day := o.Start.In(survey.Zone)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, survey.Zone)
	for worked := 0; worked < o.Days; day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		worked++
		for i := range g.tr.Counters {
			g.counterDay(i, day)
		}
	}
	slices.SortStableFunc(g.tr.Arrivals, func(a, b Arrival) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	return g.tr, nil
}

type trafficGen struct {
	rng    *rand.Rand
	models map[string]*model
	tr     *Traffic
}

// counterDay is one counter's day: its citizens, its phones, and now and
// then some misuse.
func (g *trafficGen) counterDay(i int, day time.Time) {
	rng, c := g.rng, g.tr.Counters[i]
	m := g.models[c.Survey]
	n := int(float64(c.PerDay) * (0.8 + 0.4*rng.Float64()))
	// Who rates where: the quick rating is a tap on the tablet by the
	// door; the longer forms go home on a phone more often.
	phoneShare := map[survey.Method]float64{survey.MethodQuick: 0.15, survey.MethodSIPAS: 0.5, survey.MethodND61: 0.8}[m.def.Method]
	tablet := 0
	for range n {
		if rng.Float64() < phoneShare {
			g.phone(i, day, m)
		} else {
			tablet++
		}
	}
	for _, at := range g.tabletTimes(day, tablet, m.def.Method) {
		a := g.arrival(i, survey.ChannelKiosk, at, m)
		g.add(a)
		// Two or three taps of one excited finger: the same answers again.
		if rng.Float64() < 0.01 {
			again := a
			again.AnsweredAt = a.AnsweredAt.Add(time.Duration(800+rng.IntN(2200)) * time.Millisecond)
			again.ReceivedAt = again.AnsweredAt.Add(700 * time.Millisecond)
			again.Honest, again.Misuse = false, "double_tap"
			g.add(again)
		}
	}
	switch x := rng.Float64(); {
	case x < 0.06 && m.def.Method == survey.MethodSIPAS:
		// An officer tapping the top answers in a quiet moment.
		at := day.Add(sessions[rng.IntN(2)][0] + time.Duration(rng.IntN(180))*time.Minute)
		top := g.top(m)
		for run := 1; run <= 7+rng.IntN(6); run++ {
			a := Arrival{Counter: i, Channel: survey.ChannelKiosk, Device: int64(i + 1), AnsweredAt: at,
				ReceivedAt: at.Add(700 * time.Millisecond), Answers: top, Misuse: "tapping", Run: run}
			g.add(a)
			at = at.Add(time.Duration(8000+rng.IntN(12000)) * time.Millisecond)
		}
	case x < 0.09:
		// The tablet used at night, the counter long closed.
		at := day.Add(21*time.Hour + time.Duration(rng.IntN(150))*time.Minute)
		for range 2 + rng.IntN(4) {
			a := Arrival{Counter: i, Channel: survey.ChannelKiosk, Device: int64(i + 1), AnsweredAt: at,
				ReceivedAt: at.Add(700 * time.Millisecond), Answers: g.top(m), Misuse: "night"}
			g.add(a)
			at = at.Add(time.Duration(30+rng.IntN(120)) * time.Second)
		}
	}
}

// tabletTimes spreads n tablet ratings over the opening hours. On the quick
// rating citizens come in waves (a batch of results handed out, a queue
// moving): one after another, 3–25 s apart, mostly 6–12 s (the thank-you
// screen, the next person stepping up; two people sharing the tablet now and
// then manage under 5 s). A full form or nd61 takes minutes, so one tablet
// serves them one at a time.
func (g *trafficGen) tabletTimes(day time.Time, n int, method survey.Method) []time.Time {
	rng := g.rng
	var out []time.Time
	open := func() time.Time {
		s := sessions[rng.IntN(2)]
		return day.Add(s[0] + time.Duration(rng.Int64N(int64(s[1]-s[0]-30*time.Minute))))
	}
	if method != survey.MethodQuick {
		for range n {
			out = append(out, open())
		}
		slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
		for k := 1; k < len(out); k++ { // one form at a time: at least 90 s apart
			if d := out[k].Sub(out[k-1]); d < 90*time.Second {
				out[k] = out[k-1].Add(90*time.Second + time.Duration(rng.IntN(120))*time.Second)
			}
		}
		return out
	}
	var waves [][]time.Time
	for total := 0; total < n; {
		at := open()
		var w []time.Time
		for range min(1+rng.IntN(9), n-total) {
			w = append(w, at)
			var gap time.Duration
			switch x := rng.Float64(); {
			case x < 0.01:
				gap = time.Duration(3000+rng.IntN(2000)) * time.Millisecond
			case x < 0.75:
				gap = time.Duration(6000+rng.IntN(6000)) * time.Millisecond
			default:
				gap = time.Duration(12+rng.IntN(14)) * time.Second
			}
			at = at.Add(gap)
		}
		waves = append(waves, w)
		total += len(w)
	}
	// One tablet, one citizen at a time: a wave that would start before the
	// previous one is over waits for it.
	slices.SortFunc(waves, func(a, b []time.Time) int { return a[0].Compare(b[0]) })
	for k, w := range waves {
		if k > 0 {
			prev := waves[k-1][len(waves[k-1])-1]
			if earliest := prev.Add(time.Duration(20+rng.IntN(60)) * time.Second); w[0].Before(earliest) {
				d := earliest.Sub(w[0])
				for j := range w {
					w[j] = w[j].Add(d)
				}
			}
		}
		out = append(out, w...)
	}
	return out
}

// phone is one citizen rating on a phone: from the poster while still at
// the counter, or later from the receipt's code, often in the evening and
// sometimes late. The address is the carrier's NAT (shared by many
// subscribers) or a home connection of its own.
func (g *trafficGen) phone(i int, day time.Time, m *model) {
	rng := g.rng
	var at time.Time
	switch x := rng.Float64(); {
	case x < 0.4: // at the counter
		s := sessions[rng.IntN(2)]
		at = day.Add(s[0] + time.Duration(rng.Int64N(int64(s[1]-s[0]))))
	case x < 0.8: // after work
		at = day.Add(17*time.Hour + 30*time.Minute + time.Duration(rng.Int64N(int64(3*time.Hour+30*time.Minute))))
	default: // late
		at = day.Add(21*time.Hour + time.Duration(rng.Int64N(int64(2*time.Hour+30*time.Minute))))
	}
	g.add(g.arrival(i, survey.ChannelQR, at, m))
}

// arrival is one honest citizen's response at a moment.
func (g *trafficGen) arrival(i int, ch survey.Channel, at time.Time, m *model) Arrival {
	rng, c := g.rng, g.tr.Counters[i]
	// A tablet's outbox sends in the order answered, at once when online; a
	// phone takes a moment longer on a mobile network.
	a := Arrival{Counter: i, Channel: ch, AnsweredAt: at, ReceivedAt: at.Add(700 * time.Millisecond), Honest: true}
	switch {
	case ch == survey.ChannelKiosk:
		a.Device = int64(i + 1)
	case rng.Float64() < 0.7: // three carriers' NAT pools, shared by their subscribers
		a.Client = "100.64." + strconv.Itoa(rng.IntN(3)) + "." + strconv.Itoa(1+rng.IntN(40))
	default: // a home or office line
		a.Client = "203.0." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(1+rng.IntN(254))
	}
	if ch != survey.ChannelKiosk {
		a.ReceivedAt = at.Add(time.Duration(500+rng.IntN(3500)) * time.Millisecond)
	}
	elements := make([]float64, m.elements)
	for k := range elements {
		elements[k] = rng.NormFloat64() * 0.03
	}
	who := respondent{quality: c.Quality, elements: elements, mood: rng.NormFloat64() * 0.07}
	if m.def.Method == survey.MethodQuick {
		a.Answers = g.quick(m, who)
	} else {
		a.Answers = m.answer(rng, who).answers
	}
	return a
}

// quick answers the quick rating as citizens at a counter do: the better the
// counter, the more its satisfied citizens tap the happiest face ("Rất hài
// lòng"), up to four in five; below "satisfied" it is mostly "Bình thường",
// with the follow-up on what went wrong.
func (g *trafficGen) quick(m *model, who respondent) map[string]json.RawMessage {
	rng := g.rng
	q := m.items[0]
	var good, bad []int
	for _, o := range q.Scale.Options {
		if slices.Contains(q.Scale.Satisfied, o.Value) {
			good = append(good, o.Value)
		} else {
			bad = append(bad, o.Value)
		}
	}
	slices.Sort(good)
	slices.Sort(bad)
	p := min(max(who.quality+who.mood, 0.05), 0.99)
	var v int
	if rng.Float64() < p {
		v = good[0]
		if top := min(max(0.2+1.5*(p-0.55), 0.15), 0.85); rng.Float64() < top {
			v = good[len(good)-1]
		}
	} else {
		v = bad[pick(rng, []float64{1, 2, 5}[3-min(3, len(bad)):])]
	}
	answers := map[string]json.RawMessage{q.Code: json.RawMessage(strconv.Itoa(v))}
	m.parts(rng, who, answers)
	return answers
}

// top is every scored item at its highest value.
func (g *trafficGen) top(m *model) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for _, q := range m.items {
		out[q.Code] = json.RawMessage(strconv.Itoa(scaleValue(g.rng, q.Scale, 1, 1)))
	}
	return out
}

func (g *trafficGen) add(a Arrival) {
	g.tr.Arrivals = append(g.tr.Arrivals, a)
}
