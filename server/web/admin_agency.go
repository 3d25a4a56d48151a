package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

type adminAgencyPage struct {
	adminBase
	Agency      *survey.Agency
	ParentCode  string
	Successor   string
	Kinds       []survey.AgencyKind
	Others      []agencyOption // candidates for parent and successor
	Counters    []*survey.Counter
	Officers    []*survey.Officer
	CounterCode map[int64]string
	Surveys     []*survey.Definition
	SurveyNow   string // in force, perhaps inherited
	Assignments []sqlite.SurveyAssignment
	Values      map[string]string // form values by control id, re-shown after an error
	Target      string            // this year's target in force and where it comes from, "" without one
	TargetsLink string
}

// agencyPage loads everything the agency page shows; values are the form
// controls' contents (the agency's own on a plain GET).
func (s *Server) agencyPage(c echo.Context) (*adminAgencyPage, error) {
	ctx := c.Request().Context()
	a, err := s.DB.AgencyByCode(ctx, c.Param("code"))
	if err != nil {
		return nil, err
	}
	p := &adminAgencyPage{adminBase: s.base(c, "admin.agency.title"), Agency: a, Kinds: survey.AgencyKinds,
		Surveys: s.Surveys.All(), CounterCode: map[int64]string{}}
	if a.ParentID != 0 {
		if pa, err := s.DB.Agency(ctx, a.ParentID); err == nil {
			p.ParentCode = pa.Code
		}
	}
	if a.SuccessorID != 0 {
		if sa, err := s.DB.Agency(ctx, a.SuccessorID); err == nil {
			p.Successor = sa.Code
		}
	}
	opts, err := s.agencyOptions(c)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		if o.ID != a.ID {
			p.Others = append(p.Others, o)
		}
	}
	if p.Counters, err = s.DB.Counters(ctx, a.ID); err != nil {
		return nil, err
	}
	for _, ct := range p.Counters {
		p.CounterCode[ct.ID] = ct.Code
	}
	if p.Officers, err = s.DB.Officers(ctx, a.ID); err != nil {
		return nil, err
	}
	if p.SurveyNow, err = s.DB.SurveyFor(ctx, a.ID); err != nil {
		return nil, err
	}
	if p.Assignments, err = s.DB.SurveyAssignments(ctx, a.ID); err != nil {
		return nil, err
	}
	if p.Target, p.TargetsLink, err = s.agencyTarget(c, a); err != nil {
		return nil, err
	}
	p.Values = map[string]string{"name_vi": a.Name["vi"], "name_en": a.Name["en"], "legacy_code": a.LegacyCode,
		"kind": string(a.Kind), "valid_from": a.ValidFrom, "move-parent": p.ParentCode,
		"survey-from_date": survey.Day(s.Clock.Now()), "counter-idle_seconds": "45", "counter-idle_warning": "20"}
	return p, nil
}

// adminAgency is GET /admin/agencies/:code.
func (s *Server) adminAgency(c echo.Context) error {
	p, err := s.agencyPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_agency", p)
}

