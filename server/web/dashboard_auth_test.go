package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// TestDashboardAuthorizationMatrix tries every dashboard page, export and
// the comment mark as each role, on an agency inside and outside the agency
// head's scope, and signed out: signed out goes to the sign-in form, out of
// scope is 403, the province comparison is not for agency heads.
func TestDashboardAuthorizationMatrix(t *testing.T) {
	f := newDashFixture(t)
	rs := f.sipasReplies("2026-10", 3)
	for i := range rs {
		rs[i].comment = "Ý kiến số " + fmt.Sprint(i)
	}
	in := f.insert(t, "H17.50.1", survey.DefaultID, rs)    // the head's subtree
	out := f.insert(t, "H17.51", survey.DefaultID, rs[:1]) // someone else's ward
	commentOf := map[string]int64{"H17.50.1": responseID(t, f, in[0].UID), "H17.51": responseID(t, f, out[0].UID)}

	pages := []string{"", "/print", "/comments", "/export.csv", "/export.xlsx", "/responses.csv", "/responses.xlsx"}
	type who struct {
		name  string
		scope map[string]bool // agencies this user may open
	}
	users := []who{
		{"admin", map[string]bool{"H17.50.1": true, "H17.51": true}},
		{"province", map[string]bool{"H17.50.1": true, "H17.51": true}},
		{"head", map[string]bool{"H17.50.1": true, "H17.51": false}},
		{"", nil},
	}
	for _, u := range users {
		for _, code := range []string{"H17.50.1", "H17.51"} {
			for _, p := range pages {
				path := "/dashboard/agency/" + code + p + "?month=2026-10"
				rec := f.get(t, u.name, path)
				switch {
				case u.name == "":
					if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
						t.Errorf("signed out %s: %d %s", path, rec.Code, rec.Header().Get("Location"))
					}
				case u.scope[code]:
					if rec.Code != http.StatusOK {
						t.Errorf("%s %s: %d, want 200", u.name, path, rec.Code)
					}
				default:
					if rec.Code != http.StatusForbidden {
						t.Errorf("%s %s: %d, want 403", u.name, path, rec.Code)
					}
				}
			}
			// The mark, with the user's own CSRF token.
			path := fmt.Sprintf("/dashboard/agency/%s/comments/%d", code, commentOf[code])
			rec := f.post(t, u.name, path, url.Values{"csrf": {f.csrf[u.name]}, "handled": {"1"}})
			// The province only reads: it may not mark, whatever the agency.
			want := map[bool]int{true: http.StatusSeeOther, false: http.StatusForbidden}[u.scope[code] && u.name != "province"]
			if u.name == "" {
				want = http.StatusSeeOther
			}
			if rec.Code != want {
				t.Errorf("%s POST %s: %d, want %d", u.name, path, rec.Code, want)
			}
		}
		// A comment of another ward cannot be marked through an agency in scope.
		if u.name == "head" {
			path := fmt.Sprintf("/dashboard/agency/H17.50/comments/%d", commentOf["H17.51"])
			if rec := f.post(t, "head", path, url.Values{"csrf": {f.csrf["head"]}, "handled": {"1"}}); rec.Code != http.StatusForbidden {
				t.Errorf("head marks another ward's comment through their own agency: %d", rec.Code)
			}
		}
	}

	// Every mark that went through is in the audit log, by its user; the
	// province's attempts left nothing.
	log, err := f.s.DB.AuditLog(context.Background(), sqlite.AuditFilter{Action: "comment."})
	if err != nil {
		t.Fatal(err)
	}
	byActor := map[string]int{}
	for _, e := range log {
		byActor[e.Actor]++
	}
	if byActor["dash-province"] != 0 || byActor["dash-admin"] != 2 || byActor["dash-head"] != 1 || len(log) != 3 {
		t.Errorf("audited marks by user: %v, want admin 2, head 1, province 0", byActor)
	}
	if rec := f.get(t, "province", "/dashboard/agency/H17.51/comments?month=2026-10"); strings.Contains(rec.Body.String(), `name="handled"`) {
		t.Errorf("the province's comments page offers the mark")
	}
	if rec := f.get(t, "head", "/dashboard/agency/H17.50.1/comments?month=2026-10"); !strings.Contains(rec.Body.String(), `name="handled"`) {
		t.Errorf("the agency head's comments page lacks the mark")
	}

	// Landing and the province comparison.
	for _, c := range []struct {
		who, path string
		status    int
		location  string
	}{
		{"admin", "/dashboard", http.StatusSeeOther, "/dashboard/province"},
		{"province", "/dashboard", http.StatusSeeOther, "/dashboard/province"},
		{"head", "/dashboard", http.StatusSeeOther, "/dashboard/agency/H17.50"},
		{"", "/dashboard", http.StatusSeeOther, "/login?next=%2Fdashboard"},
		{"admin", "/dashboard/province", http.StatusOK, ""},
		{"province", "/dashboard/province?parent=H17.50", http.StatusOK, ""},
		{"head", "/dashboard/province", http.StatusForbidden, ""},
		{"head", "/dashboard/province?parent=H17.50", http.StatusForbidden, ""},
		{"", "/dashboard/province", http.StatusSeeOther, "/login?next=%2Fdashboard%2Fprovince"},
		{"head", "/dashboard?agency=H17.51&month=2026-10", http.StatusSeeOther, "/dashboard/agency/H17.51?month=2026-10"},
		{"head", "/dashboard/agency/NOPE", http.StatusNotFound, ""},
		{"head", "/dashboard/agency/H17.50?month=10-2026", http.StatusUnprocessableEntity, ""},
	} {
		rec := f.get(t, c.who, c.path)
		if rec.Code != c.status || rec.Header().Get("Location") != c.location {
			t.Errorf("%s %s: %d %q, want %d %q", c.who, c.path, rec.Code, rec.Header().Get("Location"), c.status, c.location)
		}
	}

	// The scores API with a dashboard session follows the same scopes.
	for _, c := range []struct {
		who, path string
		status    int
	}{
		{"head", "/api/v1/scores?agency=H17.50.1&month=2026-10", http.StatusOK},
		{"head", "/api/v1/scores?agency=H17.51&month=2026-10", http.StatusForbidden},
		{"province", "/api/v1/scores?agency=H17.51&month=2026-10", http.StatusOK},
		{"admin", "/api/v1/scores?agency=H17&month=2026-10", http.StatusOK},
		{"", "/api/v1/scores?agency=H17.50&month=2026-10", http.StatusUnauthorized},
		{"head", "/api/v1/rankings?month=2026-10", http.StatusForbidden},
		{"head", "/api/v1/rankings?month=2026-10&parent=H17.50", http.StatusOK},
		{"head", "/api/v1/rankings?month=2026-10&parent=H17", http.StatusForbidden},
		{"province", "/api/v1/rankings?month=2026-10", http.StatusOK},
		{"admin", "/api/v1/rankings?month=2026-10&parent=H17", http.StatusOK},
		{"", "/api/v1/rankings?month=2026-10", http.StatusUnauthorized},
	} {
		if rec := f.get(t, c.who, c.path); rec.Code != c.status {
			t.Errorf("%s %s: %d, want %d: %s", c.who, c.path, rec.Code, c.status, rec.Body)
		}
	}
}

