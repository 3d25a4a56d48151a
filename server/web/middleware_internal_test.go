package web

import (
	"net/url"
	"testing"
)

func TestLogPathKeepsWhatIsNotSecret(t *testing.T) {
	for in, want := range map[string]string{
		"/dashboard/agency/H17?month=2026-10": "/dashboard/agency/H17?month=2026-10",
		"/t":                                  "/t",
		"/q/CT-01":                            "/q/CT-01",
		"/f//0":                               "/f//0",
		"/api/v1/scores?agency=H17&code=x":    "/api/v1/scores?agency=H17&code=REDACTED",
	} {
		u, _ := url.Parse(in)
		if got := logPath(u); got != want {
			t.Errorf("logPath(%s) = %s, want %s", in, got, want)
		}
	}
}
