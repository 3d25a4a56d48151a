package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// adminClient is a signed-in browser: the session cookie and its CSRF token.
type adminClient struct {
	t    *testing.T
	s    *web.Server
	ck   *http.Cookie
	csrf string
}

const adminPassword = "mật-khẩu-quản-trị"

// signedIn signs a user in through the real form and returns their client.
func signedIn(t *testing.T, s *web.Server, username, password string) *adminClient {
	t.Helper()
	ck, code := signIn(t, s, username, password)
	if ck == nil {
		t.Fatalf("sign-in of %s: %d", username, code)
	}
	sess, err := s.DB.SessionByToken(context.Background(), ck.Value, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &adminClient{t: t, s: s, ck: ck, csrf: sess.CSRF}
}

// adminSetup is a server with the sample place and a signed-in admin.
func adminSetup(t *testing.T) (*web.Server, *adminClient) {
	t.Helper()
	return adminOn(t, newTestServer(t))
}

// adminOn places the counter of place and signs an administrator in on s.
func adminOn(t *testing.T, s *web.Server) (*web.Server, *adminClient) {
	t.Helper()
	place(t, s)
	addUser(t, s, "quantri", survey.RoleAdmin, 0, adminPassword)
	return s, signedIn(t, s, "quantri", adminPassword)
}

func (a *adminClient) get(path string) *httptest.ResponseRecorder {
	a.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if a.ck != nil {
		req.AddCookie(a.ck)
	}
	rec := httptest.NewRecorder()
	a.s.Handler().ServeHTTP(rec, req)
	return rec
}

// post sends a form with the session's CSRF token (unless form sets "csrf").
func (a *adminClient) post(path string, form url.Values) *httptest.ResponseRecorder {
	a.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", a.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a.ck != nil {
		req.AddCookie(a.ck)
	}
	rec := httptest.NewRecorder()
	a.s.Handler().ServeHTTP(rec, req)
	return rec
}

// follow posts and, on a 303, fetches the page it leads to with the flash cookie.
func (a *adminClient) follow(path string, form url.Values) (*httptest.ResponseRecorder, *httptest.ResponseRecorder) {
	a.t.Helper()
	rec := a.post(path, form)
	if rec.Code != http.StatusSeeOther {
		return rec, nil
	}
	req := httptest.NewRequest(http.MethodGet, rec.Header().Get("Location"), nil)
	req.AddCookie(a.ck)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	next := httptest.NewRecorder()
	a.s.Handler().ServeHTTP(next, req)
	return rec, next
}

// adminGetPaths and adminPostPaths are every administration route with the
// sample place (agency H17, counter id 1, officer id 1, user id 1).
var adminGetPaths = []string{"/admin", "/admin/agencies", "/admin/agencies/export.csv", "/admin/agencies/H17",
	"/admin/counters/1", "/admin/officers/1", "/admin/surveys", "/admin/devices", "/admin/users", "/admin/users/1",
	"/admin/apikeys", "/admin/flags", "/admin/flags?all=1", "/admin/paper", "/admin/paper?counter=CT-01", "/admin/audit", "/admin/audit.csv",
	"/admin/alerts", "/admin/alerts/subscriptions", "/admin/alerts/subscriptions/1", "/admin/dossiers", "/admin/dossiers?counter=CT-01"}

var adminPostPaths = []string{"/admin/agencies", "/admin/agencies/import", "/admin/agencies/H17", "/admin/agencies/H17/move",
	"/admin/agencies/H17/close", "/admin/agencies/H17/merge", "/admin/agencies/H17/survey", "/admin/agencies/H17/counters",
	"/admin/agencies/H17/officers", "/admin/counters/1", "/admin/counters/1/pair", "/admin/officers/1", "/admin/devices/1/revoke",
	"/admin/users", "/admin/users/1/role", "/admin/users/1/reset", "/admin/users/1/disable", "/admin/users/1/enable",
	"/admin/apikeys", "/admin/apikeys/1/revoke", "/admin/flags", "/admin/flags/1", "/admin/paper", "/admin/alerts/test", "/admin/alerts/subscriptions/1",
	"/admin/dossiers", "/admin/public"}

