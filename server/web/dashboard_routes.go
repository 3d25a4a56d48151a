package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/survey"
)

// dashboardHome sends people where they start: agency heads to their
// agency's scorecard, the province and admins to the comparison. The
// picker's GET form also lands here, carrying agency, month and survey.
func (s *Server) dashboardHome(c echo.Context) error {
	sess := s.session(c)
	q := url.Values{}
	for _, k := range []string{"month", "survey", "lang"} {
		if v := c.QueryParam(k); v != "" {
			q.Set(k, v)
		}
	}
	code := c.QueryParam("agency")
	if code == "" && sess.User.Role == survey.RoleAgencyHead {
		a, err := s.DB.Agency(c.Request().Context(), sess.User.AgencyID)
		if err != nil {
			return err
		}
		code = a.Code
	}
	to := "/dashboard/province"
	if code != "" {
		to = "/dashboard/agency/" + url.PathEscape(code)
	}
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// dashScope is what a dashboard page is about: an agency in the user's scope,
// a questionnaire and a month.
type dashScope struct {
	Agency *survey.Agency
	Def    *survey.Definition
	Month  string
	Sess   *survey.Session
	L      *i18n.Localizer
	// Explicit: the questionnaire was chosen in the URL; links keep it.
	// Otherwise they leave it out, so switching agency picks the new one's own.
	Explicit bool
}

// dashTarget resolves :code, ?month= (default: the last complete month in ICT) and
// ?survey= (default: the agency's own), and answers 403 for an agency
// outside the user's scope.
func (s *Server) dashTarget(c echo.Context) (*dashScope, error) {
	month := c.QueryParam("month")
	if month == "" {
		month = closedMonth(s.Clock.Now())
	}
	ctx := c.Request().Context()
	a, def, err := s.Reports.Resolve(ctx, report.Request{Agency: c.Param("code"), Month: month, Survey: c.QueryParam("survey")})
	if err != nil {
		return nil, err
	}
	sess := s.session(c)
	ok, err := s.canSee(c, sess.User, a.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, survey.Errorf(survey.CodeForbidden, "error.forbidden", nil)
	}
	return &dashScope{Agency: a, Def: def, Month: month, Sess: sess, L: s.I18n.Localizer(s.formLang(c)), Explicit: c.QueryParam("survey") != ""}, nil
}

// query is the target's month and survey as a query string, for links
// between the dashboard's pages.
func (t *dashScope) query() string {
	v := url.Values{"month": {t.Month}}
	if t.Explicit {
		v.Set("survey", t.Def.ID)
	}
	return "?" + v.Encode()
}

// pickItem is one option of a picker.
type pickItem struct {
	Value    string
	Label    string
	Selected bool
}

// dashPicker holds the choices of the dashboard's GET form.
type dashPicker struct {
	Agencies []pickItem
	Months   []pickItem
	Surveys  []pickItem
}

// pickerMonths lists the 24 months up to this one, newest first, plus the
// selected month when it is older; this one is labelled as still collecting.
func (s *Server) pickerMonths(l *i18n.Localizer, selected string) []pickItem {
	var out []pickItem
	found := false
	cur := survey.Month(s.Clock.Now())
	for _, m := range report.Months(cur, 24) {
		label := l.Month(m)
		if m == cur {
			label = l.T("dash.picker.collecting", map[string]any{"Month": label})
		}
		out = append([]pickItem{{Value: m, Label: label, Selected: m == selected}}, out...)
		found = found || m == selected
	}
	if !found {
		out = append(out, pickItem{Value: selected, Label: l.Month(selected), Selected: true})
	}
	return out
}

// pickerFor builds the agency, month and questionnaire choices; agencies
// are only those the user may see.
func (s *Server) pickerFor(c echo.Context, t *dashScope) (dashPicker, error) {
	ctx := c.Request().Context()
	all, err := s.DB.Agencies(ctx)
	if err != nil {
		return dashPicker{}, err
	}
	var scope map[int64]bool
	if t.Sess.User.Role == survey.RoleAgencyHead {
		ids, err := s.DB.Subtree(ctx, t.Sess.User.AgencyID)
		if err != nil {
			return dashPicker{}, err
		}
		scope = map[int64]bool{}
		for _, id := range ids {
			scope[id] = true
		}
	}
	p := dashPicker{Months: s.pickerMonths(t.L, t.Month)}
	sort.Slice(all, func(i, j int) bool { return all[i].Code < all[j].Code })
	for _, a := range all {
		if scope != nil && !scope[a.ID] {
			continue
		}
		p.Agencies = append(p.Agencies, pickItem{Value: a.Code, Label: a.Code + " – " + a.Name.In(t.L.Lang()), Selected: a.ID == t.Agency.ID})
	}
	p.Surveys = []pickItem{{Value: "", Label: t.L.T("dash.picker.own_survey"), Selected: !t.Explicit}}
	for _, d := range s.Surveys.All() {
		p.Surveys = append(p.Surveys, pickItem{Value: d.ID, Label: d.Title.In(t.L.Lang()), Selected: t.Explicit && d.ID == t.Def.ID})
	}
	return p, nil
}

// dashNav is the dashboard's own navigation: the sign-out form needs the
// session's CSRF token, which the shared layout does not carry.
type dashNav struct {
	User      string
	CSRF      string
	Province  bool   // the user may open the province comparison
	Scorecard string // links of the current agency, "" on the province page
	Comments  string
	Current   string // "scorecard", "comments", "province"
}

func navFor(t *dashScope, current string) dashNav {
	u := t.Sess.User
	n := dashNav{User: u.DisplayName, CSRF: t.Sess.CSRF, Current: current,
		Province: u.Role == survey.RoleAdmin || u.Role == survey.RoleProvince}
	if t.Agency != nil {
		base := "/dashboard/agency/" + url.PathEscape(t.Agency.Code)
		n.Scorecard, n.Comments = base+t.query(), base+"/comments"+t.query()
	} else if u.Role == survey.RoleAgencyHead {
		n.Scorecard = "/dashboard"
	}
	return n
}

// monthInSentence names a month inside a sentence: "tháng 9/2026" in
// Vietnamese (lower case mid-sentence), "September 2026" in English.
func monthInSentence(l *i18n.Localizer, ym string) string {
	m := l.Month(ym)
	if l.Lang() == "vi" && strings.HasPrefix(m, "Tháng") {
		return "tháng" + strings.TrimPrefix(m, "Tháng")
	}
	return m
}
