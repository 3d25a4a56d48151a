package demo

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// months is how much history the demo has: enough for a year-on-year trend
// chart and a full reporting year.
const months = 12

// burstCount is how many identical answer sets from one tablet the
// submission path tolerates before flagging (collect.DefaultRules).
const burstCount = 5

// trait is an agency's fixed level and direction over the demo year.
type trait struct {
	base     float64
	trend    float64   // change of the satisfied share from the first to the last month
	elements []float64 // its own strong and weak elements
}

// responses generates every response, ordered by the time the server
// received it, as a real database would hold them.
func (s *seeder) responses() ([]*survey.Response, error) {
	rng, now := s.rng, s.opt.Now
	models := map[string]*model{}
	traits := make([]trait, len(s.placed))
	for i, p := range s.placed {
		m := models[p.def.ID]
		if m == nil {
			m = newModel(p.def, rng)
			models[p.def.ID] = m
		}
		t := trait{base: p.spec.quality + (rng.Float64()-0.5)*0.04, trend: -0.02 + rng.Float64()*0.07}
		for range m.elements {
			t.elements = append(t.elements, rng.NormFloat64()*0.03)
		}
		traits[i] = t
	}

	first := monthStart(now).AddDate(0, 1-months, 0)
	var out []*survey.Response
	for mi := range months {
		start := first.AddDate(0, mi, 0)
		end := start.AddDate(0, 1, 0)
		for i, p := range s.placed {
			if len(p.counters) == 0 {
				continue
			}
			days, saturdays, full := workdays(start, end, p.spec, now)
			if len(days) == 0 {
				continue
			}
			m, t := models[p.def.ID], traits[i]
			quality := t.base + t.trend*float64(mi)/(months-1) + rng.NormFloat64()*0.015
			for _, pc := range p.counters {
				// Scale the month's volume by the working days it had: the
				// current month is still running, mergers cut months short.
				n := float64(pc.spec.perMonth) * (0.8 + 0.4*rng.Float64()) * float64(len(days)) / float64(full)
				for range int(math.Round(n)) {
					at, ok := s.moment(days, saturdays)
					if !ok {
						continue
					}
					who := respondent{quality: quality, elements: t.elements, mood: rng.NormFloat64() * 0.07}
					r, err := s.response(p, pc, m, who, at)
					if err != nil {
						return nil, err
					}
					out = append(out, r)
				}
				if rng.Float64() < 0.07 {
					burst, err := s.burst(p, pc, m, days, saturdays)
					if err != nil {
						return nil, err
					}
					out = append(out, burst...)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *survey.Response) int {
		return cmp.Or(a.ReceivedAt.Compare(b.ReceivedAt), cmp.Compare(a.UID, b.UID))
	})
	return out, nil
}

// monthStart is the first instant of t's month in Asia/Ho_Chi_Minh.
func monthStart(t time.Time) time.Time {
	t = t.In(survey.Zone)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, survey.Zone)
}

// workdays returns the weekdays and Saturdays of [start, end) on which the
// agency existed, up to now's day, and the number of weekdays of the whole month.
func workdays(start, end time.Time, a *agencySpec, now time.Time) (days, saturdays []time.Time, full int) {
	today := survey.Day(now)
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		wd := d.Weekday()
		if wd == time.Sunday {
			continue
		}
		if wd != time.Saturday {
			full++
		}
		day := survey.Day(d)
		if day > today || (a.validFrom != "" && day < a.validFrom) || (a.validTo != "" && day > a.validTo) {
			continue
		}
		if wd == time.Saturday {
			saturdays = append(saturdays, d)
		} else {
			days = append(days, d)
		}
	}
	return days, saturdays, full
}

// moment picks when a citizen answered: office hours with a lunch break,
// mornings busier, a few Saturday mornings. It stays a minute before Now so
// that the receipt time is never in the future.
func (s *seeder) moment(days, saturdays []time.Time) (time.Time, bool) {
	rng := s.rng
	for range 10 {
		var d time.Time
		var from, to time.Duration
		switch {
		case len(saturdays) > 0 && rng.Float64() < 0.03:
			d, from, to = saturdays[rng.IntN(len(saturdays))], 7*time.Hour+30*time.Minute, 11*time.Hour+30*time.Minute
		case rng.Float64() < 0.6:
			d, from, to = days[rng.IntN(len(days))], 7*time.Hour+30*time.Minute, 11*time.Hour+30*time.Minute
		default:
			d, from, to = days[rng.IntN(len(days))], 13*time.Hour, 17*time.Hour
		}
		at := d.Add(from + time.Duration(rng.Int64N(int64(to-from)/1e6))*time.Millisecond)
		if at.Before(s.opt.Now.Add(-time.Minute)) {
			return at, true
		}
	}
	return time.Time{}, false
}

