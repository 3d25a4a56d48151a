package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

type adminKeysPage struct {
	adminBase
	Keys     []*sqlite.APIKeyInfo
	Agencies []agencyOption
	Scopes   []string
	Values   map[string]string
	Checked  map[string]bool
}

func (s *Server) keysPage(c echo.Context) (*adminKeysPage, error) {
	keys, err := s.DB.APIKeys(c.Request().Context())
	if err != nil {
		return nil, err
	}
	opts, err := s.agencyOptions(c)
	if err != nil {
		return nil, err
	}
	return &adminKeysPage{adminBase: s.base(c, "admin.keys.title"), Keys: keys, Agencies: opts, Scopes: survey.APIKeyScopes,
		Values: map[string]string{}, Checked: map[string]bool{}}, nil
}

// adminKeys is GET /admin/apikeys: every key with scope, subtree and last use.
func (s *Server) adminKeys(c echo.Context) error {
	p, err := s.keysPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_keys", p)
}

// adminKeyCreate is POST /admin/apikeys: the key is shown on this answer
// only; the database keeps its hash.
func (s *Server) adminKeyCreate(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	name, agency, scopes := strings.TrimSpace(form.Get("name")), strings.TrimSpace(form.Get("agency")), form["scopes"]
	aid, err := s.agencyIDByCode(c, agency, "agency")
	var secret string
	if err == nil {
		_, secret, err = s.DB.CreateAPIKey(c.Request().Context(), name, scopes, aid, s.actor(c), s.Clock.Now())
	}
	if err == nil {
		return s.render(c, http.StatusOK, "admin_secret", adminSecretPage{adminBase: s.base(c, "admin.secret.key_title"),
			Kind: "apikey", Secret: secret, Back: "/admin/apikeys"})
	}
	errs, err := s.formErrors(c, err, "", "name")
	if err != nil {
		return err
	}
	p, err := s.keysPage(c)
	if err != nil {
		return err
	}
	p.Errors, p.Values["name"], p.Values["agency"] = errs, name, agency
	for _, sc := range scopes {
		p.Checked[sc] = true
	}
	if len(errs) > 0 && errs[0].ID == "scopes" {
		p.Errors[0].ID = "scope-" + survey.APIKeyScopes[0] // a fieldset links to its first box
	}
	return s.render(c, http.StatusUnprocessableEntity, "admin_keys", p)
}

// adminKeyRevoke is POST /admin/apikeys/:id/revoke.
func (s *Server) adminKeyRevoke(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.DB.RevokeAPIKey(c.Request().Context(), id, s.actor(c), s.Clock.Now()); err != nil {
		return err
	}
	return s.done(c, "/admin/apikeys", "admin.flash.key_revoked", itoa(id))
}
