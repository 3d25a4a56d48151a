package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Budgets of UX.md §2, in bytes transferred (gzip is on for responses of
// 1 KB or more): the first page in all, its HTML, its CSS and JS, and the
// inline face sprite (measured uncompressed, as it must stay tiny anyway).
const (
	formBudgetTotal = 30 << 10
	formBudgetHTML  = 12 << 10
	formBudgetCSS   = 10 << 10
	formBudgetJS    = 4 << 10
	formBudgetFaces = 4 << 10
)

var (
	formAssetRE  = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	formSpriteRE = regexp.MustCompile(`(?s)<svg class="f-sprite".*?</svg>`)
	formExtRE    = regexp.MustCompile(`(?:href|src)="(https?:)?//`)
)

// transferred gets path as a phone does and returns the bytes on the wire.
func (env *formEnv) transferred(t *testing.T, path string) (int, string) {
	t.Helper()
	rec := env.do(t, http.MethodGet, path, nil, "Accept-Encoding", "gzip")
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d", path, rec.Code)
	}
	body := rec.Body.String()
	if rec.Header().Get("Content-Encoding") == "gzip" {
		body = "" // the HTML itself is read uncompressed below
	}
	return rec.Body.Len(), body
}

func TestFormPageWeightBudget(t *testing.T) {
	env := newFormEnv(t, 50)
	sipas := env.post(t, "/q/"+formSIPAS, url.Values{})
	firsts := []string{"/q/" + formSIPAS, "/q/" + formQuick, "/q/" + formND61}
	later := []string{sipas, strings.TrimSuffix(sipas, "1") + "3", strings.TrimSuffix(sipas, "1") + "7"}
	for _, path := range append(firsts, later...) {
		htmlSize, _ := env.transferred(t, path)
		page := env.page(t, path)
		if htmlSize > formBudgetHTML {
			t.Errorf("%s: HTML %d bytes transferred, budget %d", path, htmlSize, formBudgetHTML)
		}
		if formExtRE.MatchString(page) {
			t.Errorf("%s loads something from another origin", path)
		}
		if strings.Contains(page, "@font-face") || strings.Contains(page, ".woff") {
			t.Errorf("%s loads a web font", path)
		}
		if faces := len(formSpriteRE.FindString(page)); faces > formBudgetFaces {
			t.Errorf("%s: face sprite %d bytes, budget %d", path, faces, formBudgetFaces)
		}
		css, js := 0, 0
		for _, m := range formAssetRE.FindAllStringSubmatch(page, -1) {
			n, _ := env.transferred(t, m[1])
			switch {
			case strings.HasSuffix(m[1], ".css"):
				css += n
			case strings.HasSuffix(m[1], ".js"):
				js += n
			}
		}
		total := htmlSize + css + js
		t.Logf("%-32s HTML %5d  CSS %5d  JS %4d  faces %4d  total %5d bytes",
			path, htmlSize, css, js, len(formSpriteRE.FindString(page)), total)
		if css > formBudgetCSS || js > formBudgetJS {
			t.Errorf("%s: CSS %d (budget %d), JS %d (budget %d)", path, css, formBudgetCSS, js, formBudgetJS)
		}
		if total > formBudgetTotal {
			t.Errorf("%s: %d bytes in all, budget %d", path, total, formBudgetTotal)
		}
	}
}
