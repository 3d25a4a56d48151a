package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/survey"
)

// targetsPage is the province's table of targets for one year (issue 14,
// part 2): every current agency in tree order with the target in force,
// own or inherited, and inputs for its own; saving sets many at once.
type targetsPage struct {
	adminBase
	Year  int
	Years []pickItem
	Rows  []targetRow
	Back  string // the admin home for admins, the province comparison for the province
	Audit string // the audit log of targets, for admins (who may read it)
}

// targetsMaxBody bounds the table of targets posted at once: two boxes per
// open agency, some 60 bytes a row, room for some 15,000 agencies (a form
// page's own limit would stop at about 500).
const targetsMaxBody = 1 << 20

// targetRow is one agency of the table.
type targetRow struct {
	Code, Name string
	Indent     string // dashes by depth: the tree without inline style
	Index      string // own target as typed or stored, "" = inherits
	Rate       string
	InForce    string // "85,00% – kế thừa từ …" or "—"
}

// targetYear reads ?year= (or the form's year): by default the year of
// the month being collected.
func (s *Server) targetYear(c echo.Context) (int, error) {
	y := c.QueryParam("year")
	if c.Request().Method == http.MethodPost {
		y = c.FormValue("year")
	}
	if y == "" {
		year, _, err := report.YearOf(survey.Month(s.Clock.Now()))
		return year, err
	}
	year, err := strconv.Atoi(y)
	if err != nil || year < survey.FirstTargetYear || year > survey.LastTargetYear {
		return 0, survey.FieldError("year", "error.target.year", map[string]any{"Year": y, "First": survey.FirstTargetYear, "Last": survey.LastTargetYear})
	}
	return year, nil
}

// targetsView builds the table; typed holds what was typed, by input id,
// to show again after an error.
func (s *Server) targetsView(c echo.Context, year int, typed map[string]string) (*targetsPage, error) {
	ctx := c.Request().Context()
	tree, err := s.DB.AgencyTree(ctx)
	if err != nil {
		return nil, err
	}
	own, err := s.DB.Targets(ctx, year)
	if err != nil {
		return nil, err
	}
	l := s.localizer(c)
	f := fmtr{l}
	p := &targetsPage{adminBase: s.base(c, "plan.targets.title"), Year: year, Back: "/dashboard/province"}
	if p.User.Role == survey.RoleAdmin {
		p.Back, p.Audit = "/admin", "/admin/audit?action=target."
	}
	now, _, _ := report.YearOf(survey.Month(s.Clock.Now()))
	for y := now + 1; y >= now-3; y-- {
		p.Years = append(p.Years, pickItem{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == year})
	}
	for _, a := range currentInTreeOrder(tree) {
		r := targetRow{Code: a.agency.Code, Name: a.agency.Name.In(l.Lang()), Indent: strings.Repeat("– ", a.depth), InForce: noFigure}
		if t, ok := own[a.agency.ID]; ok {
			r.Index = strconv.FormatFloat(t.Index, 'f', -1, 64)
			if t.ResponseRate != nil {
				r.Rate = strconv.FormatFloat(*t.ResponseRate, 'f', -1, 64)
			}
		}
		if v, ok := typed["index-"+r.Code]; ok {
			r.Index, r.Rate = v, typed["rate-"+r.Code]
		}
		if t, from, ok := survey.EffectiveTarget(tree, a.agency.ID, own); ok {
			r.InForce = f.l.Percent(t.Index, 2)
			if from.ID != a.agency.ID {
				r.InForce += " – " + l.T("plan.source.inherited", map[string]any{"Agency": from.Name.In(l.Lang())})
			}
		}
		p.Rows = append(p.Rows, r)
	}
	return p, nil
}

type placedAgency struct {
	agency *survey.Agency
	depth  int
}

