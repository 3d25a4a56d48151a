package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// newApp builds the program as `sipas serve` does (app.New) on a fresh
// SQLite file, with the seams that keep the tests fast and repeatable: a
// settable clock at 27/11/2026 09:00, cheap staff-PIN and password work
// (TestKioskConfigCarriesOnlyAStretchedPIN checks the real PIN work), and
// http://example.test as the base URL. Fields set in cfg and opt win. No
// background loop runs: tests roll up when they mean to.
func newApp(t testing.TB, cfg app.Config, opt app.Options) *app.App {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://example.test"
	}
	if cfg.Version == "" {
		cfg.Version = "test"
	}
	if opt.Clock == nil {
		opt.Clock = &testClock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, survey.Zone)}
	}
	if opt.StaffPINIterations == 0 {
		opt.StaffPINIterations = 1_000
	}
	if opt.PasswordCost == 0 {
		opt.PasswordCost = 4 // bcrypt's least
	}
	a, err := app.New(context.Background(), cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Error(err)
		}
	})
	return a
}

// newTestServer is the web server of a fresh program (newApp).
func newTestServer(t testing.TB) *web.Server {
	t.Helper()
	return newApp(t, app.Config{}, app.Options{}).Web
}

// testClock is a settable clock shared by the server and the submission path.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func get(t *testing.T, s *web.Server, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