// response builds one ordinary response answered at the given moment.
func (s *seeder) response(p *placed, pc *placedCounter, m *model, who respondent, at time.Time) (*survey.Response, error) {
	rng := s.rng
	r := &survey.Response{SurveyID: p.def.ID, SurveyVersion: p.def.Version, AgencyID: p.agency.ID,
		CounterID: pc.counter.ID, Lang: "vi"}
	switch x := rng.Float64(); {
	case x < 0.65:
		r.Channel = survey.ChannelKiosk
	case x < 0.95:
		r.Channel = survey.ChannelQR
	default:
		r.Channel = survey.ChannelPaper
	}
	if r.Channel != survey.ChannelPaper && rng.Float64() < 0.03 {
		r.Lang = "en"
	}
	a := m.answer(rng, who)
	r.Answers, r.Partial = survey.NewAnswers(a.answers), a.partial
	// No free text on the kiosk (slow to type, readable by onlookers): comments
	// come from the phone form and paper.
	if p.def.Comment != nil && !a.partial && r.Channel != survey.ChannelKiosk && rng.Float64() < 0.24 {
		r.Comment = comment(rng, r.Lang, a.satisfied >= 0.75, p.def.Comment.MaxLength)
	}
	// The kiosk knows who is signed in at the counter; a receipt code knows
	// the dossier and its officer. Neither is always there.
	officerShare := 0.0
	switch r.Channel {
	case survey.ChannelKiosk:
		officerShare = 0.45
	case survey.ChannelQR:
		officerShare = 0.3
	}
	officer := ""
	if len(pc.officers) > 0 && rng.Float64() < officerShare {
		o := pc.officers[rng.IntN(len(pc.officers))]
		r.OfficerID = o.ID
		if r.Channel == survey.ChannelKiosk {
			officer = o.Code // the tablet sends who is signed in; a receipt code carries it server-side
		}
	}
	if r.Channel == survey.ChannelQR && rng.Float64() < 0.4 {
		r.Dossier = fmt.Sprintf("%s-%s-%04d", p.agency.Code, at.In(survey.Zone).Format("060102"), 1+rng.IntN(400))
	}
	received := at.Add(time.Duration(1000+rng.IntN(5000)) * time.Millisecond)
	if r.Channel == survey.ChannelPaper {
		// Paper forms are typed in later the same day.
		received = at.Add(time.Hour + time.Duration(rng.Int64N(int64(4*time.Hour))))
		if received.After(s.opt.Now) {
			received = s.opt.Now
		}
		r.EnteredBy = s.adminID
	}
	return r, s.finish(r, pc, officer, at, received)
}

// burst is one tablet sending the same top rating many times within a few
// minutes: the pattern of an officer tapping "hài lòng" for themselves. As
// the submission path does (collect.DefaultRules: 5 identical within 10
// minutes, and only on a full SIPAS questionnaire, where identical answer
// sets are implausible; decision 5), the fifth and later are flagged and
// excluded, never dropped. On the quick rating such a run looks like a busy
// counter and stays unflagged, as it would on the server.
func (s *seeder) burst(p *placed, pc *placedCounter, m *model, days, saturdays []time.Time) ([]*survey.Response, error) {
	rng := s.rng
	at, ok := s.moment(days, saturdays)
	if !ok {
		return nil, nil
	}
	var out []*survey.Response
	for i := range 7 + rng.IntN(6) {
		answers := map[string]json.RawMessage{}
		for _, q := range m.items {
			answers[q.Code] = json.RawMessage(strconv.Itoa(scaleValue(rng, q.Scale, 1, 1)))
		}
		r := &survey.Response{SurveyID: p.def.ID, SurveyVersion: p.def.Version, AgencyID: p.agency.ID,
			CounterID: pc.counter.ID, Channel: survey.ChannelKiosk, Lang: "vi", Answers: survey.NewAnswers(answers)}
		if i >= burstCount-1 && p.def.Method == survey.MethodSIPAS {
			r.Flags, r.Excluded = []string{"burst"}, true
		}
		if err := s.finish(r, pc, "", at, at.Add(time.Duration(800+rng.IntN(1500))*time.Millisecond)); err != nil {
			return nil, err
		}
		out = append(out, r)
		// Gaps above the 5-second repeat rule: this is a patient tapper.
		at = at.Add(time.Duration(8000+rng.IntN(12000)) * time.Millisecond)
		if !at.Before(s.opt.Now.Add(-time.Minute)) {
			break
		}
	}
	return out, nil
}

// finish sets the times, the client id and the content hash of the body as
// the submission API would have received it.
func (s *seeder) finish(r *survey.Response, pc *placedCounter, officer string, at, received time.Time) error {
	at = at.UTC()
	r.AnsweredAt = &at
	r.ReceivedAt = received.UTC()
	r.Month = survey.Month(at)
	r.UID = uuidV7(s.rng, at)
	raw, err := json.Marshal(rawBody{ID: r.UID, Survey: r.SurveyID, Version: r.SurveyVersion, Channel: r.Channel,
		Counter: pc.counter.Code, Officer: officer, Lang: r.Lang, AnsweredAt: at.Format("2006-01-02T15:04:05.000Z07:00"),
		Partial: r.Partial, Answers: r.Answers, Comment: r.Comment})
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	r.ContentHash = sum[:]
	return nil
}
