package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/survey"
)

// The phone form (UX.md §2): plain HTML forms, one page per element, each
// page saved as a draft when posted and answered with a redirect, so it works
// without JavaScript and a dropped connection loses one page at most.
//
//	/q/<counter>   a counter's poster QR: the first page
//	/t/<code>      a one-time dossier code from the receipt: the first page
//	/t?code=       the page to type a code by hand
//	/f/<draft>/<n> page n of a form in progress; /f/<draft>/done thanks
//
// QR codes carry the URL upper-cased, so /Q/ and /T/ lead to the same pages.
// The routes are in routes.go.

// formCtx is what every page of one form needs: the questionnaire, where the
// rating goes, the language, and the draft once the first page was posted.
type formCtx struct {
	def     *survey.Definition
	steps   []formStep
	counter *survey.Counter
	caption string
	token   string // the one-time code of a /t/ link
	entry   string // the first page's URL, used until a draft exists
	draft   *survey.Draft
	lang    string
	l       *i18n.Localizer
}

// url is the address of step i: the entry URL until there is a draft.
func (fc *formCtx) url(i int) string {
	if fc.draft == nil {
		return fc.entry
	}
	return "/f/" + fc.draft.ID + "/" + strconv.Itoa(i)
}

// answers returns what the draft holds so far.
func (fc *formCtx) answers() map[string]json.RawMessage {
	if fc.draft == nil || fc.draft.Answers == nil {
		return map[string]json.RawMessage{}
	}
	return fc.draft.Answers
}

// comment returns the draft's comment so far.
func (fc *formCtx) comment() string {
	if fc.draft == nil {
		return ""
	}
	return fc.draft.Comment
}

// formPoster is /q/<counter>: the questionnaire of the counter's agency.
func (s *Server) formPoster(c echo.Context) error {
	counter, err := s.DB.CounterByCode(c.Request().Context(), c.Param("counter"))
	if errors.Is(err, survey.ErrNotFound) {
		return survey.Errorf(survey.CodeNotFound, "error.counter.unknown", map[string]any{"Code": c.Param("counter")})
	}
	if err != nil {
		return err
	}
	fc, err := s.formFor(c, counter, nil)
	if err != nil {
		return err
	}
	return s.formStep(c, fc, 0)
}

