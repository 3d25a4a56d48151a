package web

import (
	"net/url"
	"testing"
)

func TestLogPathRedactsOnlySecrets(t *testing.T) {
	for in, want := range map[string]string{
		"/dashboard/agency/H17?month=2026-10": "/dashboard/agency/H17?month=2026-10",
		"/t":                                  "/t",
		"/q/CT-01":                            "/q/CT-01",
		"/f//0":                               "/f//0",
		"/t/":                                 "/t/",
		"/t/ABCD2345":                         "/t/REDACTED",
		"/T/ABCD2345/png":                     "/T/REDACTED/png",
		"/f/0b1c/2":                           "/f/REDACTED/2",
		"/invite/tok?next=/":                  "/invite/REDACTED?next=%2F",
		"/api/v1/scores?agency=H17&code=x":    "/api/v1/scores?agency=H17&code=REDACTED",
	} {
		u, _ := url.Parse(in)
		if got := logPath(u); got != want {
			t.Errorf("logPath(%s) = %s, want %s", in, got, want)
		}
	}
}
