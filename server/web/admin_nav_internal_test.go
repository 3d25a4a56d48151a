package web

import (
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
)

func TestAdminNavMarksTheCurrentSection(t *testing.T) {
	cases := []struct {
		path, page, under string // the entry marked "page" and the one marked "true"
	}{
		{"/admin", "/admin", ""},
		{"/admin/devices", "/admin/devices", ""},
		{"/admin/agencies/H17", "", "/admin/agencies"},
		{"/admin/counters/3", "", "/admin/agencies"},
		{"/admin/flags/12", "", "/admin/flags"},
	}
	for _, tc := range cases {
		var page, under []string
		for _, l := range adminNav(adminSections, survey.RoleAdmin, tc.path) {
			switch l.Current {
			case "page":
				page = append(page, l.Path)
			case "true":
				under = append(under, l.Path)
			}
		}
		if strings.Join(page, ",") != tc.page || strings.Join(under, ",") != tc.under {
			t.Errorf("%s: page %v under %v, want %q %q", tc.path, page, under, tc.page, tc.under)
		}
	}
	// A section lists who may see it: a province user gets only the targets (decision 16).
	if got := adminNav(adminSections, survey.RoleProvince, "/admin/targets"); len(got) != 1 || got[0].Path != "/admin/targets" || got[0].Current != "page" {
		t.Errorf("province menu %+v", got)
	}
}
