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

// rates sums per-agency totals over a subtree into its response rates (no
// QĐ 766: a ranking shows rates only); nil when none of it has counts.
func rates(by map[int64]*survey.DossierTotals, ids []int64) *Dossiers {
	var t survey.DossierTotals
	for _, id := range ids {
		if a := by[id]; a != nil {
			t.Days += a.Days
			t.Received += a.Received
			t.Responses += a.Responses
			t.CodesIssued += a.CodesIssued
			t.CodesUsed += a.CodesUsed
		}
	}
	if t.Days == 0 {
		return nil
	}
	return newDossiers(t)
}

func newDossiers(t survey.DossierTotals) *Dossiers {
	return &Dossiers{Totals: t, Responses: score.NewRate(t.Responses, t.Received), Codes: score.NewRate(t.CodesUsed, t.CodesIssued)}
}

// dossiers reads the counts of the agencies for a month; nil when none.
func (r *Reports) dossiers(ctx context.Context, ids []int64, def *survey.Definition, month string) (*Dossiers, error) {
	t, err := r.db.DossierTotals(ctx, ids, month)
	if err != nil || t.Days == 0 {
		return nil, err
	}
	d := newDossiers(t)
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
