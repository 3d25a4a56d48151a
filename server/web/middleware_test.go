package web_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/web"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRequestLogHoldsNoSecrets: the request log is read by operators and
// kept; an invitation or reset link, a dossier code or a draft id in it
// would be a working key to an account or a citizen's answers.
func TestRequestLogHoldsNoSecrets(t *testing.T) {
	var log syncBuffer
	s := newApp(t, app.Config{}, app.Options{Logger: slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))}).Web
	place(t, s)
	web.Echo(s).GET("/fail/:x", func(echo.Context) error { return errors.New("boom") })
	secret := "S3CRETtoken9"
	for _, p := range []string{"/invite/" + secret, "/invite/" + secret + "/extra", "/t/" + secret, "/T/" + secret + "/qr.png",
		"/t?code=" + secret, "/f/" + secret + "/0", "/login?next=/dashboard&csrf=" + secret, "/t/" + secret + "?lang=en",
		"/invite/" + secret + "?token=" + secret} {
		get(t, s, p)
	}
	get(t, s, "/fail/x?code="+secret) // a 5xx is logged by the error handler too
	out := log.String()
	if strings.Contains(out, secret) || strings.Count(out, "REDACTED") < 10 {
		t.Errorf("secrets in the request log:\n%s", out)
	}
	if !strings.Contains(out, `"path":"/invite/REDACTED"`) || !strings.Contains(out, `"path":"/T/REDACTED/qr.png"`) ||
		!strings.Contains(out, `"path":"/login?csrf=REDACTED&next=%2Fdashboard"`) {
		t.Errorf("the log no longer says which page was asked for:\n%s", out)
	}
}

// TestHSTSOnlyWhenServedOverHTTPS: behind an https base URL every answer
// tells the browser to keep to HTTPS; over plain http (a closed network of
// counters) the header would be meaningless, and is not sent.
func TestHSTSOnlyWhenServedOverHTTPS(t *testing.T) {
	for _, base := range []string{"http://example.test", "https://khaosat.cantho.gov.vn"} {
		s := newApp(t, app.Config{BaseURL: base}, app.Options{}).Web
		for _, p := range []string{"/", "/login", "/api/v1/surveys", "/no/such/page"} {
			got := get(t, s, p).Header().Get("Strict-Transport-Security")
			if https := strings.HasPrefix(base, "https:"); https != (got == "max-age=31536000") || !https && got != "" {
				t.Errorf("%s with base %s: Strict-Transport-Security %q", p, base, got)
			}
		}
	}
}
