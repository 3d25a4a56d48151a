package survey_test

import (
	"errors"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
)

func TestDossierCountValidateNamesTheField(t *testing.T) {
	n := func(v int) *int { return &v }
	for _, c := range []struct {
		d     survey.DossierCount
		field string // "" = valid
	}{
		{survey.DossierCount{Counter: "CT-01", Date: "2026-11-27", Received: 0}, ""},
		{survey.DossierCount{Counter: "CT-01", Date: "2026-11-27", Received: 42, Handled: n(40), Late: n(40), Complaints: n(0)}, ""},
		{survey.DossierCount{Date: "2026-11-27"}, "counter"},
		{survey.DossierCount{Counter: "CT-01", Date: "2026-11-31"}, "date"},
		{survey.DossierCount{Counter: "CT-01", Date: "2026-1-27"}, "date"},
		{survey.DossierCount{Counter: "CT-01", Date: "2026-11-27", Received: -1}, "received"},
		{survey.DossierCount{Counter: "CT-01", Date: "2026-11-27", Received: survey.MaxDossiersADay + 1}, "received"},
		{survey.DossierCount{Counter: "CT-01", Date: "2026-11-27", Handled: n(-1)}, "handled"},
		{survey.DossierCount{Counter: "CT-01", Date: "2026-11-27", Late: n(1)}, "late"},
		{survey.DossierCount{Counter: "CT-01", Date: "2026-11-27", Complaints: n(0)}, "complaints"},
		{survey.DossierCount{Counter: "CT-01", Date: "2026-11-27", Handled: n(3), Late: n(4)}, "late"},
		{survey.DossierCount{Counter: "CT-01", Date: "2026-11-27", Handled: n(3), Complaints: n(4)}, "complaints"},
	} {
		err := c.d.Validate()
		var de *survey.Error
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%+v: %v, want valid", c.d, err)
		case c.field != "" && (!errors.As(err, &de) || de.Field != c.field || de.Code != survey.CodeInvalid):
			t.Errorf("%+v: %v, want invalid %s", c.d, err, c.field)
		}
	}
}