// agencyPost runs one of the agency page's forms: on success it redirects
// back with a flash message, on a form error it shows the page again with
// the summary and what was typed.
func (s *Server) agencyPost(c echo.Context, prefix, def, flash string, fields []string, act func(a *survey.Agency, v map[string]string) error) error {
	a, err := s.DB.AgencyByCode(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	v := map[string]string{}
	for _, f := range fields {
		v[f] = strings.TrimSpace(c.FormValue(f))
	}
	err = act(a, v)
	if err == nil {
		return s.done(c, "/admin/agencies/"+a.Code, flash, a.Code)
	}
	errs, err := s.formErrors(c, err, prefix, def)
	if err != nil {
		return err
	}
	p, err := s.agencyPage(c)
	if err != nil {
		return err
	}
	p.Errors = errs
	for k, val := range v {
		p.Values[prefix+k] = val
	}
	return s.render(c, http.StatusUnprocessableEntity, "admin_agency", p)
}

// adminAgencyUpdate is POST /admin/agencies/:code: rename, legacy code, kind, start date.
func (s *Server) adminAgencyUpdate(c echo.Context) error {
	return s.agencyPost(c, "", "name_vi", "admin.flash.saved", []string{"name_vi", "name_en", "legacy_code", "kind", "valid_from"},
		func(a *survey.Agency, v map[string]string) error {
			return s.DB.UpdateAgency(c.Request().Context(), a.ID, sqlite.AgencyEdit{NameVI: v["name_vi"], NameEN: v["name_en"],
				LegacyCode: v["legacy_code"], Kind: survey.AgencyKind(v["kind"]), ValidFrom: v["valid_from"]}, s.actor(c), s.Clock.Now())
		})
}

// adminAgencyMove is POST /admin/agencies/:code/move.
func (s *Server) adminAgencyMove(c echo.Context) error {
	return s.agencyPost(c, "move-", "parent", "admin.flash.moved", []string{"parent"}, func(a *survey.Agency, v map[string]string) error {
		pid, err := s.agencyIDByCode(c, v["parent"], "parent")
		if err != nil {
			return err
		}
		return s.DB.MoveAgency(c.Request().Context(), a.ID, pid, s.actor(c), s.Clock.Now())
	})
}

// adminAgencyClose is POST /admin/agencies/:code/close.
func (s *Server) adminAgencyClose(c echo.Context) error {
	return s.agencyPost(c, "close-", "valid_to", "admin.flash.closed", []string{"valid_to"}, func(a *survey.Agency, v map[string]string) error {
		return s.DB.CloseAgency(c.Request().Context(), a.ID, v["valid_to"], s.actor(c), s.Clock.Now())
	})
}

// adminAgencyMerge is POST /admin/agencies/:code/merge.
func (s *Server) adminAgencyMerge(c echo.Context) error {
	return s.agencyPost(c, "merge-", "successor", "admin.flash.merged", []string{"successor", "valid_to"}, func(a *survey.Agency, v map[string]string) error {
		if v["successor"] == "" {
			return survey.FieldError("successor", "admin.error.successor_unknown", nil)
		}
		sid, err := s.agencyIDByCode(c, v["successor"], "successor")
		if err != nil {
			return err
		}
		return s.DB.MergeAgency(c.Request().Context(), a.ID, sid, v["valid_to"], s.actor(c), s.Clock.Now())
	})
}

// adminAgencySurvey is POST /admin/agencies/:code/survey: the questionnaire from a date.
func (s *Server) adminAgencySurvey(c echo.Context) error {
	return s.agencyPost(c, "survey-", "survey", "admin.flash.survey_set", []string{"survey", "from_date"}, func(a *survey.Agency, v map[string]string) error {
		if _, ok := s.Surveys.Get(v["survey"]); !ok && v["survey"] != "" {
			return survey.FieldError("survey", "error.survey.unknown", nil)
		}
		return s.DB.AssignSurvey(c.Request().Context(), a.ID, v["survey"], v["from_date"], s.actor(c), s.Clock.Now())
	})
}

// adminCounterCreate is POST /admin/agencies/:code/counters.
func (s *Server) adminCounterCreate(c echo.Context) error {
	return s.agencyPost(c, "counter-", "code", "admin.flash.counter_created", []string{"code", "number", "name_vi", "name_en", "idle_seconds", "idle_warning"},
		func(a *survey.Agency, v map[string]string) error {
			ct := &survey.Counter{AgencyID: a.ID, Code: v["code"], Name: survey.Text{"vi": v["name_vi"], "en": v["name_en"]}, Active: true}
			var err error
			if ct.Number, err = formInt(v["number"], "number", true); err != nil {
				return err
			}
			if ct.IdleSeconds, err = formInt(v["idle_seconds"], "idle_seconds", false); err != nil {
				return err
			}
			if ct.IdleWarning, err = formInt(v["idle_warning"], "idle_warning", false); err != nil {
				return err
			}
			return s.DB.CreateCounter(c.Request().Context(), ct, s.actor(c), s.Clock.Now())
		})
}

// adminOfficerCreate is POST /admin/agencies/:code/officers.
func (s *Server) adminOfficerCreate(c echo.Context) error {
	return s.agencyPost(c, "officer-", "code", "admin.flash.officer_created", []string{"code", "name", "title", "counter"},
		func(a *survey.Agency, v map[string]string) error {
			o := &survey.Officer{AgencyID: a.ID, Code: v["code"], Name: v["name"], Title: v["title"], Active: true}
			o.CounterID, _ = strconv.ParseInt(v["counter"], 10, 64)
			return s.DB.CreateOfficer(c.Request().Context(), o, s.actor(c), s.Clock.Now())
		})
}

// formInt reads a whole number typed in a form; empty is 0 when allowed.
func formInt(v, field string, emptyOK bool) (int, error) {
	if v == "" && emptyOK {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, survey.FieldError(field, "admin.error.number", nil)
	}
	return n, nil
}
