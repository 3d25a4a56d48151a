package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// formEnv is a full server (submission path included) on a fresh SQLite
// file, with one counter per questionnaire the phone form must render.
type formEnv struct {
	s     *web.Server
	clock *testClock
}

// Counter codes seeded by newFormEnv, one per questionnaire.
const (
	formSIPAS = "CT-TT-01" // sipas-dv-2023, inherited from the province
	formQuick = "CT-NK-01" // nhanh
	formND61  = "CT-ND-01" // nd61
)

// newFormEnv builds the server as serve does; posterBurst bounds the
// responses one client may send from one poster at once.
func newFormEnv(t *testing.T, posterBurst int) *formEnv {
	t.Helper()
	a := newApp(t, app.Config{}, app.Options{PosterLimits: collect.NewLimiter(time.Minute, posterBurst)})
	formSeed(t, a.DB)
	return &formEnv{s: a.Web, clock: a.Clock.(*testClock)}
}

// formSeed makes a province (no questionnaire set: the default applies) with
// one counter, and two agencies under it with the quick rating and NĐ 61.
func formSeed(t *testing.T, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	root := &survey.Agency{Code: "H92", Name: survey.Text{"vi": "UBND TP Cần Thơ", "en": "Can Tho City People's Committee"}, Kind: survey.KindProvincePC}
	if err := db.CreateAgency(ctx, root, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ agency, survey, counter, vi, en string }{
		{"H92.1", "", formSIPAS, "Quầy số 1 – Đất đai", "Counter 1 – Land"},
		{"H92.2", "nhanh", formQuick, "Quầy số 1 – Tư pháp – Hộ tịch", "Counter 1 – Civil status"},
		{"H92.3", "nd61", formND61, "Quầy số 2 – Đăng ký kinh doanh", "Counter 2 – Business registration"},
	} {
		a := &survey.Agency{Code: p.agency, Name: survey.Text{"vi": "Trung tâm Phục vụ hành chính công " + p.agency},
			Kind: survey.KindProvinceCentre, ParentID: root.ID, SurveyID: p.survey}
		if err := db.CreateAgency(ctx, a, survey.CLI, time.Now()); err != nil {
			t.Fatal(err)
		}
		c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: p.counter, Number: 1, Name: survey.Text{"vi": p.vi, "en": p.en}, Active: true}
		if err := db.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

// formDo sends one request as a phone would; header is name/value pairs.
func (env *formEnv) do(t *testing.T, method, path string, form url.Values, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.RemoteAddr = "198.51.100.7:40000"
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	env.s.Handler().ServeHTTP(rec, req)
	return rec
}

// post posts a page and expects the 303 of post/redirect/get; it returns where it leads.
func (env *formEnv) post(t *testing.T, path string, form url.Values, header ...string) string {
	t.Helper()
	rec := env.do(t, http.MethodPost, path, form, header...)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST %s: %d, want 303\n%s", path, rec.Code, formText(rec.Body.String()))
	}
	return rec.Header().Get("Location")
}

// page gets a page and expects a 200.
func (env *formEnv) page(t *testing.T, path string, header ...string) string {
	t.Helper()
	rec := env.do(t, http.MethodGet, path, nil, header...)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, rec.Code, formText(rec.Body.String()))
	}
	return rec.Body.String()
}

// responses returns every stored response.
func (env *formEnv) responses(t *testing.T) []*survey.Response {
	t.Helper()
	ctx := context.Background()
	uids, err := env.s.DB.ResponseUIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []*survey.Response
	for _, uid := range uids {
		r, err := env.s.DB.ResponseByUID(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// answersOf renders a response's answers as compact JSON with sorted keys.
func answersOf(r *survey.Response) string {
	b, _ := json.Marshal(r.Answers)
	return string(b)
}

var (
	formTags  = regexp.MustCompile(`<[^>]*>`)
	formSpace = regexp.MustCompile(`\s+`)
	formTitle = regexp.MustCompile(`<title>([^<]*)</title>`)
)

// formText is a page's visible text, for readable failures and checks.
func formText(html string) string {
	return strings.TrimSpace(formSpace.ReplaceAllString(formTags.ReplaceAllString(html, " "), " "))
}

func formTitleOf(html string) string {
	m := formTitle.FindStringSubmatch(html)
	if m == nil {
		return ""
	}
	return m[1]
}
