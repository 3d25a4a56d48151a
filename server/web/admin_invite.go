package web

import (
	"net/http"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/i18n"
)

// minPassword is the shortest password accepted when setting one.
const minPassword = 10

type invitePage struct {
	Token    string
	Username string
	Done     bool
	Errors   []fieldError
}

// PageTitle titles the page where an invited user sets a password.
func (p invitePage) PageTitle(l *i18n.Localizer) string {
	if len(p.Errors) > 0 {
		return l.T("error.prefix") + " " + l.T("admin.invite.title")
	}
	return l.T("admin.invite.title")
}

// inviteForm is GET /invite/:token: an unused, unexpired link shows the
// form; anything else is a 404 that says why.
func (s *Server) inviteForm(c echo.Context) error {
	noStore(c)
	u, err := s.DB.InvitedUser(c.Request().Context(), c.Param("token"), s.Clock.Now())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "invite", invitePage{Token: c.Param("token"), Username: u.Username})
}

// inviteAccept is POST /invite/:token. The token in the URL is the secret
// that proves the link was received, so it doubles as the form's CSRF guard.
func (s *Server) inviteAccept(c echo.Context) error {
	noStore(c)
	ctx := c.Request().Context()
	token := c.Param("token")
	u, err := s.DB.InvitedUser(ctx, token, s.Clock.Now())
	if err != nil {
		return err
	}
	pw, again := c.FormValue("password"), c.FormValue("password_again")
	l := s.localizer(c)
	p := invitePage{Token: token, Username: u.Username}
	switch {
	case utf8.RuneCountInString(pw) < minPassword:
		p.Errors = []fieldError{{ID: "password", Message: l.T("admin.invite.too_short", map[string]any{"Min": minPassword})}}
	case len(pw) > auth.MaxPasswordBytes:
		p.Errors = []fieldError{{ID: "password", Message: l.T("admin.invite.too_long")}}
	case pw != again:
		p.Errors = []fieldError{{ID: "password_again", Message: l.T("admin.invite.mismatch")}}
	}
	if p.Errors != nil {
		return s.render(c, http.StatusUnprocessableEntity, "invite", p)
	}
	hash, err := s.Passwords.Hash(pw)
	if err != nil {
		return err
	}
	if _, err := s.DB.AcceptInvitation(ctx, token, hash, s.Clock.Now()); err != nil {
		return err
	}
	s.Logger.Info("password set", "user", u.Username)
	p.Done, p.Token = true, ""
	return s.render(c, http.StatusOK, "invite", p)
}
