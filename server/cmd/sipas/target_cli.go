package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/sipas-vn/sipas/server/safecsv"
	"github.com/sipas-vn/sipas/server/survey"
)

// percentFlag reads a percentage typed either way, 85.5 or 85,5.
func (a *adminCLI) percentFlag(name string) (float64, error) {
	v, err := strconv.ParseFloat(strings.Replace(a.f(name), ",", ".", 1), 64)
	if err != nil {
		return 0, fmt.Errorf("--%s must be a number from 0 to 100", name)
	}
	return v, nil
}

// agencyYear reads --agency and --year.
func (a *adminCLI) agencyYear(ctx context.Context) (*survey.Agency, int, error) {
	ag, err := a.agency(ctx, a.f("agency"))
	if err != nil {
		return nil, 0, err
	}
	year, err := a.n("year")
	return ag, year, err
}

func targetSet(ctx context.Context, a *adminCLI, _ string) error {
	ag, year, err := a.agencyYear(ctx)
	if err != nil {
		return err
	}
	idx, err := a.percentFlag("index")
	if err != nil {
		return err
	}
	t := survey.Target{AgencyID: ag.ID, Year: year, Index: idx}
	if a.f("response-rate") != "" {
		r, err := a.percentFlag("response-rate")
		if err != nil {
			return err
		}
		t.ResponseRate = &r
	}
	if err := t.Validate(); err != nil {
		return err
	}
	changed, err := a.db().SetTarget(ctx, t, survey.CLI, a.now)
	if err != nil {
		return err
	}
	if !changed {
		fmt.Fprintf(a.out, "target of %s for %d unchanged\n", ag.Code, year)
		return nil
	}
	fmt.Fprintf(a.out, "target of %s for %d set: index %s%%\n", ag.Code, year, strconv.FormatFloat(idx, 'f', -1, 64))
	return nil
}

func targetClear(ctx context.Context, a *adminCLI, _ string) error {
	ag, year, err := a.agencyYear(ctx)
	if err != nil {
		return err
	}
	changed, err := a.db().ClearTarget(ctx, ag.ID, year, survey.CLI, a.now)
	if err != nil {
		return err
	}
	if !changed {
		fmt.Fprintf(a.out, "%s had no target of its own for %d\n", ag.Code, year)
		return nil
	}
	fmt.Fprintf(a.out, "target of %s for %d cleared; it inherits its parent's\n", ag.Code, year)
	return nil
}

// targetList prints the target in force for every agency that has one:
// code,year,index,response_rate,set_by (set_by is the agency it comes from).
func targetList(ctx context.Context, a *adminCLI, _ string) error {
	year, err := a.n("year")
	if err != nil {
		return err
	}
	tree, err := a.db().AgencyTree(ctx)
	if err != nil {
		return err
	}
	own, err := a.db().Targets(ctx, year)
	if err != nil {
		return err
	}
	w := safecsv.NewWriter(a.out) // agency codes are typed by people: no formula reaches a spreadsheet
	w.Write([]string{"code", "year", "index", "response_rate", "set_by"})
	for _, ag := range tree.All() {
		t, from, ok := survey.EffectiveTarget(tree, ag.ID, own)
		if !ok {
			continue
		}
		rate := ""
		if t.ResponseRate != nil {
			rate = strconv.FormatFloat(*t.ResponseRate, 'f', -1, 64)
		}
		w.Write([]string{ag.Code, strconv.Itoa(year), strconv.FormatFloat(t.Index, 'f', -1, 64), rate, from.Code})
	}
	w.Flush()
	return w.Error()
}