// currentInTreeOrder lists the agencies still open, each after its parent.
func currentInTreeOrder(tree *survey.Tree) []placedAgency {
	children := map[int64][]*survey.Agency{}
	for _, a := range tree.All() {
		if a.ValidTo == "" {
			children[a.ParentID] = append(children[a.ParentID], a)
		}
	}
	var out []placedAgency
	var walk func(id int64, depth int)
	walk = func(id int64, depth int) {
		kids := children[id]
		slices.SortFunc(kids, func(a, b *survey.Agency) int { return strings.Compare(a.Code, b.Code) })
		for _, a := range kids {
			out = append(out, placedAgency{a, depth})
			walk(a.ID, depth+1)
		}
	}
	walk(0, 0)
	return out
}

// adminTargets is GET /admin/targets?year=.
func (s *Server) adminTargets(c echo.Context) error {
	year, err := s.targetYear(c)
	if err != nil {
		return err
	}
	p, err := s.targetsView(c, year, nil)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "targets", p)
}

// parsePercent reads 85, 85.5 or 85,5; ok is false for anything else.
func parsePercent(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	return v, err == nil
}

// adminTargetsSave is POST /admin/targets: every row's own target, set,
// changed or cleared (both inputs empty) at once. Nothing is saved while
// any row is wrong; unchanged rows write nothing to the audit log.
func (s *Server) adminTargetsSave(c echo.Context) error {
	year, err := s.targetYear(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	tree, err := s.DB.AgencyTree(ctx)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	typed := map[string]string{}
	var sets []survey.Target
	var clears []int64
	var errs []fieldError
	for _, a := range currentInTreeOrder(tree) {
		code := a.agency.Code
		idx, rate := strings.TrimSpace(c.FormValue("index-"+code)), strings.TrimSpace(c.FormValue("rate-"+code))
		typed["index-"+code], typed["rate-"+code] = idx, rate
		if idx == "" && rate == "" {
			clears = append(clears, a.agency.ID)
			continue
		}
		t := survey.Target{AgencyID: a.agency.ID, Year: year, Index: -1}
		if v, ok := parsePercent(idx); ok {
			t.Index = v
		}
		if rate != "" {
			v, ok := parsePercent(rate)
			if !ok {
				v = -1
			}
			t.ResponseRate = &v
		}
		if err := t.Validate(); err != nil {
			var de *survey.Error
			if !errors.As(err, &de) {
				return err
			}
			id := "index-" + code
			if de.Field == "response_rate" {
				id = "rate-" + code
			}
			errs = append(errs, fieldError{ID: id, Message: a.agency.Code + ": " + l.T(de.Message, localizeData(l, de.Data))})
			continue
		}
		sets = append(sets, t)
	}
	if len(errs) > 0 {
		p, err := s.targetsView(c, year, typed)
		if err != nil {
			return err
		}
		p.Errors = errs
		return s.render(c, http.StatusUnprocessableEntity, "targets", p)
	}
	changed := 0
	by, now := s.actor(c), s.Clock.Now()
	for _, t := range sets {
		ok, err := s.DB.SetTarget(ctx, t, by, now)
		if err != nil {
			return err
		}
		changed += btoi(ok)
	}
	for _, id := range clears {
		ok, err := s.DB.ClearTarget(ctx, id, year, by, now)
		if err != nil {
			return err
		}
		changed += btoi(ok)
	}
	return s.done(c, "/admin/targets?year="+strconv.Itoa(year), "admin.flash.targets_saved", strconv.Itoa(changed))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// agencyTarget words an agency's target for the year being collected, for
// its administration page, with a link to the year's table.
func (s *Server) agencyTarget(c echo.Context, a *survey.Agency) (string, string, error) {
	month := survey.Month(s.Clock.Now())
	t, from, err := s.Reports.TargetOf(c.Request().Context(), a, month)
	if err != nil {
		return "", "", err
	}
	l := s.localizer(c)
	link := "/admin/targets?year=" + month[:4]
	if t == nil {
		return l.T("plan.verdict.no_target"), link, nil
	}
	src := l.T("plan.source.own")
	if from.ID != a.ID {
		src = l.T("plan.source.inherited", map[string]any{"Agency": from.Name.In(l.Lang())})
	}
	return l.T("plan.target", map[string]any{"Target": l.Percent(t.Index, 2), "Source": src}), link, nil
}
