package web

import (
	"slices"
	"strings"

	"github.com/sipas-vn/sipas/server/survey"
)

// adminSection is one entry of the administration menu.
type adminSection struct {
	Path  string        // where the entry leads
	Label string        // message ID of its name
	Roles []survey.Role // who sees it
	Also  []string      // other path prefixes that belong to the section
}

// adminSections is the administration menu, in display order: a new
// administration page is one line here. The way back to the results
// (/dashboard) sits in the header beside the signed-in user, so that the
// menu keeps to one line on a 1280 px screen.
var adminSections = []adminSection{
	{Path: "/admin", Label: "admin.nav.home", Roles: []survey.Role{survey.RoleAdmin}},
	{Path: "/admin/agencies", Label: "admin.nav.agencies", Roles: []survey.Role{survey.RoleAdmin}, Also: []string{"/admin/counters", "/admin/officers"}},
	{Path: "/admin/surveys", Label: "admin.nav.surveys", Roles: []survey.Role{survey.RoleAdmin}},
	{Path: "/admin/devices", Label: "admin.nav.devices", Roles: []survey.Role{survey.RoleAdmin}},
	{Path: "/admin/users", Label: "admin.nav.users", Roles: []survey.Role{survey.RoleAdmin}},
	{Path: "/admin/apikeys", Label: "admin.nav.keys", Roles: []survey.Role{survey.RoleAdmin}},
	{Path: "/admin/flags", Label: "admin.nav.flags", Roles: []survey.Role{survey.RoleAdmin}},
	{Path: "/admin/paper", Label: "admin.nav.paper", Roles: []survey.Role{survey.RoleAdmin}},
	{Path: "/admin/dossiers", Label: "admin.nav.dossiers", Roles: []survey.Role{survey.RoleAdmin}},
	{Path: "/admin/targets", Label: "admin.nav.targets", Roles: []survey.Role{survey.RoleAdmin, survey.RoleProvince}},
	{Path: "/admin/alerts", Label: "alerts.log.title", Roles: []survey.Role{survey.RoleAdmin}},
	{Path: "/admin/audit", Label: "admin.nav.audit", Roles: []survey.Role{survey.RoleAdmin}},
}

// navLink is one menu entry as the layout renders it.
type navLink struct {
	Path    string
	Label   string // message ID
	Current string // aria-current: "page" on the section's own page, "true" under it, "" elsewhere
}

// adminNav is the menu that role sees on path, the current section marked.
func adminNav(sections []adminSection, role survey.Role, path string) []navLink {
	var out []navLink
	for _, s := range sections {
		if !slices.Contains(s.Roles, role) {
			continue
		}
		out = append(out, navLink{Path: s.Path, Label: s.Label, Current: s.current(path)})
	}
	return out
}

// current tells whether path is this section's own page ("page") or a page
// under it ("true"); the administration home is only itself, since every
// page is under it.
func (s adminSection) current(path string) string {
	if path == s.Path {
		return "page"
	}
	for _, p := range append([]string{s.Path}, s.Also...) {
		if path == p || p != "/admin" && strings.HasPrefix(path, p+"/") {
			return "true"
		}
	}
	return ""
}