// formToken is /t/<code>: a dossier's one-time code, checked before any
// question is shown, so a used or expired code never costs the citizen a form.
func (s *Server) formToken(c echo.Context) error {
	ctx := c.Request().Context()
	code := c.Param("code")
	t, err := s.Collect.Token(ctx, code)
	var de *survey.Error
	if errors.As(err, &de) && de.Field == "token" {
		return s.formCodePage(c, code, de, http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	if notice := s.formTokenNotice(t); notice != "" {
		return s.formNotice(c, notice, http.StatusOK, "", "")
	}
	counter, err := s.DB.Counter(ctx, t.CounterID)
	if err != nil {
		return err
	}
	fc, err := s.formFor(c, counter, nil)
	if err != nil {
		return err
	}
	fc.token = code
	return s.formStep(c, fc, 0)
}

// formTokenNotice says why a code can no longer be used: "used", "expired" or "".
func (s *Server) formTokenNotice(t *survey.DossierToken) string {
	switch {
	case t.UsedAt != nil:
		return "used"
	case !s.Clock.Now().Before(t.ExpiresAt):
		return "expired"
	}
	return ""
}

// formCodeEntry is /t?code=: typing the code printed on the receipt, for
// when the camera fails. A good code goes on to /t/<code>.
func (s *Server) formCodeEntry(c echo.Context) error {
	code := strings.TrimSpace(c.QueryParam("code"))
	if code == "" {
		return s.formCodePage(c, "", nil, http.StatusOK)
	}
	_, err := s.Collect.Token(c.Request().Context(), code)
	var de *survey.Error
	if errors.As(err, &de) && de.Field == "token" {
		return s.formCodePage(c, code, de, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	clean := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", ".", "").Replace(code))
	return c.Redirect(http.StatusSeeOther, "/t/"+url.PathEscape(clean))
}

// formDraft is /f/<draft>/<n>: a page of a form in progress.
func (s *Server) formDraft(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.DB.Draft(ctx, c.Param("draft"))
	if errors.Is(err, survey.ErrNotFound) {
		// Purged a day after sending, or never existed: a calm page, not an error.
		return s.formNotice(c, "gone", http.StatusNotFound, "", "")
	}
	if err != nil {
		return err
	}
	base := "/f/" + d.ID + "/"
	step := c.Param("step")
	if d.Done() {
		// A repeated post, the back button or a reload after sending: thank again, change nothing.
		if step == "done" && c.Request().Method == http.MethodGet {
			return s.formNotice(c, "done", http.StatusOK, "", "")
		}
		return c.Redirect(http.StatusSeeOther, base+"done")
	}
	counter, err := s.DB.Counter(ctx, d.CounterID)
	if err != nil {
		return err
	}
	fc, err := s.formFor(c, counter, d)
	if err != nil {
		return err
	}
	i, err := strconv.Atoi(step)
	if err != nil || i < 0 || i >= len(fc.steps) || strconv.Itoa(i) != step {
		if step == "done" {
			return c.Redirect(http.StatusSeeOther, base+"0")
		}
		return echo.ErrNotFound
	}
	if !fc.steps[i].visible(fc.answers()) {
		// The answer this page depended on was changed: go on from here.
		next := formNextStep(fc.steps, i, fc.answers())
		if next < 0 {
			next = formPrevStep(fc.steps, i, fc.answers())
		}
		return c.Redirect(http.StatusSeeOther, fc.url(max(next, 0)))
	}
	return s.formStep(c, fc, i)
}

// formStep shows step i, or takes its posted answers.
func (s *Server) formStep(c echo.Context, fc *formCtx, i int) error {
	if c.Request().Method == http.MethodPost {
		return s.formPost(c, fc, i)
	}
	return s.formShow(c, fc, i, fc.answers(), fc.comment(), nil, http.StatusOK)
}

// formFor gathers what the pages of one form need. The questionnaire is the
// draft's, or else the one assigned to the counter's agency.
func (s *Server) formFor(c echo.Context, counter *survey.Counter, d *survey.Draft) (*formCtx, error) {
	ctx := c.Request().Context()
	lang := s.formLang(c)
	l := s.I18n.Localizer(lang)
	agency, err := s.DB.Agency(ctx, counter.AgencyID)
	if err != nil {
		return nil, err
	}
	var def *survey.Definition
	if d != nil {
		def, _ = s.Surveys.Get(d.SurveyID)
	}
	if def == nil {
		id, err := s.DB.SurveyFor(ctx, counter.AgencyID)
		if err != nil {
			return nil, err
		}
		var ok bool
		if def, ok = s.Surveys.Get(id); !ok {
			def = s.Surveys.Default()
		}
	}
	fc := &formCtx{def: def, steps: formSteps(def), counter: counter, draft: d, lang: lang, l: l,
		entry:   c.Request().URL.Path,
		caption: l.T("form.caption", map[string]any{"Counter": counter.Name.In(lang), "Agency": agency.Name.In(lang)})}
	if d != nil {
		fc.token = d.Token
	}
	return fc, nil
}

// formLang returns the page's language and remembers an explicit choice
// (?lang= from the switch) in the cookie, so the pages after the next post
// keep it; the layout's switch links carry no form state.
func (s *Server) formLang(c echo.Context) string {
	lang := s.I18n.Negotiate(c.Request())
	if c.QueryParam("lang") == lang {
		c.SetCookie(&http.Cookie{Name: i18n.CookieName, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	return lang
}

func (s *Server) formLocalizer(c echo.Context) *i18n.Localizer {
	return s.I18n.Localizer(s.I18n.Negotiate(c.Request()))
}

// formCodePage asks for the code printed on the receipt, with an error
// summary when what was given is not a code of ours.
func (s *Server) formCodePage(c echo.Context, code string, de *survey.Error, status int) error {
	s.formLang(c)
	formNoStore(c)
	l := s.formLocalizer(c)
	v := &formView{Kind: "code", Title: l.T("form.code.title"), Heading: l.T("form.code.title"), Back: "/", Code: code}
	if de != nil {
		formAttachErrors(v, l, []*survey.Error{de})
	}
	return s.render(c, status, "form_page", v)
}

// formNotice is a calm page in place of the form: "done", "used", "expired",
// "limited", "crowded" or "gone".
func (s *Server) formNotice(c echo.Context, kind string, status int, caption, back string) error {
	s.formLang(c)
	formNoStore(c)
	l := s.formLocalizer(c)
	v := &formView{Kind: kind, Title: l.T("form." + kind + ".title"), Heading: l.T("form." + kind + ".title"),
		Lead: l.T("form." + kind + ".text"), Caption: caption, Back: back}
	return s.render(c, status, "form_notice", v)
}
