package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// commentMarkers are the roles that may mark a citizen's comment handled:
// agency heads answer for their agencies and admins run the system; the
// province only reads.
var commentMarkers = []survey.Role{survey.RoleAdmin, survey.RoleAgencyHead}

const (
	commentsPerPage = 50
	dashFlashCookie = "sipas_dash_flash" // one message after a post/redirect/get, read once
)

// commentsView is the comments page: citizens' free text, newest first,
// with filters and a handled/unhandled mark per comment.
type commentsView struct {
	Nav        dashNav
	Agency     string
	AgencyCode string
	MonthLabel string
	Action     string // the page's own path, for the filter form
	Months     []pickItem
	ToMonths   []pickItem
	Elements   []pickItem
	States     []pickItem
	Query      string
	Flash      string
	CSRF       string
	CanMark    bool   // the user's role may mark comments handled
	Back       string // this very page, where a mark returns to
	Total      string
	Comments   []commentRow
	Page       int
	Pages      int
	PrevURL    string
	NextURL    string
	Filtered   bool
}

// commentRow is one comment as listed.
type commentRow struct {
	ID      int64
	Date    string
	Channel string
	Counter string
	Text    string
	Handled bool
	Who     string // "Đã xử lý – Nguyễn Văn An, 02/11/2026"
	Flagged bool
}

// PageTitle names the comments and the agency.
func (p commentsView) PageTitle(l *i18n.Localizer) string {
	return l.T("dash.comments.title", map[string]any{"Agency": p.Agency})
}

// unsatisfiedAnswers are the answers that put a comment under an element:
// any of its items rated below "satisfied" (1–3 on the five-level scale, 0
// points on nd61). That is when a comment most likely explains a low mark.
func unsatisfiedAnswers(def *survey.Definition, element string) []string {
	for _, a := range def.Aspects {
		for _, e := range a.Elements {
			if e.Code != element {
				continue
			}
			out := []string{}
			for _, q := range e.Items {
				if q.Scale == nil {
					continue
				}
				for _, o := range q.Scale.Options {
					if !slices.Contains(q.Scale.Satisfied, o.Value) {
						out = append(out, q.Code+":"+strconv.Itoa(o.Value))
					}
				}
			}
			return out
		}
	}
	return nil
}

func isMonth(m string) bool {
	_, err := survey.ParseMonth(m)
	return err == nil && len(m) == 7
}