func TestAdminPagesAreForAdminsOnly(t *testing.T) {
	s, admin := adminSetup(t)
	addUser(t, s, "lanhdao", survey.RoleAgencyHead, 1, "mật-khẩu-lãnh-đạo")
	addUser(t, s, "tinh", survey.RoleProvince, 0, "mật-khẩu-của-tỉnh")
	others := []*adminClient{signedIn(t, s, "lanhdao", "mật-khẩu-lãnh-đạo"), signedIn(t, s, "tinh", "mật-khẩu-của-tỉnh")}
	anon := &adminClient{t: t, s: s}
	before, _ := s.DB.AuditLog(context.Background(), sqlite.AuditFilter{})
	setup := len(before) // the fixture's own creations
	for _, p := range adminGetPaths {
		for _, o := range others {
			if rec := o.get(p); rec.Code != http.StatusForbidden {
				t.Errorf("GET %s as a non-admin: %d, want 403", p, rec.Code)
			}
		}
		if rec := anon.get(p); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
			t.Errorf("GET %s signed out: %d %s", p, rec.Code, rec.Header().Get("Location"))
		}
		if rec := admin.get(p); rec.Code != http.StatusOK {
			t.Errorf("GET %s as admin: %d", p, rec.Code)
		}
	}
	for _, p := range adminPostPaths {
		for _, o := range others {
			if rec := o.post(p, nil); rec.Code != http.StatusForbidden {
				t.Errorf("POST %s as a non-admin: %d, want 403", p, rec.Code)
			}
		}
		if rec := anon.post(p, url.Values{"csrf": {"x"}}); rec.Code != http.StatusSeeOther {
			t.Errorf("POST %s signed out: %d", p, rec.Code)
		}
		// An admin without the session's token is refused too.
		if rec := admin.post(p, url.Values{"csrf": {"forged"}}); rec.Code != http.StatusForbidden {
			t.Errorf("POST %s with a forged csrf: %d", p, rec.Code)
		}
	}
	if log, _ := s.DB.AuditLog(context.Background(), sqlite.AuditFilter{}); len(log) != setup {
		t.Errorf("refused requests wrote %d audit entries", len(log)-setup)
	}
}

var (
	untranslated = regexp.MustCompile(`\badmin\.[a-z_]+\.[a-z_.]+\b`)
	inlineStyle  = regexp.MustCompile(`(?i)\sstyle=|<script[^>]*>[^<]|\son[a-z]+=`)
)

// renderAdminPages renders every administration page in both languages,
// for the template test, and checks that no message ID or inline style or
// script slipped into one.
func renderAdminPages(t *testing.T, s *web.Server) {
	t.Helper()
	if _, err := s.DB.UserByUsername(context.Background(), "quantri-tpl"); err != nil {
		addUser(t, s, "quantri-tpl", survey.RoleAdmin, 0, adminPassword)
	}
	a := signedIn(t, s, "quantri-tpl", adminPassword)
	id := flagged(t, s, 1)[0] // a flagged response, so the review page exists
	for _, lang := range []string{"vi", "en"} {
		paths := append(append([]string{}, adminGetPaths...), "/admin/flags/"+itoa(id))
		for _, p := range paths {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			rec := a.get(p + sep + "lang=" + lang)
			if rec.Code != http.StatusOK {
				t.Errorf("%s (%s): %d", p, lang, rec.Code)
			}
			if m := untranslated.FindString(rec.Body.String()); m != "" {
				t.Errorf("%s (%s) shows the message ID %s", p, lang, m)
			}
			if m := inlineStyle.FindString(rec.Body.String()); m != "" {
				t.Errorf("%s (%s) has inline style or script: %q", p, lang, m)
			}
		}
		// The pages only a POST shows: a secret shown once, a form with errors.
		for _, p := range []string{"/admin/counters/1/pair", "/admin/apikeys", "/admin/users"} {
			form := url.Values{"name": {"k"}, "scopes": {"scores"}, "username": {"moi-" + lang}, "role": {"province"}}
			req := httptest.NewRequest(http.MethodPost, p+"?lang="+lang, strings.NewReader(withCSRF(form, a.csrf).Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(a.ck)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || untranslated.MatchString(rec.Body.String()) {
				t.Errorf("POST %s (%s): %d", p, lang, rec.Code)
			}
		}
	}
	rec := a.post("/admin/users", url.Values{"username": {"khach"}, "role": {"province"}})
	link := inviteLink(t, rec.Body.String())
	get(t, s, link)
	(&adminClient{t: t, s: s}).post(link, url.Values{"password": {"ngắn"}})
	(&adminClient{t: t, s: s}).post(link, url.Values{"password": {"một câu đủ dài"}, "password_again": {"một câu đủ dài"}})
}

func withCSRF(v url.Values, csrf string) url.Values {
	v.Set("csrf", csrf)
	return v
}

func TestAdminPagesRenderInBothLanguages(t *testing.T) {
	s, _ := adminSetup(t)
	renderAdminPages(t, s)
	for _, name := range []string{"admin_home", "admin_agencies", "admin_agency", "admin_counter", "admin_officer", "admin_surveys",
		"admin_devices", "admin_users", "admin_user", "admin_keys", "admin_flags", "admin_flag", "admin_paper", "admin_audit", "admin_secret", "invite"} {
		if web.Rendered(s, name) == 0 {
			t.Errorf("%s.html was not rendered", name)
		}
	}
}
