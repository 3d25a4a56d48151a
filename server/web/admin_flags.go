package web

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// flagListLimit bounds the review list; decided ones leave the default view.
const flagListLimit = 500

type adminFlagsPage struct {
	adminBase
	Flagged []*sqlite.FlaggedResponse
	All     bool
}

// adminFlags is GET /admin/flags (?all=1 includes decided ones).
func (s *Server) adminFlags(c echo.Context) error {
	all := c.QueryParam("all") == "1"
	list, err := s.DB.FlaggedResponses(c.Request().Context(), !all, flagListLimit)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_flags", adminFlagsPage{adminBase: s.base(c, "admin.flags.title"), Flagged: list, All: all})
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
	for code, raw := range f.Answers {
		a := flagAnswer{Code: code, Value: answerText(def, code, raw, p.Lang)}
		if def != nil {
			if q := def.Question(code); q != nil {
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