// commentsPage is GET /dashboard/agency/:code/comments: one of the two
// dashboard pages that read raw responses (the other is the raw export).
func (s *Server) commentsPage(c echo.Context) error {
	t, err := s.dashTarget(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	l := t.L
	from, to := c.QueryParam("from"), c.QueryParam("to")
	if !isMonth(from) {
		from = t.Month
	}
	if !isMonth(to) {
		to = t.Month
	}
	if from > to {
		from, to = to, from
	}
	ids, err := s.DB.Subtree(ctx, t.Agency.ID)
	if err != nil {
		return err
	}
	q := sqlite.CommentQuery{Agencies: ids, Survey: t.Def.ID, From: from, To: to, Search: c.QueryParam("q"),
		State: c.QueryParam("state"), Limit: commentsPerPage}
	if q.State != sqlite.CommentsOpen && q.State != sqlite.CommentsHandled {
		q.State = sqlite.CommentsAll
	}
	element := c.QueryParam("element")
	if element != "" {
		if q.Answers = unsatisfiedAnswers(t.Def, element); q.Answers == nil {
			element = ""
		}
	}
	page, _ := strconv.Atoi(c.QueryParam("page"))
	page = max(page, 1)
	q.Offset = (page - 1) * commentsPerPage
	list, total, err := s.DB.Comments(ctx, q)
	if err != nil {
		return err
	}
	base := "/dashboard/agency/" + url.PathEscape(t.Agency.Code) + "/comments"
	params := url.Values{"month": {t.Month}, "survey": {t.Def.ID}, "from": {from}, "to": {to}}
	for k, v := range map[string]string{"element": element, "q": q.Search, "state": q.State} {
		if v != "" {
			params.Set(k, v)
		}
	}
	pageURL := func(p int) string {
		v := url.Values{}
		for k, x := range params {
			v[k] = x
		}
		if p > 1 {
			v.Set("page", strconv.Itoa(p))
		}
		return base + "?" + v.Encode()
	}
	v := commentsView{Nav: navFor(t, "comments"), Agency: t.Agency.Name.In(l.Lang()), AgencyCode: t.Agency.Code,
		MonthLabel: l.Month(t.Month), Action: base, Query: q.Search, CSRF: t.Sess.CSRF, Back: pageURL(page),
		Total: l.Int(total), Page: page, Pages: max(1, (total+commentsPerPage-1)/commentsPerPage),
		Filtered: element != "" || q.Search != "" || q.State != "" || from != to, CanMark: slices.Contains(commentMarkers, t.Sess.User.Role)}
	if page > 1 {
		v.PrevURL = pageURL(page - 1)
	}
	if page < v.Pages {
		v.NextURL = pageURL(page + 1)
	}
	for _, m := range s.pickerMonths(l, from) {
		v.Months = append(v.Months, pickItem{Value: m.Value, Label: m.Label, Selected: m.Value == from})
	}
	for _, m := range s.pickerMonths(l, to) {
		v.ToMonths = append(v.ToMonths, pickItem{Value: m.Value, Label: m.Label, Selected: m.Value == to})
	}
	v.Elements = []pickItem{{Value: "", Label: l.T("dash.comments.element.all"), Selected: element == ""}}
	for _, a := range t.Def.Aspects {
		for _, e := range a.Elements {
			v.Elements = append(v.Elements, pickItem{Value: e.Code, Label: e.Title.In(l.Lang()), Selected: e.Code == element})
		}
	}
	for _, st := range []string{sqlite.CommentsAll, sqlite.CommentsOpen, sqlite.CommentsHandled} {
		v.States = append(v.States, pickItem{Value: st, Label: l.T("dash.comments.state." + orDefault(st, "all")), Selected: st == q.State})
	}
	for _, cm := range list {
		row := commentRow{ID: cm.ResponseID, Date: l.Date(cm.At), Channel: l.T("dash.channel." + string(cm.Channel)),
			Counter: cm.CounterName.In(l.Lang()), Text: cm.Text, Handled: cm.HandledAt != nil, Flagged: cm.Excluded}
		if cm.HandledAt != nil {
			row.Who = l.T("dash.comments.handled_by", map[string]any{"Name": cm.HandledBy, "Date": l.Date(*cm.HandledAt)})
		}
		v.Comments = append(v.Comments, row)
	}
	if ck, err := c.Cookie(dashFlashCookie); err == nil {
		if ck.Value == "handled" || ck.Value == "reopened" {
			v.Flash = l.T("dash.comments.flash." + ck.Value)
		}
		s.setFlash(c, "", -1)
	}
	return s.render(c, http.StatusOK, "comments", v)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *Server) setFlash(c echo.Context, v string, maxAge int) {
	c.SetCookie(&http.Cookie{Name: dashFlashCookie, Value: v, Path: "/dashboard", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
}

// markComment sets or clears a comment's handled mark (POST with the
// session's CSRF token and a role among commentMarkers, both checked by
// requireUser), logs it in the audit log, then redirects back to the list
// with a flash message: post/redirect/get.
func (s *Server) markComment(c echo.Context) error {
	t, err := s.dashTarget(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return survey.Errorf(survey.CodeNotFound, "error.not_found", nil)
	}
	agencyID, err := s.DB.ResponseAgency(ctx, id)
	if errors.Is(err, survey.ErrNotFound) {
		return survey.Errorf(survey.CodeNotFound, "error.not_found", nil)
	}
	if err != nil {
		return err
	}
	ids, err := s.DB.Subtree(ctx, t.Agency.ID)
	if err != nil {
		return err
	}
	if !slices.Contains(ids, agencyID) {
		return survey.Errorf(survey.CodeForbidden, "error.forbidden", nil)
	}
	handled := c.FormValue("handled") == "1"
	if err := s.DB.MarkComment(ctx, id, s.actor(c), handled, s.Clock.Now()); err != nil {
		return err
	}
	s.setFlash(c, map[bool]string{true: "handled", false: "reopened"}[handled], 60)
	back := c.FormValue("back")
	prefix := "/dashboard/agency/" + url.PathEscape(t.Agency.Code) + "/comments"
	if !strings.HasPrefix(back, prefix) || strings.Contains(back, "//") {
		back = prefix + t.query()
	}
	return c.Redirect(http.StatusSeeOther, back)
}
