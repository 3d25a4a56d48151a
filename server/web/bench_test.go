package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/demo"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// benchServer serves the generated data set of SIPAS_BENCH_DB (`make
// bench-10m` makes one with 10 million responses), or a smaller one made
// here, and returns the server with a province-wide session cookie.
func benchServer(b *testing.B) (*web.Server, *http.Cookie, []*survey.Agency) {
	b.Helper()
	ctx := context.Background()
	path := os.Getenv("SIPAS_BENCH_DB")
	seed := path == ""
	if seed {
		path = filepath.Join(b.TempDir(), "sipas.db")
	}
	if filepath.Base(path) != "sipas.db" {
		b.Fatalf("SIPAS_BENCH_DB %s: the data folder's database is named sipas.db", path)
	}
	a := newApp(b, app.Config{DataDir: filepath.Dir(path)}, app.Options{})
	db, s := a.DB, a.Web
	if seed {
		if _, err := demo.Bulk(ctx, db, a.Surveys, demo.BulkOptions{Agencies: 500, Months: 24, Responses: 100_000, Now: time.Now(), Seed: 1}); err != nil {
			b.Fatal(err)
		}
	} else if _, err := a.Rollup.CatchUp(ctx); err != nil {
		b.Fatal(err)
	}
	tok, _, err := db.CreateSession(ctx, benchUser(b, db), time.Now(), time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	all, _ := db.Agencies(ctx)
	return s, &http.Cookie{Name: web.SessionCookie, Value: tok}, all
}

func benchUser(b *testing.B, db *sqlite.DB) int64 {
	ctx := context.Background()
	if u, err := db.UserByUsername(ctx, "bench.province"); err == nil {
		return u.ID
	}
	u := &survey.User{Username: "bench.province", DisplayName: "Bench", Role: survey.RoleProvince}
	if err := db.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	return u.ID
}

// timeRequests GETs each path in turn and reports p50 and p99 server time.
func timeRequests(b *testing.B, s *web.Server, ck *http.Cookie, path func(i int) string) {
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodGet, path(i), nil)
		req.AddCookie(ck)
		rec := httptest.NewRecorder()
		t0 := time.Now()
		s.Handler().ServeHTTP(rec, req)
		lat = append(lat, time.Since(t0))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %.200s", path(i), rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100])/1e6, "p99-ms")
}

// BenchmarkScorecardPage renders an agency's whole monthly scorecard.
func BenchmarkScorecardPage(b *testing.B) {
	s, ck, all := benchServer(b)
	month := survey.Month(time.Now().AddDate(0, -1, 0))
	timeRequests(b, s, ck, func(i int) string {
		return "/dashboard/agency/" + all[1+i%(len(all)-1)].Code + "?month=" + month
	})
}

// BenchmarkScoresAPI is GET /api/v1/scores for one agency and month.
func BenchmarkScoresAPI(b *testing.B) {
	s, ck, all := benchServer(b)
	month := survey.Month(time.Now().AddDate(0, -1, 0))
	timeRequests(b, s, ck, func(i int) string {
		return "/api/v1/scores?agency=" + all[1+i%(len(all)-1)].Code + "&month=" + month
	})
}

// BenchmarkProvinceRankingCached is the province view's API ranking every
// agency under the root: the first request ranks (report's RankFresh times
// that), the others read the ranking kept for a minute.
func BenchmarkProvinceRankingCached(b *testing.B) {
	s, ck, all := benchServer(b)
	var root string
	for _, a := range all {
		if a.ParentID == 0 {
			root = a.Code
		}
	}
	month := survey.Month(time.Now().AddDate(0, -1, 0))
	timeRequests(b, s, ck, func(int) string { return "/api/v1/rankings?month=" + month + "&parent=" + root })
}
