package web_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

func TestHomeInBothLanguages(t *testing.T) {
	s := newTestServer(t)
	cases := []struct{ path, header, want, lang string }{
		{"/", "", "Khảo sát mức độ hài lòng", "vi"},
		{"/?lang=en", "", "Satisfaction survey", "en"},
		{"/", "en-US,en;q=0.9", "Questionnaires in use", "en"},
	}
	for _, tc := range cases {
		rec := get(t, s, tc.path, "Accept-Language", tc.header)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, tc.want) {
			t.Errorf("%s (%s): %d, missing %q", tc.path, tc.header, rec.Code, tc.want)
		}
		if !strings.Contains(body, `<html lang="`+tc.lang+`">`) {
			t.Errorf("%s: html lang is not %s", tc.path, tc.lang)
		}
		if !strings.Contains(body, "sipas-dv-2023") || !strings.Contains(body, "phương pháp SIPAS") && tc.lang == "vi" {
			t.Errorf("%s: home does not list the questionnaires and the method note", tc.path)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	s := newTestServer(t)
	if rec := get(t, s, "/healthz"); rec.Code != 200 {
		t.Errorf("healthz %d", rec.Code)
	}
	rec := get(t, s, "/readyz")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ready"`) {
		t.Errorf("readyz %d %s", rec.Code, rec.Body)
	}
	s.DB.Close() // a closed database is not ready
	if rec := get(t, s, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz with closed db: %d", rec.Code)
	}
}

func TestSurveyAPI(t *testing.T) {
	s := newTestServer(t)
	rec := get(t, s, "/api/v1/surveys/sipas-dv-2023")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	var d struct {
		Version string `json:"version"`
		Aspects []struct {
			Elements []struct {
				Items []struct {
					Code  string            `json:"code"`
					Text  map[string]string `json:"text"`
					Scale struct {
						Options []struct{ Value int } `json:"options"`
					} `json:"scale"`
				} `json:"items"`
			} `json:"elements"`
		} `json:"aspects"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	items := 0
	for _, a := range d.Aspects {
		for _, e := range a.Elements {
			for _, it := range e.Items {
				items++
				if it.Code == "" || it.Text["vi"] == "" || it.Text["en"] == "" || len(it.Scale.Options) != 5 {
					t.Errorf("item %+v lacks code, texts or scale", it)
				}
			}
		}
	}
	if items != 19 || d.Version == "" {
		t.Errorf("items = %d, version %q", items, d.Version)
	}
	if rec := get(t, s, "/api/v1/surveys/sipas-dv-2023", "If-None-Match", `"`+d.Version+`"`); rec.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d, want 304", rec.Code)
	}
	if rec := get(t, s, "/api/v1/surveys"); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"nhanh"`) {
		t.Errorf("list: %d", rec.Code)
	}
}

func TestErrorsAreLocalizedAndShowNoInternals(t *testing.T) {
	s := newTestServer(t)
	rec := get(t, s, "/api/v1/surveys/nope", "Accept-Language", "vi")
	var body web.APIError
	json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != 404 || body.Error.Code != "not_found" || body.Error.Message == "" || strings.HasPrefix(body.Error.Message, "error.") {
		t.Errorf("unknown survey: %d %+v", rec.Code, body)
	}
	rec = get(t, s, "/no/such/page?lang=en")
	if rec.Code != 404 || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("unknown page: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}

	web.Echo(s).GET("/boom", func(echo.Context) error { panic("secret internal detail") })
	web.Echo(s).GET("/fail", func(echo.Context) error { return errors.New("db password is hunter2") })
	for _, p := range []string{"/boom", "/fail", "/api/v1/../boom"} {
		rec := get(t, s, p)
		if rec.Code != 500 && p != "/api/v1/../boom" {
			t.Errorf("%s: %d, want 500", p, rec.Code)
		}
		if b := rec.Body.String(); strings.Contains(b, "secret") || strings.Contains(b, "hunter2") {
			t.Errorf("%s leaks internals: %s", p, b)
		}
	}
}

func TestStaticFilesAreCachedForeverUnderTheirHash(t *testing.T) {
	s := newTestServer(t)
	url := web.StaticURL(s, "css/site.css")
	rec := get(t, s, url)
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") || !strings.Contains(rec.Header().Get("Content-Type"), "text/css") {
		t.Errorf("%s: %d %v", url, rec.Code, rec.Header())
	}
	if rec := get(t, s, "/static/old/css/site.css"); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("old hash: %d %s", rec.Code, rec.Header().Get("Cache-Control"))
	}
	if rec := get(t, s, "/static/"+web.StaticHash(s)+"/nope.css"); rec.Code != 404 {
		t.Errorf("missing file: %d", rec.Code)
	}
}

