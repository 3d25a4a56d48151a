package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/survey"
)

type paperCounter struct {
	Code, Label string
}

type adminPaperPage struct {
	adminBase
	Counters []paperCounter
	Surveys  []*survey.Definition
	Counter  *survey.Counter
	Def      *survey.Definition
	Officers []*survey.Officer
	Values   url.Values // what was typed, by control name, after an error
	Today    string
}

// Checked reports whether a radio or checkbox of question code was chosen.
func (p adminPaperPage) Checked(code, value string) bool {
	return slices.Contains(p.Values["a_"+code], value)
}

// paperPage loads the chooser, and the questionnaire once a counter is chosen.
func (s *Server) paperPage(c echo.Context, counterCode, surveyID string) (*adminPaperPage, error) {
	ctx := c.Request().Context()
	p := &adminPaperPage{adminBase: s.base(c, "admin.paper.title"), Surveys: s.Surveys.All(), Values: url.Values{}, Today: survey.Day(s.Clock.Now())}
	counters, err := s.DB.Counters(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, ct := range counters {
		if ct.Active {
			p.Counters = append(p.Counters, paperCounter{Code: ct.Code, Label: ct.Code + " – " + ct.Name.In(p.Lang)})
		}
		if strings.EqualFold(ct.Code, counterCode) {
			p.Counter = ct
		}
	}
	if p.Counter == nil {
		return p, nil
	}
	if surveyID == "" {
		if surveyID, err = s.DB.SurveyFor(ctx, p.Counter.AgencyID); err != nil {
			return nil, err
		}
	}
	def, ok := s.Surveys.Get(surveyID)
	if !ok {
		def = s.Surveys.Default()
	}
	p.Def = def
	officers, err := s.DB.Officers(ctx, p.Counter.AgencyID)
	if err != nil {
		return nil, err
	}
	for _, o := range officers {
		if o.Active {
			p.Officers = append(p.Officers, o)
		}
	}
	return p, nil
}

// adminPaper is GET /admin/paper[?counter=&survey=]: choose the counter and
// questionnaire, then type in the answers of one paper form.
func (s *Server) adminPaper(c echo.Context) error {
	p, err := s.paperPage(c, c.QueryParam("counter"), c.QueryParam("survey"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_paper", p)
}

// paperAnswers reads the typed answers: "na" is an explicit NA, a scale
// value a number, choices their codes; empty controls are left out.
func paperAnswers(def *survey.Definition, form url.Values) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for _, q := range def.Questions() {
		vals := form["a_"+q.Code]
		if len(vals) == 0 || vals[0] == "" {
			continue
		}
		switch {
		case vals[0] == formNA && q.Kind != survey.KindText:
			out[q.Code] = json.RawMessage("null")
		case q.Kind == survey.KindScale:
			if n, err := strconv.Atoi(vals[0]); err == nil {
				out[q.Code] = json.RawMessage(strconv.Itoa(n))
			}
		case q.Kind == survey.KindMulti:
			out[q.Code], _ = json.Marshal(vals)
		default:
			out[q.Code], _ = json.Marshal(strings.TrimSpace(vals[0]))
		}
	}
	return out
}

// adminPaperSubmit is POST /admin/paper: one paper form through the normal
// submission path (channel paper, the entering user recorded).
func (s *Server) adminPaperSubmit(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	p, err := s.paperPage(c, form.Get("counter"), form.Get("survey"))
	if err != nil {
		return err
	}
	if p.Counter == nil {
		return survey.ErrNotFound
	}
	now := s.Clock.Now()
	req := &collect.Request{ID: uuid.Must(uuid.NewV7()).String(), Survey: p.Def.ID, Version: p.Def.Version, Channel: string(survey.ChannelPaper),
		Counter: p.Counter.Code, Officer: form.Get("officer"), Lang: "vi", Answers: survey.NewAnswers(paperAnswers(p.Def, form)),
		Comment: strings.TrimSpace(strings.ReplaceAll(form.Get("comment"), "\r\n", "\n"))}
	// The day written on the form; today's forms keep the time of entry.
	if d := form.Get("answered_on"); d != "" && d != p.Today {
		t, perr := time.ParseInLocation(time.DateOnly, d, survey.Zone)
		if perr != nil {
			err = survey.FieldError("answered_on", "error.date.malformed", map[string]any{"Value": d})
		}
		req.AnsweredAt = t.Add(12 * time.Hour).Format(time.RFC3339)
	}
	if err == nil && len(req.Answers) == 0 && req.Comment == "" {
		err = survey.FieldError("answers", "admin.paper.empty", nil)
	}
	if err == nil {
		_, err = s.Collect.Submit(c.Request().Context(), collect.Submission{Request: req, EnteredBy: s.session(c).User.ID})
	}
	if err == nil {
		if err := s.DB.Audit(c.Request().Context(), s.actor(c), now, "response.paper", "response:"+req.ID, nil,
			map[string]any{"counter": p.Counter.Code, "survey": p.Def.ID}); err != nil {
			return err
		}
		return s.done(c, "/admin/paper?counter="+url.QueryEscape(p.Counter.Code)+"&survey="+url.QueryEscape(p.Def.ID), "admin.flash.paper_saved", p.Counter.Code)
	}
	if p.Errors, err = s.formErrors(c, err, "", "answers"); err != nil {
		return err
	}
	for i, e := range p.Errors {
		if code, ok := strings.CutPrefix(e.ID, "answers."); ok {
			p.Errors[i].ID = "q-" + code
		} else if e.ID == "answers" && len(p.Def.Questions()) > 0 {
			p.Errors[i].ID = "q-" + p.Def.Questions()[0].Code
		}
	}
	p.Values = form
	return s.render(c, http.StatusUnprocessableEntity, "admin_paper", p)
}
