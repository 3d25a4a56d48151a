package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/survey"
)

// addUser creates a user with a known password (bcrypt at its lowest cost, for speed).
func addUser(t *testing.T, s *Server, username string, role survey.Role, agencyID int64, password string) *survey.User {
	t.Helper()
	h, err := auth.Hasher{Cost: 4}.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	u := &survey.User{Username: username, DisplayName: username, PasswordHash: h, Role: role, AgencyID: agencyID}
	if err := s.DB.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs in through the real form and returns the session cookie.
func signIn(t *testing.T, s *Server, username, password string) (*http.Cookie, int) {
	t.Helper()
	rec := get(t, s, "/login")
	m := csrfRE.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no csrf field on the sign-in page")
	}
	var pre *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == loginCSRF {
			pre = c
		}
	}
	form := url.Values{"csrf": {m[1]}, "username": {username}, "password": {password}, "next": {"/dashboard"}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "192.0.2.20:1234"
	req.AddCookie(pre)
	out := httptest.NewRecorder()
	s.Handler().ServeHTTP(out, req)
	for _, c := range out.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie flags: %+v", c)
			}
			return c, out.Code
		}
	}
	return nil, out.Code
}

func TestSignInAndThrottling(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	addUser(t, s, "lanhdao", survey.RoleAgencyHead, 1, "mật-khẩu-đúng")
	if ck, code := signIn(t, s, "lanhdao", "sai"); ck != nil || code != http.StatusUnauthorized {
		t.Errorf("wrong password: cookie %v, status %d", ck, code)
	}
	ck, code := signIn(t, s, "LanhDao", "mật-khẩu-đúng")
	if ck == nil || code != http.StatusSeeOther {
		t.Fatalf("right password: status %d", code)
	}
	sess, err := s.DB.SessionByToken(context.Background(), ck.Value, s.Clock.Now())
	if err != nil || sess.User.Username != "lanhdao" {
		t.Fatalf("session: %v %v", sess, err)
	}
	// Logging out needs the session's CSRF token.
	req := httptest.NewRequest(http.MethodPost, "/logout", nil)
	req.AddCookie(ck)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("logout without csrf: %d", rec.Code)
	}
	// Five more failures lock the username out for a while, even with the right password.
	for range 5 {
		signIn(t, s, "lanhdao", "sai")
	}
	if ck, code := signIn(t, s, "lanhdao", "mật-khẩu-đúng"); ck != nil || code != http.StatusTooManyRequests {
		t.Errorf("after repeated failures: cookie %v, status %d", ck, code)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/dashboard?month=2026-10": "/dashboard?month=2026-10", "//evil.example": "/dashboard",
		"https://evil.example": "/dashboard", `/\evil`: "/dashboard", "": "/dashboard",
		// Browsers drop tabs and newlines from a Location, which makes these "//evil.example".
		"/\t/evil.example": "/dashboard", "/\n/evil.example": "/dashboard", "/\r\n/evil.example": "/dashboard",
		"/\x00/evil.example": "/dashboard", "/\x7f/evil.example": "/dashboard", "/\u0085/evil.example": "/dashboard",
		"/%2F/evil.example": "/dashboard", "/admin/agencies?q=a%2Fb": "/admin/agencies?q=a%2Fb"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignInRedirectStaysOnSite is the reported attack end to end: a link
// to /login?next=/%09/evil.example must not send anyone to another host,
// whether they are signed in already or sign in on the form.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	addUser(t, s, "lanhdao", survey.RoleAgencyHead, 1, "mật-khẩu-đúng")
	const attack = "/login?next=/%09/evil.example"

	rec := get(t, s, attack)
	if b := rec.Body.String(); strings.Contains(b, "evil.example") || !strings.Contains(b, `name="next" value="/dashboard"`) {
		t.Errorf("sign-in form carries the foreign next: %s", b)
	}

	ck, _ := signIn(t, s, "lanhdao", "mật-khẩu-đúng")
	rec = get(t, s, attack, "Cookie", ck.Name+"="+ck.Value)
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || loc != "/dashboard" {
		t.Errorf("signed in: %d Location %q, want /dashboard", rec.Code, loc)
	}

	// The form posted with the tab in next.
	page := get(t, s, "/login")
	m := csrfRE.FindStringSubmatch(page.Body.String())
	form := url.Values{"csrf": {m[1]}, "username": {"lanhdao"}, "password": {"mật-khẩu-đúng"}, "next": {"/\t/evil.example"}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range page.Result().Cookies() {
		req.AddCookie(c)
	}
	out := httptest.NewRecorder()
	s.Handler().ServeHTTP(out, req)
	if loc := out.Header().Get("Location"); out.Code != http.StatusSeeOther || loc != "/dashboard" {
		t.Errorf("posted: %d Location %q, want /dashboard", out.Code, loc)
	}
}
