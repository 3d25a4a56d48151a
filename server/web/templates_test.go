package web_test

import (
	"context"
	"testing"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/certs"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// TestEveryTemplateIsRendered fails when a page template exists that no test
// renders: each is exercised here in both languages.
func TestEveryTemplateIsRendered(t *testing.T) {
	// The onboarding page (/ca) exists only with the internal CA.
	s := newApp(t, app.Config{TLS: certs.Config{Mode: certs.ModeInternal}}, app.Options{}).Web
	place(t, s)
	for _, lang := range []string{"vi", "en"} {
		for _, path := range []string{"/", "/no-such-page", "/posters/counter/CT-01", "/posters/agency/H17",
			"/q/CT-01", "/t", "/f/no-such-draft/0", "/login"} {
			get(t, s, path+"?lang="+lang)
		}
	}
	if err := s.DB.SetPublicResults(context.Background(), true, survey.CLI, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	get(t, s, "/ket-qua?lang=vi")
	get(t, s, "/ket-qua?lang=en")
	get(t, s, "/ca?lang=vi")
	get(t, s, "/ca?lang=en")
	renderAdminPages(t, s)     // administration pages need a signed-in admin: admin_test.go
	renderDashboardPages(t, s) // dashboard pages need a session too: dashboard_test.go
	for _, name := range web.Templates(s) {
		if web.Rendered(s, name) == 0 {
			t.Errorf("template %s.html is never rendered by a test", name)
		}
	}
}
