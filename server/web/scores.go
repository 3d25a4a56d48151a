package web

import (
	"errors"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// scoreJSON is the body of GET /api/v1/scores (the contract in docs/api.md).
// Figures are full precision; rounding is for display only.
type scoreJSON struct {
	Agency    placeJSON     `json:"agency"`
	Month     string        `json:"month"`
	Survey    string        `json:"survey"`
	Version   string        `json:"version"`
	Method    survey.Method `json:"method"`
	Responses int           `json:"responses"`
	Excluded  int           `json:"excluded"`
	Reliable  bool          `json:"reliable"`
	Margin    score.Figure  `json:"margin"`
	Index     score.Figure  `json:"index"`
	CI95      *[2]float64   `json:"ci95"`
	MethodVer string        `json:"method_version"`
	Mean      score.Figure  `json:"mean"`
	Counts    []int         `json:"counts"`
	NA        int           `json:"na"`
	Elements  []elementJSON `json:"elements"`
	ND61      *nd61JSON     `json:"nd61,omitempty"`
	Target    *targetJSON   `json:"target"`
	// Only where dossier counts were reported for the scope and month
	// (docs/decisions/0015): nothing, rather than 0 %, elsewhere.
	ResponseRate *rateJSON  `json:"response_rate,omitempty"`
	CodeRate     *rateJSON  `json:"code_rate,omitempty"`
	QD766        *qd766JSON `json:"qd766,omitempty"`
}

// rateJSON is a share with what it is made of: rate = 100 · numerator / denominator.
type rateJSON struct {
	Numerator   int          `json:"numerator"`
	Denominator int          `json:"denominator"`
	Rate        score.Figure `json:"rate"`
	Low         bool         `json:"low"` // under SIPAS_LOW_RESPONSE_RATE: read the index with care
}

// qd766JSON is the QĐ 766/QĐ-TTg satisfaction indicator and its inputs.
type qd766JSON struct {
	Index        score.Figure `json:"index"`
	Handled      int          `json:"handled"`
	Late         int          `json:"late"`
	Complaints   int          `json:"complaints"`
	Rated        int          `json:"rated"`
	NotSatisfied int          `json:"not_satisfied"`
	Source       string       `json:"source"`
}

func toRateJSON(r *score.Rate, low float64) *rateJSON {
	if r == nil {
		return nil
	}
	return &rateJSON{Numerator: r.Num, Denominator: r.Den, Rate: r.Value, Low: r.Low(low)}
}

// addDossiers adds the response rates and the QĐ 766 indicator, when counts exist.
func (out *scoreJSON) addDossiers(d *report.Dossiers, low float64) {
	if d == nil {
		return
	}
	out.ResponseRate, out.CodeRate = toRateJSON(d.Responses, low), toRateJSON(d.Codes, low)
	if q := d.QD766; q != nil {
		out.QD766 = &qd766JSON{Index: q.Index, Handled: q.Handled, Late: q.Late, Complaints: q.Complaints,
			Rated: q.Rated, NotSatisfied: q.NotSatisfied, Source: score.QD766Source}
	}
}

// targetJSON is the target in force for the month's year: the agency's own
// or the nearest ancestor's (set_by); null without one.
type targetJSON struct {
	Year         int       `json:"year"`
	Index        float64   `json:"index"`
	ResponseRate *float64  `json:"response_rate"`
	SetBy        placeJSON `json:"set_by"`
}

type placeJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type elementJSON struct {
	Code  string       `json:"code"`
	Name  string       `json:"name"`
	Index score.Figure `json:"index"`
	CI95  *[2]float64  `json:"ci95"`
	N     int          `json:"n"`
	Items []itemJSON   `json:"items"`
}

type itemJSON struct {
	Code   string       `json:"code"`
	Text   string       `json:"text"`
	Index  score.Figure `json:"index"`
	N      int          `json:"n"`
	NA     int          `json:"na"`
	Counts []int        `json:"counts"`
	Mean   score.Figure `json:"mean"`
}

// nd61JSON is what nd61 reports beside its headline (the share of criterion
// answers meeting the standard). Nothing is reported under the QĐ 766 name
// until dossier counts exist (docs/decisions/0011).
type nd61JSON struct {
	Points    score.Figure `json:"points"`
	MaxPoints int          `json:"max_points"`
}

func counts(t score.Tally) []int {
	out := make([]int, len(t.Counts))
	for i, c := range t.Counts {
		out[i] = c.Count
	}
	return out
}

func ci(t score.Tally) *[2]float64 {
	if t.CI95 == nil {
		return nil
	}
	return &[2]float64{t.CI95.Lo, t.CI95.Hi}
}

// toScoreJSON flattens a report score into the API's shape: elements in
// official order with their items, whatever the method.
func toScoreJSON(s *report.Score, lang string, low float64) scoreJSON {
	def, res := s.Definition, s.Result
	out := scoreJSON{
		Agency: placeJSON{Code: s.Agency.Code, Name: s.Agency.Name.In(lang)}, Month: s.Month,
		Survey: def.ID, Version: def.Version, Method: def.Method, Responses: res.Responses, Excluded: s.Excluded,
		Reliable: res.Reliable, Margin: res.Margin, MethodVer: res.MethodVersion, Elements: []elementJSON{},
	}
	itemText := func(code string) string {
		if q := def.Question(code); q != nil {
			return q.Text.In(lang)
		}
		return code
	}
	elemName := func(code string) string {
		for _, a := range def.Aspects {
			for _, e := range a.Elements {
				if e.Code == code {
					return e.Title.In(lang)
				}
			}
		}
		return code
	}
	out.Index, _ = res.Headline()
	total := res.MainTally()
	switch {
	case res.SIPAS != nil:
		for _, a := range res.SIPAS.Aspects {
			for _, e := range a.Elements {
				ej := elementJSON{Code: e.Code, Name: elemName(e.Code), Index: e.Index, CI95: ci(e.Tally), N: e.N, Items: []itemJSON{}}
				for _, it := range e.Items {
					ej.Items = append(ej.Items, itemJSON{Code: it.Code, Text: itemText(it.Code), Index: it.Index, N: it.N, NA: it.NA, Counts: counts(it.Tally), Mean: it.Mean})
				}
				out.Elements = append(out.Elements, ej)
			}
		}
	case res.Quick != nil:
		q := res.Quick
		out.Elements = append(out.Elements, elementJSON{Code: def.ElementOf(q.Item).Code, Name: elemName(def.ElementOf(q.Item).Code), Index: q.Index, CI95: ci(q.Tally), N: q.N,
			Items: []itemJSON{{Code: q.Item, Text: itemText(q.Item), Index: q.Index, N: q.N, NA: q.NA, Counts: counts(q.Tally), Mean: q.Mean}}})
	case res.ND61 != nil:
		nd := res.ND61
		out.ND61 = &nd61JSON{Points: nd.Points, MaxPoints: nd.MaxPoints}
		for _, a := range def.Aspects {
			for _, e := range a.Elements {
				ej := elementJSON{Code: e.Code, Name: e.Title.In(lang), Index: nd.Pooled, CI95: ci(nd.Tally), N: nd.N, Items: []itemJSON{}}
				for _, c := range nd.Criteria {
					if def.ElementOf(c.Code) == e {
						ej.Items = append(ej.Items, itemJSON{Code: c.Code, Text: itemText(c.Code), Index: c.Pooled, N: c.N, NA: c.NA, Counts: counts(c.Tally), Mean: c.Mean})
					}
				}
				out.Elements = append(out.Elements, ej)
			}
		}
	}
	out.CI95, out.Mean, out.Counts, out.NA = ci(total), total.Mean, counts(total), total.NA
	out.addDossiers(s.Dossiers, low)
	return out
}

// scoresCaller is who asks for scores: a signed-in user or an API key.
type scoresCaller struct {
	user *survey.User
	key  *survey.APIKey
}

// scoresAuth authenticates a scores request before anything is looked up,
// so that nobody without credentials can probe which agencies exist.
func (s *Server) scoresAuth(c echo.Context) (*scoresCaller, error) {
	if sess := s.session(c); sess != nil {
		return &scoresCaller{user: sess.User}, nil
	}
	if bearer(c) == "" {
		return nil, survey.Errorf(survey.CodeUnauthorized, "error.unauthorized", nil)
	}
	k, err := s.apiKey(c, "scores")
	if err != nil {
		return nil, err
	}
	return &scoresCaller{key: k}, nil
}

// scoresViewer checks the agency is in the caller's scope.
func (s *Server) scoresViewer(c echo.Context, who *scoresCaller, agencyID int64) error {
	if who.user != nil {
		ok, err := s.canSee(c, who.user, agencyID)
		if err != nil {
			return err
		}
		if !ok {
			return survey.Errorf(survey.CodeForbidden, "error.forbidden", nil)
		}
		return nil
	}
	k := who.key
	if k.AgencyID != 0 {
		ids, err := s.DB.Subtree(c.Request().Context(), k.AgencyID)
		if err != nil {
			return err
		}
		if !slices.Contains(ids, agencyID) {
			return survey.Errorf(survey.CodeForbidden, "error.forbidden", nil)
		}
	}
	return nil
}

// apiScores is GET /api/v1/scores?agency=&month=[&survey=].
func (s *Server) apiScores(c echo.Context) error {
	who, err := s.scoresAuth(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, def, err := s.Reports.Resolve(ctx, report.Request{Agency: c.QueryParam("agency"), Month: c.QueryParam("month"), Survey: c.QueryParam("survey")})
	var de *survey.Error
	if errors.As(err, &de) && de.Code == survey.CodeInvalid {
		// A bad query string is a 400 by the contract: a copy, so the
		// error Resolve returned is never changed in place.
		bad := *de
		bad.Code = survey.CodeMalformed
		return &bad
	}
	if err != nil {
		return err
	}
	if err := s.scoresViewer(c, who, a.ID); err != nil {
		return err
	}
	sc, err := s.Reports.Score(ctx, a, def, c.QueryParam("month"))
	if err != nil {
		return err
	}
	lang := s.I18n.Localizer(s.I18n.Negotiate(c.Request())).Lang()
	out := toScoreJSON(sc, lang, s.LowResponseRate)
	if out.Target, err = s.targetInForce(c, a, sc.Month, lang); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// targetInForce is the year's target of an agency for the scores API.
func (s *Server) targetInForce(c echo.Context, a *survey.Agency, month, lang string) (*targetJSON, error) {
	t, from, err := s.Reports.TargetOf(c.Request().Context(), a, month)
	if t == nil || err != nil {
		return nil, err
	}
	return &targetJSON{Year: t.Year, Index: t.Index, ResponseRate: t.ResponseRate, SetBy: placeJSON{Code: from.Code, Name: from.Name.In(lang)}}, nil
}

type rankingJSON struct {
	Parent    *placeJSON    `json:"parent"`
	Month     string        `json:"month"`
	Survey    string        `json:"survey"`
	Province  score.Figure  `json:"province_share"`
	Ranked    []rankRowJSON `json:"ranked"`
	NotRanked []rankRowJSON `json:"not_ranked"`
}

type rankRowJSON struct {
	Position  int          `json:"position,omitempty"`
	Agency    placeJSON    `json:"agency"`
	Responses int          `json:"responses"`
	Index     score.Figure `json:"index"`
	CI95      *[2]float64  `json:"ci95"`
	Tier      string       `json:"tier,omitempty"`
	Clearly   bool         `json:"clearly,omitempty"`
	Reason    string       `json:"reason,omitempty"`
	Rate      *rateJSON    `json:"response_rate,omitempty"`
}

// apiRanking is GET /api/v1/rankings?month=&survey=[&parent=]: the agencies
// under parent (the province's top level when omitted), ranked.
func (s *Server) apiRanking(c echo.Context) error {
	who, err := s.scoresAuth(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	month := c.QueryParam("month")
	if _, err := survey.ParseMonth(month); err != nil || len(month) != 7 {
		return &survey.Error{Code: survey.CodeMalformed, Message: "error.month.malformed", Field: "month"}
	}
	def, ok := s.Surveys.Get(c.QueryParam("survey"))
	if c.QueryParam("survey") == "" {
		def, ok = s.Surveys.Default(), true
	}
	if !ok {
		return &survey.Error{Code: survey.CodeMalformed, Message: "error.survey.unknown", Field: "survey"}
	}
	var parent *survey.Agency
	if code := c.QueryParam("parent"); code != "" {
		p, err := s.DB.AgencyByCode(ctx, code)
		if errors.Is(err, survey.ErrNotFound) {
			return survey.Errorf(survey.CodeNotFound, "error.agency.unknown", map[string]any{"Code": code})
		}
		if err != nil {
			return err
		}
		parent = p
	}
	var scopeID int64 // 0: the whole province, which only the province and admins may rank
	if parent != nil {
		scopeID = parent.ID
	}
	if err := s.rankingViewer(c, who, scopeID); err != nil {
		return err
	}
	rk, err := s.Reports.Rank(ctx, parent, def, month)
	if err != nil {
		return err
	}
	lang := s.I18n.Localizer(s.I18n.Negotiate(c.Request())).Lang()
	out := rankingJSON{Month: month, Survey: def.ID, Ranked: []rankRowJSON{}, NotRanked: []rankRowJSON{}}
	out.Province = rk.Share
	if parent != nil {
		out.Parent = &placeJSON{Code: parent.Code, Name: parent.Name.In(lang)}
	}
	byCode := map[string]*report.Score{}
	for _, sc := range rk.Scores {
		byCode[sc.Agency.Code] = sc
	}
	row := func(code string) rankRowJSON {
		sc := byCode[code]
		idx, c := sc.Headline()
		r := rankRowJSON{Agency: placeJSON{Code: code, Name: sc.Agency.Name.In(lang)}, Responses: sc.Result.Responses, Index: idx}
		if sc.Dossiers != nil {
			r.Rate = toRateJSON(sc.Dossiers.Responses, s.LowResponseRate)
		}
		if c != nil {
			r.CI95 = &[2]float64{c.Lo, c.Hi}
		}
		return r
	}
	for _, e := range rk.Result.Ranked {
		r := row(e.Code)
		r.Position, r.Tier, r.Clearly = e.Position, string(e.Tier.Band), e.Tier.Clearly
		out.Ranked = append(out.Ranked, r)
	}
	for _, e := range rk.Result.NotRanked {
		r := row(e.Code)
		r.Reason = string(e.Reason)
		out.NotRanked = append(out.NotRanked, r)
	}
	return c.JSON(http.StatusOK, out)
}

// rankingViewer: ranking the whole province needs the province or admin
// role (or a province-wide key); ranking under an agency needs that agency in scope.
func (s *Server) rankingViewer(c echo.Context, who *scoresCaller, agencyID int64) error {
	if agencyID != 0 {
		return s.scoresViewer(c, who, agencyID)
	}
	if (who.user != nil && who.user.Role == survey.RoleAgencyHead) || (who.key != nil && who.key.AgencyID != 0) {
		return survey.Errorf(survey.CodeForbidden, "error.forbidden", nil)
	}
	return nil
}
