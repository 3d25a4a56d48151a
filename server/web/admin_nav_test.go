package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/web"
)

var navLinkRE = regexp.MustCompile(`<li><a href="(/[a-z/]*)"`)

// Every administration page carries the same menu, in both languages, with
// the signed-in user and a sign-out button; only admin pages have it.
func TestEveryAdminPageHasTheMenu(t *testing.T) {
	s, a := adminSetup(t)
	var want []string
	for _, sec := range web.AdminSections {
		want = append(want, sec.Path)
	}
	for _, p := range adminGetPaths {
		if strings.HasSuffix(p, ".csv") {
			continue
		}
		for _, lang := range []string{"vi", "en"} {
			rec := a.get(p + map[bool]string{true: "&", false: "?"}[strings.Contains(p, "?")] + "lang=" + lang)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d", p, rec.Code)
			}
			menu, _, ok := strings.Cut(body[strings.Index(body, `<div class="admin-menu">`)+1:], "</nav>")
			if !ok || !strings.Contains(body, `<div class="admin-menu">`) {
				t.Fatalf("%s (%s) has no menu", p, lang)
			}
			var got []string
			for _, m := range navLinkRE.FindAllStringSubmatch(menu, -1) {
				got = append(got, m[1])
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s (%s) menu %v, want %v", p, lang, got, want)
			}
			if !strings.Contains(body, `action="/logout"`) || !strings.Contains(body, map[string]string{"vi": "Đăng nhập: quantri", "en": "Signed in as quantri"}[lang]) {
				t.Errorf("%s (%s) lacks the signed-in user and sign-out", p, lang)
			}
		}
	}
	if body := (&adminClient{t: t, s: s}).get("/login").Body.String(); strings.Contains(body, `class="admin-menu"`) {
		t.Error("the sign-in page shows the administration menu")
	}
}

// The version and the method note are for staff: a citizen sees neither.
func TestFooterOnlyForStaff(t *testing.T) {
	_, a := adminSetup(t)
	anon := &adminClient{t: t, s: a.s}
	for _, p := range []string{"/?lang=vi", "/t?lang=vi", "/login?lang=vi"} {
		if body := anon.get(p).Body.String(); strings.Contains(body, `class="site-footer"`) {
			t.Errorf("%s shows the staff footer to a citizen", p)
		}
	}
	if body := a.get("/admin?lang=vi").Body.String(); !strings.Contains(body, `class="version"`) {
		t.Error("staff do not see the version")
	}
}