func responseID(t *testing.T, f *dashFixture, uid string) int64 {
	t.Helper()
	r, err := f.s.DB.ResponseByUID(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// TestSignedInPagesAreNeverCached: scores, citizens' comments and exports
// stay out of browser and proxy caches, as administration pages do.
func TestSignedInPagesAreNeverCached(t *testing.T) {
	f := newDashFixture(t)
	f.insert(t, "H17.50.1", survey.DefaultID, f.sipasReplies("2026-10", 2))
	for _, p := range []string{"/dashboard", "/dashboard/province", "/dashboard/agency/H17.50", "/dashboard/agency/H17.50/print",
		"/dashboard/agency/H17.50/comments", "/dashboard/agency/H17.50/export.csv", "/dashboard/agency/H17.50/export.xlsx",
		"/dashboard/agency/H17.50/responses.csv", "/dashboard/agency/H17.50/responses.xlsx"} {
		rec := f.get(t, "admin", p+"?month=2026-10")
		if rec.Code >= 400 || !strings.Contains(rec.Header().Get("Cache-Control"), "no-store") {
			t.Errorf("%s: %d, Cache-Control %q", p, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
	if rec := f.get(t, "", "/dashboard/agency/H17.50"); !strings.Contains(rec.Header().Get("Cache-Control"), "no-store") {
		t.Errorf("the redirect to the sign-in form: Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
}
