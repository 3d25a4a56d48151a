package demo

import (
	"context"
	"fmt"

	"github.com/sipas-vn/sipas/server/survey"
)

// targetSpec is one agency's planned index for the demo's year (and the
// year before): the city's holds for every body below it unless one sets
// its own, so the scorecards show both an inherited and an own target.
var targetSpecs = []struct {
	key              string
	index, lastIndex float64
	rate             float64 // 0 = no response-rate target
}{
	{key: "city", index: 85, lastIndex: 80, rate: 30},
	{key: "centre", index: 90, lastIndex: 85},
	{key: "nnmt", index: 78, lastIndex: 75}, // the weakest department, given a reachable step
}

// demoActor is who the demo's audit entries name.
var demoActor = survey.Actor{Name: "demo"}

// targets sets the plan of the demo's year and the year before.
func (s *seeder) targets(ctx context.Context) error {
	year := s.opt.Now.In(survey.Zone).Year()
	for _, ts := range targetSpecs {
		id := s.byKey[ts.key].agency.ID
		this := survey.Target{AgencyID: id, Year: year, Index: ts.index}
		if ts.rate > 0 {
			this.ResponseRate = &ts.rate
		}
		for _, t := range []survey.Target{this, {AgencyID: id, Year: year - 1, Index: ts.lastIndex}} {
			if err := t.Validate(); err != nil {
				return fmt.Errorf("target of %s: %w", ts.key, err)
			}
			if _, err := s.db.SetTarget(ctx, t, demoActor, s.opt.Now); err != nil {
				return fmt.Errorf("target of %s: %w", ts.key, err)
			}
			s.res.Targets++
		}
	}
	return nil
}