func TestMetricsExposeRequestCounts(t *testing.T) {
	s := newTestServer(t)
	_, key, err := s.DB.CreateAPIKey(context.Background(), "prometheus", []string{"metrics"}, 0, survey.CLI, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	auth := "Bearer " + key
	get(t, s, "/")
	// As Prometheus asks: compressed once, by promhttp, not twice.
	gz := get(t, s, "/metrics", "Accept-Encoding", "gzip", "Authorization", auth)
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !strings.Contains(string(plain), "sipas_http_requests_total") {
		t.Errorf("gzipped /metrics does not decompress to the metrics: %.100q", plain)
	}
	rec := get(t, s, "/metrics", "Authorization", auth)
	if !strings.Contains(rec.Body.String(), `sipas_http_requests_total{method="GET",route="/",status="200"} 1`) {
		t.Errorf("metrics lack the home request:\n%s", rec.Body.String()[:min(2000, rec.Body.Len())])
	}
}

// TestMetricsNeedAKeyOfTheirScope: the page names tablets and counters and
// when each was last seen, so nobody without a metrics key reads it.
func TestMetricsNeedAKeyOfTheirScope(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	_, scores, err := s.DB.CreateAPIKey(ctx, "bi", []string{"scores"}, 0, survey.CLI, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	k, revoked, err := s.DB.CreateAPIKey(ctx, "cũ", []string{"metrics"}, 0, survey.CLI, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB.RevokeAPIKey(ctx, k.ID, survey.CLI, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		header []string
		want   int
	}{
		{nil, http.StatusUnauthorized},
		{[]string{"Authorization", "Bearer sk_nothing"}, http.StatusUnauthorized},
		{[]string{"Authorization", "Bearer " + scores}, http.StatusForbidden},
		{[]string{"Authorization", "Bearer " + revoked}, http.StatusForbidden},
	} {
		rec := get(t, s, "/metrics", c.header...)
		if rec.Code != c.want || strings.Contains(rec.Body.String(), "sipas_") {
			t.Errorf("/metrics with %v: %d, want %d without the metrics", c.header, rec.Code, c.want)
		}
	}
}

func TestPostersShowTheCounterAndItsLink(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	rec := get(t, s, "/posters/agency/H17")
	b := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(b, "Quầy số 1 – Đất đai") || !strings.Contains(b, "http://example.test/q/CT-01") ||
		!strings.Contains(b, `src="/q/CT-01/qr.svg"`) {
		t.Errorf("poster: %d\n%s", rec.Code, b)
	}
	if rec := get(t, s, "/q/CT-01/qr.svg"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "<svg") {
		t.Errorf("qr.svg: %d", rec.Code)
	}
	if rec := get(t, s, "/posters/counter/NOPE"); rec.Code != 404 {
		t.Errorf("unknown counter: %d", rec.Code)
	}
}

// New refuses to build a server with a dependency missing, naming it,
// instead of failing on the first request that needs it.
func TestNewRefusesMissingDependencies(t *testing.T) {
	s := newTestServer(t)
	d := s.Deps
	d.Reports, d.LoginLimits = nil, nil
	_, err := web.New(d)
	if err == nil || !strings.Contains(err.Error(), "LoginLimits, Reports") {
		t.Errorf("New without Reports and LoginLimits: %v", err)
	}
	if _, err := web.New(s.Deps); err != nil {
		t.Errorf("New with everything: %v", err)
	}
}
