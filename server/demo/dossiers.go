package demo

import (
	"context"
	"math"
	"slices"

	"github.com/sipas-vn/sipas/server/survey"
)

// dossiers seeds each counter's dossiers per day on which it had responses:
// received = responses ÷ the counter's response rate, drawn between 6 % and
// 45 % so that some counters fall under the 10 % warning. Every counter
// also reports dossiers handled, late and with a complaint, as one-stop
// software does whatever the questionnaire; the QĐ 766 indicator shows for
// an agency rating under nd61 (docs/decisions/0015).
func (s *seeder) dossiers(ctx context.Context, rs []*survey.Response) error {
	perDay := map[int64]map[string]int{}
	for _, r := range rs {
		if r.CounterID == 0 {
			continue
		}
		if perDay[r.CounterID] == nil {
			perDay[r.CounterID] = map[string]int{}
		}
		perDay[r.CounterID][survey.Day(r.ReceivedAt)]++
	}
	counts := map[int64][]survey.DossierCount{}
	for _, p := range s.placed {
		for _, pc := range p.counters {
			days := perDay[pc.counter.ID]
			rate := 0.06 + 0.39*s.rng.Float64()
			keys := make([]string, 0, len(days))
			for d := range days {
				keys = append(keys, d)
			}
			slices.Sort(keys) // the same draws in the same order: same seed, same data
			for _, day := range keys {
				d := survey.DossierCount{Counter: pc.counter.Code, Date: day, Received: int(math.Ceil(float64(days[day]) / rate))}
				handled := d.Received - s.rng.IntN(d.Received/10+1)
				late := s.rng.IntN(handled/15 + 1)
				complaints := s.rng.IntN(handled/40 + 1)
				d.Handled, d.Late, d.Complaints = &handled, &late, &complaints
				counts[pc.counter.ID] = append(counts[pc.counter.ID], d)
			}
		}
	}
	return s.db.SeedDossierCounts(ctx, counts, s.opt.Now)
}
