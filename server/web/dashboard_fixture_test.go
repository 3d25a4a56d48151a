package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// dashFixture is a small province on a real SQLite file: H17 (the city,
// sipas-dv-2023) over H17.50 (the agency head's ward, with a branch
// H17.50.1), H17.51, H17.52 (quick rating) and H17.53 (nd61); a counter
// and an officer each; an admin, a province viewer and the head of H17.50.
type dashFixture struct {
	s        *web.Server
	agencies map[string]*survey.Agency
	counters map[string]*survey.Counter // by agency code
	officers map[string]*survey.Officer // by agency code
	cookies  map[string]*http.Cookie    // admin, province, head
	csrf     map[string]string
	rng      *rand.Rand
}

func newDashFixture(t *testing.T) *dashFixture {
	t.Helper()
	return newDashFixtureWith(t, app.Config{})
}

// newDashFixtureWith is the fixture on a program configured by cfg.
func newDashFixtureWith(t *testing.T, cfg app.Config) *dashFixture {
	t.Helper()
	s := newApp(t, cfg, app.Options{}).Web
	ctx := context.Background()
	f := &dashFixture{s: s, agencies: map[string]*survey.Agency{}, counters: map[string]*survey.Counter{},
		officers: map[string]*survey.Officer{}, cookies: map[string]*http.Cookie{}, csrf: map[string]string{},
		rng: rand.New(rand.NewPCG(7, 11))}
	specs := []struct{ code, parent, surveyID, name string }{
		{"H17", "", survey.DefaultID, "UBND thành phố Cần Thơ"},
		{"H17.50", "H17", "", "UBND phường Ninh Kiều"},
		{"H17.50.1", "H17.50", "", "Điểm tiếp nhận Ninh Kiều 2"},
		{"H17.51", "H17", "", "UBND phường Cái Răng"},
		{"H17.52", "H17", "nhanh", "UBND xã Phong Điền"},
		{"H17.53", "H17", "nd61", "UBND phường Vị Thanh"},
	}
	for i, sp := range specs {
		a := &survey.Agency{Code: sp.code, Name: survey.Text{"vi": sp.name, "en": sp.name + " (en)"}, Kind: survey.KindCommunePC, SurveyID: sp.surveyID}
		if p := f.agencies[sp.parent]; p != nil {
			a.ParentID = p.ID
		}
		if err := s.DB.CreateAgency(ctx, a, survey.CLI, time.Now()); err != nil {
			t.Fatal(err)
		}
		f.agencies[sp.code] = a
		c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: fmt.Sprintf("Q-%d", i), Number: 1, Name: survey.Text{"vi": "Quầy số 1 – " + sp.name}, Active: true}
		if err := s.DB.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
			t.Fatal(err)
		}
		f.counters[sp.code] = c
		o := &survey.Officer{AgencyID: a.ID, Code: fmt.Sprintf("CB-%d", i), Name: fmt.Sprintf("Cán bộ số %d", i), CounterID: c.ID, Active: true}
		if err := s.DB.CreateOfficer(ctx, o, survey.CLI, time.Now()); err != nil {
			t.Fatal(err)
		}
		f.officers[sp.code] = o
	}
	for who, u := range map[string]struct {
		role   survey.Role
		agency int64
	}{"admin": {survey.RoleAdmin, 0}, "province": {survey.RoleProvince, 0}, "head": {survey.RoleAgencyHead, f.agencies["H17.50"].ID}} {
		addUser(t, s, "dash-"+who, u.role, u.agency, "mật-khẩu-"+who)
		ck, code := signIn(t, s, "dash-"+who, "mật-khẩu-"+who)
		if ck == nil {
			t.Fatalf("sign in %s: %d", who, code)
		}
		f.cookies[who] = ck
		sess, err := s.DB.SessionByToken(ctx, ck.Value, s.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.csrf[who] = sess.CSRF
	}
	return f
}

// reply is one generated response.
type reply struct {
	answers  map[string]json.RawMessage
	comment  string
	excluded bool
	channel  survey.Channel
	at       time.Time
	dossier  string // bound to a dossier (as by a one-time code)
}

