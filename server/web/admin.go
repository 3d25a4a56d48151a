package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/survey"
)

// flashCookie carries a one-line confirmation across the redirect of a
// post/redirect/get: a message ID and one optional argument, never HTML.
const flashCookie = "sipas_flash"

// fieldError is one problem shown in the error summary, linked to its field.
type fieldError struct {
	ID      string // the form control's id
	Message string // translated
}

// adminBase is what every administration page carries.
type adminBase struct {
	TitleID string
	CSRF    string
	User    *survey.User
	Flash   string // translated
	Errors  []fieldError
	Lang    string
}

// PageTitle titles an administration page, "Lỗi:" first when a form failed.
func (b adminBase) PageTitle(l *i18n.Localizer) string {
	t := l.T(b.TitleID) + " – " + l.T("admin.title")
	if len(b.Errors) > 0 {
		return l.T("error.prefix") + " " + t
	}
	return t
}

// Err returns the message for one field, for the inline error beside it.
func (b adminBase) Err(id string) string {
	for _, e := range b.Errors {
		if e.ID == id {
			return e.Message
		}
	}
	return ""
}

// localizer is the request's localizer.
func (s *Server) localizer(c echo.Context) *i18n.Localizer {
	return s.I18n.Localizer(s.I18n.Negotiate(c.Request()))
}

// base builds an admin page's common part and consumes the flash message.
func (s *Server) base(c echo.Context, titleID string) adminBase {
	sess := s.session(c)
	l := s.localizer(c)
	b := adminBase{TitleID: titleID, CSRF: sess.CSRF, User: sess.User, Lang: l.Lang()}
	if ck, err := c.Cookie(flashCookie); err == nil && ck.Value != "" {
		if v, err := url.QueryUnescape(ck.Value); err == nil {
			id, arg, _ := strings.Cut(v, "|")
			if strings.HasPrefix(id, "admin.flash.") || strings.HasPrefix(id, "alerts.flash.") {
				b.Flash = l.T(id, map[string]any{"Name": arg})
			}
		}
		c.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
			Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
	}
	return b
}

// done ends a successful form post: a flash message and a 303 to the page to show.
func (s *Server) done(c echo.Context, to, flashID, arg string) error {
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: url.QueryEscape(flashID + "|" + arg), Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, to)
}

// formErrors turns a domain error a person can fix (invalid input, a
// conflict such as the last-admin rule) into error-summary lines; the ids
// are the form's prefix plus the error's field (def when it names none).
// Any other error is returned for the central error handler.
func (s *Server) formErrors(c echo.Context, err error, prefix, def string) ([]fieldError, error) {
	var de *survey.Error
	if !errors.As(err, &de) || de.Code != survey.CodeInvalid && de.Code != survey.CodeConflict {
		return nil, err
	}
	l := s.localizer(c)
	field := de.Field
	if field == "" {
		field = def
	}
	return []fieldError{{ID: prefix + field, Message: l.T(de.Message, localizeData(l, de.Data))}}, nil
}

// actor is who the signed-in admin is, for the audit log.
func (s *Server) actor(c echo.Context) survey.Actor {
	u := s.session(c).User
	return survey.Actor{UserID: u.ID, Name: u.Username}
}

// paramID reads a numeric path parameter; anything else is a 404.
func paramID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, survey.ErrNotFound
	}
	return id, nil
}

// agencyOptions is the agencies as a select offers them: code and Vietnamese name.
type agencyOption struct {
	ID   int64
	Code string
	Name string
}

func (s *Server) agencyOptions(c echo.Context) ([]agencyOption, error) {
	all, err := s.DB.Agencies(c.Request().Context())
	if err != nil {
		return nil, err
	}
	lang := s.localizer(c).Lang()
	out := make([]agencyOption, 0, len(all))
	for _, a := range all {
		if a.ValidTo == "" {
			out = append(out, agencyOption{ID: a.ID, Code: a.Code, Name: a.Name.In(lang)})
		}
	}
	return out, nil
}

// agencyCodes maps every agency's ID to its code, for lists of scopes.
func (s *Server) agencyCodes(c echo.Context) (map[int64]string, error) {
	all, err := s.DB.Agencies(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, a := range all {
		out[a.ID] = a.Code
	}
	return out, nil
}

// agencyIDByCode resolves an optional agency code from a form: "" is 0.
func (s *Server) agencyIDByCode(c echo.Context, code, field string) (int64, error) {
	if code == "" {
		return 0, nil
	}
	a, err := s.DB.AgencyByCode(c.Request().Context(), code)
	if err != nil {
		return 0, survey.FieldError(field, "error.agency.unknown", nil)
	}
	return a.ID, nil
}

// noStore marks a page that shows a secret once: no cache may keep it.
func noStore(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "no-store")
}
