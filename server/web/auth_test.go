package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// addUser creates a user with a known password (bcrypt at its lowest cost, for speed).
func addUser(t *testing.T, s *web.Server, username string, role survey.Role, agencyID int64, password string) *survey.User {
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
func signIn(t *testing.T, s *web.Server, username, password string) (*http.Cookie, int) {
	t.Helper()
	ck, rec := signInFrom(t, s, username, password, "192.0.2.20")
	return ck, rec.Code
}

// signInFrom signs in from a client address and returns the session cookie
// and the answer.
func signInFrom(t *testing.T, s *web.Server, username, password, addr string) (*http.Cookie, *httptest.ResponseRecorder) {
	t.Helper()
	rec := get(t, s, "/login")
	m := csrfRE.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no csrf field on the sign-in page")
	}
	var pre *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == web.LoginCSRF {
			pre = c
		}
	}
	form := url.Values{"csrf": {m[1]}, "username": {username}, "password": {password}, "next": {"/dashboard"}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr + ":1234"
	req.AddCookie(pre)
	out := httptest.NewRecorder()
	s.Handler().ServeHTTP(out, req)
	for _, c := range out.Result().Cookies() {
		if c.Name == web.SessionCookie && c.Value != "" {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie flags: %+v", c)
			}
			return c, out
		}
	}
	return nil, out
}

// TestFailedSignInsCannotLockOutFromElsewhere is the reported attack: wrong
// passwords from other addresses must not keep the user out of their own
// account. Failures from one address slow that address down, with a delay
// that grows, and one address guessing at many users is slowed as a whole.
func TestFailedSignInsCannotLockOutFromElsewhere(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	addUser(t, s, "lanhdao", survey.RoleAgencyHead, 1, "mật-khẩu-đúng")
	clock := s.Clock.(*testClock)
	for i := range 12 {
		if ck, rec := signInFrom(t, s, "lanhdao", "sai", fmt.Sprintf("198.51.100.%d", i%6+1)); ck != nil || rec.Code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, rec.Code)
		}
	}
	if ck, rec := signInFrom(t, s, "lanhdao", "mật-khẩu-đúng", "192.0.2.77"); ck == nil {
		t.Fatalf("the user from a new address after failures elsewhere: %d, want signed in", rec.Code)
	}

	// From one address: four failures are free, then the wait doubles.
	var waits []string
	for range 11 {
		_, rec := signInFrom(t, s, "lanhdao", "sai", "203.0.113.5")
		if rec.Code == http.StatusTooManyRequests {
			after := rec.Header().Get("Retry-After")
			waits = append(waits, after)
			sec, _ := strconv.Atoi(after)
			clock.Add(time.Duration(sec) * time.Second) // waits it out, then guesses again
		}
	}
	if ck, rec := signInFrom(t, s, "lanhdao", "mật-khẩu-đúng", "203.0.113.5"); ck != nil || rec.Code != http.StatusTooManyRequests {
		t.Errorf("the guessing address with the right password: %d, want 429", rec.Code)
	}
	if len(waits) < 3 || waits[0] != "1" || waits[1] != "2" || waits[2] != "4" {
		t.Errorf("Retry-After of the throttled attempts: %v, want 1, 2, 4, …", waits)
	}
	if ck, _ := signInFrom(t, s, "lanhdao", "mật-khẩu-đúng", "192.0.2.78"); ck == nil {
		t.Error("the user from yet another address is held up")
	}

	// One address trying many usernames.
	for i := range 31 {
		signInFrom(t, s, fmt.Sprintf("khong-co-%d", i), "sai", "203.0.113.6")
	}
	if _, rec := signInFrom(t, s, "lanhdao", "mật-khẩu-đúng", "203.0.113.6"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("an address that guessed at 31 users: %d, want 429", rec.Code)
	}
}

