package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/survey"
)

const (
	sessionCookie = "sipas_session"
	loginCSRF     = "sipas_login_csrf" // double-submit token of the sign-in form, before any session exists
	sessionTTL    = 12 * time.Hour     // a working day; heads sign in again the next morning
	ctxSession    = "session"
)

// secureCookies: cookies carry Secure when the public URL is HTTPS.
func (s *Server) secureCookies() bool { return strings.HasPrefix(s.BaseURL, "https://") }

func (s *Server) setCookie(c echo.Context, name, value string, maxAge int) {
	c.SetCookie(&http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
}

// session returns the signed-in session of the request, or nil.
func (s *Server) session(c echo.Context) *survey.Session {
	if v, ok := c.Get(ctxSession).(*survey.Session); ok {
		return v
	}
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	sess, err := s.DB.SessionByToken(c.Request().Context(), ck.Value, s.Clock.Now())
	if err != nil {
		return nil
	}
	c.Set(ctxSession, sess)
	return sess
}

// requireUser lets signed-in users through; pages redirect others to the
// sign-in form, the API answers 401. Form posts must carry the session's
// CSRF token. Nothing behind a sign-in is cached: scores, citizens'
// comments and exports are for this user only, and a shared computer's
// browser must not show them from its cache after sign-out.
func (s *Server) requireUser(roles ...survey.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			noStore(c)
			sess := s.session(c)
			if sess == nil {
				if wantsJSON(c) {
					return survey.Errorf(survey.CodeUnauthorized, "error.unauthorized", nil)
				}
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			if len(roles) > 0 && !slices.Contains(roles, sess.User.Role) {
				return survey.Errorf(survey.CodeForbidden, "error.forbidden", nil)
			}
			if c.Request().Method == http.MethodPost && !sameToken(csrfToken(c), sess.CSRF) {
				return survey.Errorf(survey.CodeForbidden, "error.csrf", nil)
			}
			return next(c)
		}
	}
}

// csrfToken is the CSRF token a post carries: in its form body, or in an
// X-CSRF-Token header for a script. Never from the query string, where it
// would sit in logs, in history and in the Referer of the next page.
func csrfToken(c echo.Context) string {
	if tok := c.Request().Header.Get("X-CSRF-Token"); tok != "" {
		return tok
	}
	return c.Request().PostFormValue("csrf")
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// canSee reports whether u may see the agency: admins and the province see
// everything, an agency head sees their agency and its subtree.
func (s *Server) canSee(c echo.Context, u *survey.User, agencyID int64) (bool, error) {
	if u.Role == survey.RoleAdmin || u.Role == survey.RoleProvince {
		return true, nil
	}
	ids, err := s.DB.Subtree(c.Request().Context(), u.AgencyID)
	if err != nil {
		return false, err
	}
	return slices.Contains(ids, agencyID), nil
}

type loginPage struct {
	CSRF     string
	Next     string
	Username string
	Error    string
}

// PageTitle titles the sign-in page.
func (p loginPage) PageTitle(l *i18n.Localizer) string {
	if p.Error != "" {
		return l.T("error.prefix") + " " + l.T("login.title")
	}
	return l.T("login.title")
}

// safeNext keeps redirects after sign-in on this site: a path that starts
// with exactly one "/", holds no control character or backslash (browsers
// drop tabs and newlines and read "\\" as "/", so "/\t/evil.example" would
// leave the site) and parses to no scheme or host.
func safeNext(next string) string {
	const home = "/dashboard"
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return home
	}
	for _, r := range next {
		if unicode.IsControl(r) {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return home
	}
	return next
}

func (s *Server) loginForm(c echo.Context) error {
	if sess := s.session(c); sess != nil {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	tok, err := randomCSRF()
	if err != nil {
		return err
	}
	s.setCookie(c, loginCSRF, tok, 3600)
	return s.render(c, http.StatusOK, "login", loginPage{CSRF: tok, Next: safeNext(c.QueryParam("next"))})
}

// login checks a username and password. Failures are throttled per
// username and address and per address (auth.SignIns), cost the same bcrypt
// work whether or not the user exists, and all look the same to the person.
func (s *Server) login(c echo.Context) error {
	ck, err := c.Cookie(loginCSRF)
	if err != nil || !sameToken(csrfToken(c), ck.Value) {
		return survey.Errorf(survey.CodeForbidden, "error.csrf", nil)
	}
	// Credentials only from the body: a password in a URL would sit in logs and history.
	form := c.Request().PostFormValue
	username := strings.TrimSpace(form("username"))
	next := safeNext(form("next"))
	now := s.Clock.Now()
	page := loginPage{CSRF: ck.Value, Next: next, Username: username}
	addr := c.RealIP()
	if wait := s.LoginLimits.Wait(username, addr, now); wait > 0 {
		l := s.I18n.Localizer(s.I18n.Negotiate(c.Request()))
		page.Error = l.T("login.throttled", map[string]any{"Seconds": int(wait.Seconds() + 0.999)})
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
		return s.render(c, http.StatusTooManyRequests, "login", page)
	}
	u, err := s.DB.UserByUsername(c.Request().Context(), username)
	if err != nil && !errors.Is(err, survey.ErrNotFound) {
		return err
	}
	hash := "" // no such user, or a disabled one: the same work, then a refusal
	if u != nil && !u.Disabled {
		hash = u.PasswordHash
	}
	if !s.Passwords.Check(hash, form("password")) {
		s.LoginLimits.Failed(username, addr, now)
		s.Logger.Warn("sign-in failed", "username", username, "ip", addr)
		page.Error = s.I18n.Localizer(s.I18n.Negotiate(c.Request())).T("login.failed")
		return s.render(c, http.StatusUnauthorized, "login", page)
	}
	s.LoginLimits.Succeeded(username, addr)
	token, _, err := s.DB.CreateSession(c.Request().Context(), u.ID, now, sessionTTL)
	if err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, token, int(sessionTTL.Seconds()))
	s.setCookie(c, loginCSRF, "", -1)
	s.Logger.Info("signed in", "user", u.Username, "role", u.Role)
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.DB.DeleteSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/login")
}
