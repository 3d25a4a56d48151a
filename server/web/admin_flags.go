package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// flagListLimit bounds the review list; decided ones leave the default view.
const flagListLimit = 500

type adminFlagsPage struct {
	adminBase
	Flagged  []*sqlite.FlaggedResponse
	All      bool
	Selected map[int64]bool // ticked boxes: ?select=all, or what a failed bulk post had
	Decision string
	Reason   string
}

// adminFlags is GET /admin/flags (?all=1 includes decided ones;
// ?select=all ticks every box, which works without JavaScript).
func (s *Server) adminFlags(c echo.Context) error {
	p, err := s.flagsPage(c, c.QueryParam("all") == "1")
	if err != nil {
		return err
	}
	if c.QueryParam("select") == "all" {
		for _, f := range p.Flagged {
			p.Selected[f.ID] = true
		}
	}
	return s.render(c, http.StatusOK, "admin_flags", p)
}

func (s *Server) flagsPage(c echo.Context, all bool) (*adminFlagsPage, error) {
	list, err := s.DB.FlaggedResponses(c.Request().Context(), !all, flagListLimit)
	if err != nil {
		return nil, err
	}
	return &adminFlagsPage{adminBase: s.base(c, "admin.flags.title"), Flagged: list, All: all, Selected: map[int64]bool{}}, nil
}

// adminFlagsDecide is POST /admin/flags: one decision and one reason for
// every ticked response, all or none, each audited on its own.
func (s *Server) adminFlagsDecide(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	var ids []int64
	for _, v := range form["id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return survey.ErrNotFound
		}
		ids = append(ids, id)
	}
	decision, reason := form.Get("decision"), form.Get("reason")
	switch {
	case len(ids) == 0:
		err = survey.FieldError("flagged", "admin.error.none_selected", nil)
	case decision != "include" && decision != "exclude":
		err = survey.FieldError("bulk-include", "admin.error.decision_many", nil)
	default:
		err = s.DB.NewRollup(s.Surveys).DecideFlags(c.Request().Context(), ids, decision == "include", reason, s.actor(c), s.Clock.Now())
	}
	if err == nil {
		return s.done(c, "/admin/flags", "admin.flash.decided_many", itoa(int64(len(ids))))
	}
	p, perr := s.flagsPage(c, form.Get("all") == "1")
	if perr != nil {
		return perr
	}
	if p.Errors, err = s.formErrors(c, err, "", "reason"); err != nil {
		return err
	}
	for _, id := range ids {
		p.Selected[id] = true
	}
	p.Decision, p.Reason = decision, reason
	return s.render(c, http.StatusUnprocessableEntity, "admin_flags", p)
}

type flagAnswer struct {
	Code, Question, Value string
}

type adminFlagPage struct {
	adminBase
	Response *sqlite.FlaggedResponse
	Answers  []flagAnswer
	Reason   string
}

func (s *Server) flagPage(c echo.Context) (*adminFlagPage, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	f, err := s.DB.FlaggedResponseByID(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	p := &adminFlagPage{adminBase: s.base(c, "admin.flag.title"), Response: f}
	def, _ := s.Surveys.Get(f.SurveyID)
	for _, x := range f.Answers {
		a := flagAnswer{Code: x.Code, Value: answerText(def, x.Code, x.Value, p.Lang)}
		if def != nil {
			if q := def.Question(x.Code); q != nil {
				a.Question = q.Text.In(p.Lang)
			}
		}
		p.Answers = append(p.Answers, a)
	}
	sortAnswers(p.Answers, def)
	return p, nil
}

// answerText shows an answer as words where the questionnaire has them.
func answerText(def *survey.Definition, code string, raw json.RawMessage, lang string) string {
	if string(raw) == "null" {
		return "NA"
	}
	if def != nil {
		if q := def.Question(code); q != nil && q.Scale != nil {
			if n, ok := survey.ScaleValue(raw); ok {
				for _, o := range q.Scale.Options {
					if o.Value == n {
						return itoa(int64(n)) + " – " + o.Label.In(lang)
					}
				}
			}
		}
	}
	return string(raw)
}

// sortAnswers puts answers in questionnaire order.
func sortAnswers(a []flagAnswer, def *survey.Definition) {
	order := map[string]int{}
	if def != nil {
		for i, q := range def.Questions() {
			order[q.Code] = i
		}
	}
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && (order[a[j].Code] < order[a[j-1].Code] || order[a[j].Code] == order[a[j-1].Code] && a[j].Code < a[j-1].Code); j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// adminFlag is GET /admin/flags/:id: the response, its flags and decisions.
func (s *Server) adminFlag(c echo.Context) error {
	p, err := s.flagPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_flag", p)
}

// adminFlagDecide is POST /admin/flags/:id: include or keep excluded, with
// a reason; the monthly counts move in the same transaction.
func (s *Server) adminFlagDecide(c echo.Context) error {
	p, err := s.flagPage(c)
	if err != nil {
		return err
	}
	decision, reason := c.FormValue("decision"), c.FormValue("reason")
	if decision != "include" && decision != "exclude" {
		err = survey.FieldError("decision-include", "admin.error.decision", nil)
	} else {
		err = s.DB.NewRollup(s.Surveys).DecideFlag(c.Request().Context(), p.Response.ID, decision == "include", reason, s.actor(c), s.Clock.Now())
	}
	if err == nil {
		return s.done(c, "/admin/flags", "admin.flash.decided", itoa(p.Response.ID))
	}
	if p.Errors, err = s.formErrors(c, err, "", "reason"); err != nil {
		return err
	}
	p.Reason = reason
	return s.render(c, http.StatusUnprocessableEntity, "admin_flag", p)
}
