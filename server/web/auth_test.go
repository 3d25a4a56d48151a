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
		"https://evil.example": "/dashboard", `/\evil`: "/dashboard", "": "/dashboard"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
