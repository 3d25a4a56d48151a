package web_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/web"
)

// publicRoutes need no credential: the citizen's side, the kiosk shell,
// the sign-in and invitation pages (guarded by their own token), and what
// monitoring and posters fetch. Each was reviewed as such; a new route is
// public only once it is added here.
var publicRoutes = map[string]bool{
	"GET /": true, "GET /ket-qua": true, "GET /favicon.ico": true, "GET /healthz": true, "GET /readyz": true, "GET /static/:hash/*": true,
	"GET /kiosk": true, "GET /kiosk/*": true,
	"GET /q/:counter": true, "POST /q/:counter": true, "GET /Q/:counter": true, "POST /Q/:counter": true,
	"GET /q/:counter/:format": true, "GET /Q/:counter/:format": true,
	"GET /t": true, "GET /T": true, "GET /t/:code": true, "POST /t/:code": true, "GET /T/:code": true, "POST /T/:code": true,
	"GET /t/:code/:format": true, "GET /T/:code/:format": true,
	"GET /f/:draft/:step": true, "POST /f/:draft/:step": true,
	"GET /login": true, "POST /login": true, "GET /invite/:token": true, "POST /invite/:token": true,
	"GET /posters/counter/:code": true, "GET /posters/agency/:code": true,
	"GET /api/v1/surveys": true, "GET /api/v1/surveys/:id": true, "POST /api/v1/responses": true,
	"POST /api/v1/kiosk/pair": true, "GET /api/v1/kiosk/messages": true,
	// The internal CA's certificate (public by nature: tablets must fetch
	// it before they can trust anything) and the page on installing it.
	"GET /ca": true, "GET /ca.crt": true, "GET /ca.pem": true, "GET /ca/:format": true,
}

// credentialRoutes answer 401 to a request without their credential: a
// device token, an API key of a scope, or a dashboard session for the API.
var credentialRoutes = map[string]string{
	"GET /api/v1/kiosk/config": "device", "POST /api/v1/kiosk/heartbeat": "device",
	"POST /api/v1/tokens": "key tokens", "POST /api/v1/dossier-counts": "key tokens", "GET /api/v1/scores": "key scores or session", "GET /api/v1/rankings": "key scores or session",
	"GET /metrics": "key metrics",
}

// TestEveryRouteHasAnAccessRule walks the route table itself, so a route
// added anywhere is checked: it is public by review, or it needs a
// credential and refuses a request without one. Pages behind a sign-in
// (everything under /admin and /dashboard, and sign-out) send it to the
// sign-in form; which role sees what is the business of
// TestDashboardAuthorizationMatrix and TestAdminPagesAreForAdminsOnly.
func TestEveryRouteHasAnAccessRule(t *testing.T) {
	s := newTestServer(t)
	param := regexp.MustCompile(`:\w+|\*`)
	for _, r := range web.Echo(s).Routes() {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			continue // Echo's own not-found routes
		}
		key := r.Method + " " + r.Path
		path := param.ReplaceAllString(r.Path, "1")
		req := httptest.NewRequest(r.Method, path, nil)
		rec := httptest.NewRecorder()
		switch {
		case publicRoutes[key]:
			continue
		case credentialRoutes[key] != "":
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s (%s) without a credential: %d, want 401", key, credentialRoutes[key], rec.Code)
			}
		case strings.HasPrefix(r.Path, "/admin") || strings.HasPrefix(r.Path, "/dashboard") || key == "POST /logout":
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
				t.Errorf("%s signed out: %d %q, want a redirect to the sign-in form", key, rec.Code, rec.Header().Get("Location"))
			}
		default:
			t.Errorf("%s has no access rule: add it to publicRoutes (after review) or protect it", key)
		}
	}
}
