package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/survey"
)

// formMaxBody bounds a posted form page, of the phone form or any other
// (limitBodies): a 1,000-character comment is under 4 KB even as
// percent-encoded Vietnamese.
const formMaxBody = 32 << 10

// maxOpenDrafts bounds the phone-form drafts one client address may have
// open: abandoned ones close after two hours (SweepDrafts).
const maxOpenDrafts = 100

// formShow renders step i with the given answers and errors. The answers
// may be newer than the draft's: a page with errors shows what was posted.
func (s *Server) formShow(c echo.Context, fc *formCtx, i int, answers map[string]json.RawMessage, comment string,
	errs []*survey.Error, status int) error {
	st, l, lang := fc.steps[i], fc.l, fc.lang
	formNoStore(c)
	v := &formView{Caption: fc.caption, Action: fc.url(i), Back: "/"}
	v.Heading, v.Title = formStepHeading(fc.def, st, lang, l)
	if prev := formPrevStep(fc.steps, i, answers); prev >= 0 && fc.draft != nil {
		v.Back = fc.url(prev)
	}
	if st.kind == stepStart {
		v.Lead = l.T("form.start.lead")
		v.Intro = l.T("form.start.parts", map[string]any{"Count": len(fc.steps) - 1})
		v.Kind, v.Duration = "start", fc.def.Duration.In(lang)
		return s.render(c, status, "form_page", v)
	}
	for _, q := range st.visibleQuestions(answers) {
		fq := formQuestionView(q, lang, l, answers)
		for _, o := range fq.Options {
			v.Faces = v.Faces || o.Face > 0
		}
		v.Questions = append(v.Questions, fq)
	}
	if st.hasComment(fc.def) {
		v.Comment = formCommentView(fc.def, lang, l, comment)
	}
	if len(st.parts) == 1 {
		v.Intro = st.parts[0].Intro.In(lang)
	}
	if st.kind == stepElement {
		v.Intro = st.element.Intro.In(lang) // the official form's note under the element heading
	}
	v.Optional = st.optional()
	v.Single = len(v.Questions) == 1 && v.Comment == nil && v.Intro == ""
	if v.Single {
		v.Questions[0].Page = true
	}
	v.Submit = formLastStep(fc.steps, i, answers)
	// Skipping: the quick follow-up sends without its answers; an optional
	// part jumps past the other optional parts to the end.
	v.Skip = st.kind == stepFollowup || st.optional() && st.number < st.of
	formAttachErrors(v, l, errs)
	return s.render(c, status, "form_page", v)
}

// formLastStep reports whether posting step i sends the form: no later step
// is shown now, nor could be shown by an answer on this page (the quick
// rating's follow-up), so the button honestly says "Gửi đánh giá".
func formLastStep(steps []formStep, i int, answers map[string]json.RawMessage) bool {
	if formNextStep(steps, i+1, answers) >= 0 {
		return false
	}
	for _, st := range steps[i+1:] {
		for _, q := range st.questions() {
			if q.ShowIf != nil {
				return false
			}
		}
	}
	return true
}

// formPost takes step i's answers: validated, saved to the draft (created
// on the first post), then a 303 to the next page, or the submission after
// the last one.
func (s *Server) formPost(c echo.Context, fc *formCtx, i int) error {
	ctx := c.Request().Context()
	form, err := c.FormParams() // read under formMaxBody by limitBodies
	if err != nil {
		return survey.Errorf(survey.CodeTooLarge, "error.too_large", nil)
	}
	st := fc.steps[i]
	skip := form.Get("action") == "skip"
	answers, comment := fc.answers(), fc.comment()
	if skip && st.kind == stepFollowup {
		// "Bỏ qua": send the rating without the follow-up, even one given on an earlier visit.
		answers = formWithout(answers, st.questions())
		comment = ""
	} else {
		answers = formKeepVisible(fc.def, formRead(form, st, answers))
		if st.hasComment(fc.def) {
			comment = formComment(form.Get("comment"))
		}
		if de := formValidate(fc.def, answers, comment); de != nil {
			if de.Code != survey.CodeInvalid {
				return de
			}
			return s.formShow(c, fc, i, answers, comment, []*survey.Error{de}, http.StatusUnprocessableEntity)
		}
	}

	now := s.Clock.Now()
	if fc.draft == nil {
		// Each draft is kept for hours; one address may hold only so many
		// open at once (a busy centre's shared Wi-Fi stays well below).
		if n, err := s.DB.OpenDraftsFrom(ctx, c.RealIP()); err != nil {
			return err
		} else if n >= maxOpenDrafts {
			s.Logger.Warn("phone form: too many open drafts", "ip", c.RealIP(), "open", n)
			return s.formNotice(c, "crowded", http.StatusTooManyRequests, fc.caption, "")
		}
		d := &survey.Draft{SurveyID: fc.def.ID, SurveyVersion: fc.def.Version, CounterID: fc.counter.ID,
			Token: fc.token, Answers: answers, Comment: comment, Lang: fc.lang, Client: c.RealIP()}
		if err := s.DB.CreateDraft(ctx, d, now); err != nil {
			return err
		}
		fc.draft = d
	} else {
		d := fc.draft
		d.Answers, d.Comment, d.Lang, d.SurveyVersion, d.Client = answers, comment, fc.lang, fc.def.Version, c.RealIP()
		if err := s.DB.SaveDraft(ctx, d, now); errors.Is(err, survey.ErrNotFound) {
			return c.Redirect(http.StatusSeeOther, "/f/"+d.ID+"/done") // sent meanwhile, from another tab
		} else if err != nil {
			return err
		}
	}

	next := formNextStep(fc.steps, i+1, answers)
	if skip && st.kind == stepPart {
		next = -1
		if last := len(fc.steps) - 1; fc.steps[last].kind == stepComment && last > i {
			next = last
		}
	}
	if skip && st.kind == stepFollowup {
		next = -1
	}
	if next >= 0 {
		return c.Redirect(http.StatusSeeOther, fc.url(next))
	}
	return s.formSubmit(c, fc, i)
}

// formWithout returns answers less those to the given questions.
func formWithout(answers map[string]json.RawMessage, qs []*survey.Question) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(answers))
	for k, v := range answers {
		out[k] = v
	}
	for _, q := range qs {
		delete(out, q.Code)
	}
	return out
}

// formNoStore keeps a citizen's answers out of caches: a phone may be
// shared, and a page must never be shown from an old copy after sending.
func formNoStore(c echo.Context) { c.Response().Header().Set("Cache-Control", "no-store") }