// sipasReplies draws n full-questionnaire responses in month: mostly
// satisfied, some neutral, a few unhappy, some "Không trả lời".
func (f *dashFixture) sipasReplies(month string, n int) []reply {
	def, _ := f.s.Surveys.Get(survey.DefaultID)
	start, _ := survey.ParseMonth(month)
	out := make([]reply, n)
	for i := range out {
		a := map[string]json.RawMessage{}
		for _, q := range def.Items() {
			switch r := f.rng.IntN(100); {
			case r < 6:
				a[q.Code] = json.RawMessage("null")
			case r < 10:
				a[q.Code] = json.RawMessage(fmt.Sprint(1 + f.rng.IntN(2)))
			case r < 25:
				a[q.Code] = json.RawMessage("3")
			case r < 70:
				a[q.Code] = json.RawMessage("4")
			default:
				a[q.Code] = json.RawMessage("5")
			}
		}
		ch := survey.ChannelKiosk
		if i%3 == 0 {
			ch = survey.ChannelQR
		}
		out[i] = reply{answers: a, channel: ch, at: start.Add(time.Duration(i%27)*24*time.Hour + 9*time.Hour + time.Duration(i)*time.Minute)}
	}
	return out
}

// insert stores replies for an agency's counter and officer as the
// submission path would have, then runs the rollup worker.
func (f *dashFixture) insert(t *testing.T, agency, surveyID string, rs []reply) []*survey.Response {
	t.Helper()
	def, _ := f.s.Surveys.Get(surveyID)
	c, o := f.counters[agency], f.officers[agency]
	var out []*survey.Response
	for i, r := range rs {
		at := r.at
		ch := r.channel
		if ch == "" {
			ch = survey.ChannelKiosk
		}
		resp := &survey.Response{UID: uuid.Must(uuid.NewV7()).String(), SurveyID: def.ID, SurveyVersion: def.Version,
			AgencyID: c.AgencyID, CounterID: c.ID, OfficerID: o.ID, Channel: ch, ReceivedAt: at, AnsweredAt: &at,
			Month: survey.Month(at), Lang: "vi", Answers: survey.NewAnswers(r.answers), Comment: r.comment, Excluded: r.excluded,
			ContentHash: []byte{byte(i)}, Dossier: r.dossier}
		if r.excluded {
			resp.Flags = []string{"burst"}
		}
		out = append(out, resp)
	}
	if err := f.s.DB.InsertResponses(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	f.rollup(t)
	return out
}

func (f *dashFixture) rollup(t *testing.T) {
	t.Helper()
	if _, err := f.s.DB.NewRollup(f.s.Surveys).CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// countsOf tallies replies the way the formulas want them, without the
// rollups: the independent side of the comparison.
func countsOf(def *survey.Definition, rs []reply) score.Counts {
	c := score.Counts{Items: map[string]*score.ItemCounts{}, Moments: map[string]score.Moments{}}
	plan := score.NewPlan(def)
	for _, r := range rs {
		if r.excluded {
			continue
		}
		c.Responses++
		plan.Respondent(func(_ int, code string) (int, bool) { return survey.ScaleValue(r.answers[code]) }, func(k int, t, v int64) {
			m := c.Moments[plan.Nodes[k]]
			m.Add(t, v)
			c.Moments[plan.Nodes[k]] = m
		})
		for _, q := range def.Items() {
			v, ok := r.answers[q.Code]
			if !ok {
				continue
			}
			ic := c.Items[q.Code]
			if ic == nil {
				ic = &score.ItemCounts{ByValue: map[int]int{}}
				c.Items[q.Code] = ic
			}
			if n, ok := survey.ScaleValue(v); ok {
				ic.ByValue[n]++
			} else {
				ic.NA++
			}
		}
	}
	return c
}

// get requests a page as one of the fixture's users ("" = signed out).
func (f *dashFixture) get(t *testing.T, who, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if ck := f.cookies[who]; ck != nil {
		req.AddCookie(ck)
	}
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	f.s.Handler().ServeHTTP(rec, req)
	return rec
}

// post sends a form as one of the fixture's users.
func (f *dashFixture) post(t *testing.T, who, path string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if ck := f.cookies[who]; ck != nil {
		req.AddCookie(ck)
	}
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	f.s.Handler().ServeHTTP(rec, req)
	return rec
}

var headlineRE = regexp.MustCompile(`id="headline-index">([^<]+)<`)

// headlineOf reads the big number off a scorecard.
func headlineOf(t *testing.T, body string) string {
	t.Helper()
	m := headlineRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no headline index on the page:\n%.2000s", body)
	}
	return m[1]
}
