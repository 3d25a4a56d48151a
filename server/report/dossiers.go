package report

import (
	"context"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// Dossiers is what the dossier counts add to a score (issue 14).
type Dossiers struct {
	Totals survey.DossierTotals
	// Responses is responses counted ÷ dossiers received; Codes is one-time
	// codes used ÷ codes issued (nil when none were issued).
	Responses, Codes *score.Rate
	// QD766 is the QĐ 766/QĐ-TTg indicator: nd61 only, where dossiers
	// handled were reported and dossier-bound ratings exist.
	QD766 *score.QD766
}

// dossiers reads the counts of the agencies for a month; nil when none.
func (r *Reports) dossiers(ctx context.Context, ids []int64, def *survey.Definition, month string) (*Dossiers, error) {
	t, err := r.db.DossierTotals(ctx, ids, month)
	if err != nil || t.Days == 0 {
		return nil, err
	}
	d := &Dossiers{Totals: t, Responses: score.NewRate(t.Responses, t.Received), Codes: score.NewRate(t.CodesUsed, t.CodesIssued)}
	if def.Method == survey.MethodND61 && t.Handled > 0 {
		items, zero := score.QD766NotSatisfied(def)
		rated, notSat, err := r.db.DossierBoundRatings(ctx, ids, def.ID, month, items, zero)
		if err != nil {
			return nil, err
		}
		d.QD766 = score.ComputeQD766(t.Handled, t.Late, t.Complaints, rated, notSat)
	}
	return d, nil
}
