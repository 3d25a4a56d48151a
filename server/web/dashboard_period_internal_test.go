package web

import (
	"testing"

	"github.com/sipas-vn/sipas/assets"
	"github.com/sipas-vn/sipas/server/i18n"
)

func TestMonthRangeAcrossAYear(t *testing.T) {
	b, err := i18n.New(assets.FS, "vi")
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"vi": "11/2026–01/2027", "en": "Nov 2026–Jan 2027"} {
		if got := monthRange(b.Localizer(lang), "2026-11", "2027-01"); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
