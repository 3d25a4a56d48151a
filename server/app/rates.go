package app

import (
	"context"
	"slices"

	"github.com/sipas-vn/sipas/server/alert"
	"github.com/sipas-vn/sipas/server/sqlite"
)

// dossierRates gives the alert rule on response rates each agency's own
// responses and dossiers received in a month (its counters, not its
// subtree), from the dossier counts; agencies without counts are left out.
type dossierRates struct{ db *sqlite.DB }

// ResponseRates implements alert.RateSource.
func (d dossierRates) ResponseRates(ctx context.Context, month string) ([]alert.Rate, error) {
	by, err := d.db.DossierTotalsByAgency(ctx, month)
	if err != nil {
		return nil, err
	}
	out := make([]alert.Rate, 0, len(by))
	for id, t := range by {
		if t.Received > 0 {
			out = append(out, alert.Rate{AgencyID: id, Responses: t.Responses, Received: t.Received})
		}
	}
	slices.SortFunc(out, func(a, b alert.Rate) int { return int(a.AgencyID - b.AgencyID) })
	return out, nil
}
