package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// adminRoles are the roles in the order forms offer them.
var adminRoles = []survey.Role{survey.RoleAgencyHead, survey.RoleProvince, survey.RoleAdmin}

type adminUsersPage struct {
	adminBase
	Users      []*survey.UserInfo
	AgencyCode map[int64]string
	Agencies   []agencyOption
	Roles      []survey.Role
	Values     map[string]string
}

func (s *Server) usersPage(c echo.Context) (*adminUsersPage, error) {
	users, err := s.DB.Users(c.Request().Context())
	if err != nil {
		return nil, err
	}
	opts, err := s.agencyOptions(c)
	if err != nil {
		return nil, err
	}
	codes, err := s.agencyCodes(c)
	if err != nil {
		return nil, err
	}
	return &adminUsersPage{adminBase: s.base(c, "admin.users.title"), Users: users, Agencies: opts, Roles: adminRoles,
		AgencyCode: codes, Values: map[string]string{"role": string(survey.RoleAgencyHead)}}, nil
}

// adminUsers is GET /admin/users: every account and the invitation form.
func (s *Server) adminUsers(c echo.Context) error {
	p, err := s.usersPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_users", p)
}

// adminUserInvite is POST /admin/users: creates the account without a
// password and shows the one-time link (7 days) to pass on to the person.
func (s *Server) adminUserInvite(c echo.Context) error {
	v := map[string]string{}
	for _, f := range []string{"username", "display_name", "role", "agency"} {
		v[f] = strings.TrimSpace(c.FormValue(f))
	}
	now := s.Clock.Now()
	u := &survey.UserInfo{Username: v["username"], DisplayName: v["display_name"], Role: survey.Role(v["role"])}
	var token string
	var err error
	if u.AgencyID, err = s.agencyIDByCode(c, v["agency"], "agency"); err == nil {
		token, err = s.DB.InviteUser(c.Request().Context(), u, s.actor(c), now)
	}
	if err == nil {
		return s.showInvite(c, token, now, "/admin/users")
	}
	errs, err := s.formErrors(c, err, "", "username")
	if err != nil {
		return err
	}
	p, err := s.usersPage(c)
	if err != nil {
		return err
	}
	p.Errors, p.Values = errs, v
	return s.render(c, http.StatusUnprocessableEntity, "admin_users", p)
}

func (s *Server) showInvite(c echo.Context, token string, now time.Time, back string) error {
	return s.render(c, http.StatusOK, "admin_secret", adminSecretPage{adminBase: s.base(c, "admin.secret.invite_title"),
		Kind: "invite", Link: s.BaseURL + "/invite/" + token, Expires: now.Add(sqlite.InvitationTTL), Back: back})
}

type adminUserPage struct {
	adminBase
	Account  *survey.UserInfo
	Agencies []agencyOption
	Roles    []survey.Role
	Values   map[string]string
	Self     bool
}

func (s *Server) userPage(c echo.Context) (*adminUserPage, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	u, err := s.DB.User(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	opts, err := s.agencyOptions(c)
	if err != nil {
		return nil, err
	}
	p := &adminUserPage{adminBase: s.base(c, "admin.user.title"), Account: u, Agencies: opts, Roles: adminRoles,
		Values: map[string]string{"role": string(u.Role)}}
	p.Self = p.User.ID == u.ID
	if u.AgencyID != 0 {
		if a, err := s.DB.Agency(c.Request().Context(), u.AgencyID); err == nil {
			p.Values["agency"] = a.Code
		}
	}
	return p, nil
}

// adminUser is GET /admin/users/:id: role and scope, reset, disable.
func (s *Server) adminUser(c echo.Context) error {
	p, err := s.userPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_user", p)
}

// userPost runs one form of the user page: a flash on success, the page
// with its error summary on a rule such as "not the last admin".
func (s *Server) userPost(c echo.Context, def, flash string, act func(u *survey.UserInfo) error) error {
	p, err := s.userPage(c)
	if err != nil {
		return err
	}
	if err = act(p.Account); err == nil {
		return s.done(c, "/admin/users/"+itoa(p.Account.ID), flash, p.Account.Username)
	}
	if p.Errors, err = s.formErrors(c, err, "", def); err != nil {
		return err
	}
	p.Values["role"], p.Values["agency"] = c.FormValue("role"), c.FormValue("agency")
	return s.render(c, http.StatusUnprocessableEntity, "admin_user", p)
}

// adminUserRole is POST /admin/users/:id/role.
func (s *Server) adminUserRole(c echo.Context) error {
	return s.userPost(c, "role", "admin.flash.saved", func(u *survey.UserInfo) error {
		aid, err := s.agencyIDByCode(c, strings.TrimSpace(c.FormValue("agency")), "agency")
		if err != nil {
			return err
		}
		return s.DB.SetUserRole(c.Request().Context(), u.ID, survey.Role(c.FormValue("role")), aid, s.actor(c), s.Clock.Now())
	})
}

// adminUserDisable is POST /admin/users/:id/disable.
func (s *Server) adminUserDisable(c echo.Context) error {
	return s.userPost(c, "disable", "admin.flash.user_disabled", func(u *survey.UserInfo) error {
		return s.DB.SetUserDisabled(c.Request().Context(), u.ID, true, s.actor(c), s.Clock.Now())
	})
}

// adminUserEnable is POST /admin/users/:id/enable.
func (s *Server) adminUserEnable(c echo.Context) error {
	return s.userPost(c, "disable", "admin.flash.user_enabled", func(u *survey.UserInfo) error {
		return s.DB.SetUserDisabled(c.Request().Context(), u.ID, false, s.actor(c), s.Clock.Now())
	})
}

// adminUserReset is POST /admin/users/:id/reset: the password is cleared
// and a new one-time link shown.
func (s *Server) adminUserReset(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	token, err := s.DB.ResetUser(c.Request().Context(), id, s.actor(c), now)
	if err != nil {
		return err
	}
	return s.showInvite(c, token, now, "/admin/users/"+itoa(id))
}