// TestUnknownUsersCostTheSameBcryptWork: without it, a refusal in about a
// millisecond says "no such user" and one after a bcrypt check says "wrong
// password". The bound is one-sided, so a slow machine cannot fail it.
func TestUnknownUsersCostTheSameBcryptWork(t *testing.T) {
	s := newApp(t, app.Config{}, app.Options{PasswordCost: 8}).Web // a cost that shows clearly above the page's own work
	place(t, s)
	h, err := s.Passwords.Hash("mật-khẩu-đúng")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*survey.User{{Username: "lanhdao", PasswordHash: h}, {Username: "nghiviec", PasswordHash: h, Disabled: true},
		{Username: "moimoi"}} {
		u.DisplayName, u.Role, u.AgencyID = u.Username, survey.RoleAgencyHead, 1
		if err := s.DB.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		if u.Disabled {
			if err := s.DB.SetUserDisabled(context.Background(), u.ID, true, survey.CLI, s.Clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The best of seven rounds, each timing every name in turn: a busy
	// machine only ever adds time, so the fastest run is the closest to the
	// work itself, and interleaving the names lets a burst of load from
	// elsewhere slow all of them in a round rather than one name's runs
	// (timing each name's runs back to back made this test flaky).
	names := []string{"lanhdao", "khong-co-ai", "nghiviec", "moimoi"}
	signInFrom(t, s, "khong-co-ai", "sai", "198.51.100.250") // the first refusal also makes the stand-in hash
	best := make([]time.Duration, len(names))
	for round := range 7 {
		for i, name := range names {
			start := time.Now()
			// A fresh address each time: the sign-in throttle must not add its delays.
			_, rec := signInFrom(t, s, name, "sai", fmt.Sprintf("198.51.100.%d", round*len(names)+i))
			d := time.Since(start)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("%s: %d", name, rec.Code)
			}
			if round == 0 || d < best[i] {
				best[i] = d
			}
		}
	}
	known := best[0]
	for i, name := range names[1:] {
		if d := best[i+1]; d < known/3 {
			t.Errorf("refusing %s took %v, a known user %v: the difference tells who exists", name, d, known)
		}
	}
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

// TestCSRFTokenOnlyFromTheBodyOrHeader: a token in the query string is
// ignored, even the right one, on the sign-in form and behind it.
func TestCSRFTokenOnlyFromTheBodyOrHeader(t *testing.T) {
	s, admin := adminSetup(t)
	post := func(path string, query, body url.Values, header ...string) int {
		req := httptest.NewRequest(http.MethodPost, path+"?"+query.Encode(), strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		req.AddCookie(admin.ck)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	form := url.Values{"name": {"bi"}, "scopes": {"scores"}}
	if code := post("/admin/apikeys", url.Values{"csrf": {admin.csrf}}, form); code != http.StatusForbidden {
		t.Errorf("the session's token in the query string: %d, want 403", code)
	}
	if code := post("/admin/apikeys", nil, form, "X-CSRF-Token", admin.csrf); code == http.StatusForbidden {
		t.Errorf("the token in the X-CSRF-Token header: %d", code)
	}
	withBody := url.Values{"csrf": {admin.csrf}, "name": {"bi"}, "scopes": {"scores"}}
	if code := post("/admin/apikeys", nil, withBody); code == http.StatusForbidden {
		t.Errorf("the token in the body: %d", code)
	}

	// The sign-in form's own token, likewise.
	page := get(t, s, "/login")
	tok := csrfRE.FindStringSubmatch(page.Body.String())[1]
	req := httptest.NewRequest(http.MethodPost, "/login?csrf="+url.QueryEscape(tok),
		strings.NewReader(url.Values{"username": {"quantri"}, "password": {adminPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range page.Result().Cookies() {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("sign-in with the token in the query string: %d, want 403", rec.Code)
	}
	// Nor is a password taken from the URL.
	req = httptest.NewRequest(http.MethodPost, "/login?"+url.Values{"username": {"quantri"}, "password": {adminPassword}}.Encode(),
		strings.NewReader(url.Values{"csrf": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range page.Result().Cookies() {
		req.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("sign-in with the password in the query string: %d, want 401", rec.Code)
	}
}
