package e2e

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/assets"
	"github.com/sipas-vn/sipas/kiosk"
	"github.com/sipas-vn/sipas/server/i18n"
)

// appFile reads a file of the kiosk app.
func appFile(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(kiosk.FS, "app/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// appFiles lists the files of the kiosk app, relative to app/.
func appFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := fs.WalkDir(kiosk.FS, "app", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		out = append(out, strings.TrimPrefix(p, "app/"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAppLoadsNothingFromOutside: counters sit on closed networks, and the
// server's CSP forbids inline scripts and styles.
func TestAppLoadsNothingFromOutside(t *testing.T) {
	url := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	for _, f := range appFiles(t) {
		if strings.HasPrefix(f, "licenses/") || path.Ext(f) == ".woff2" || path.Ext(f) == ".txt" {
			continue
		}
		src := appFile(t, f)
		for _, m := range url.FindAllString(src, -1) {
			if m == "http://www.w3.org" { // the SVG namespace, a name, not a request
				continue
			}
			// Comments may cite sources; code may not load them.
			line := src[strings.LastIndex(src[:strings.Index(src, m)], "\n")+1:]
			line = line[:strings.IndexByte(line+"\n", '\n')]
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "//") || strings.HasPrefix(trimmed, "*") || strings.HasPrefix(trimmed, "/*") {
				continue
			}
			t.Errorf("%s refers to %s: %q", f, m, trimmed)
		}
	}
	html := appFile(t, "index.html")
	for _, bad := range []string{"<style", "style=", "<script>", "onclick", "onload="} {
		if strings.Contains(html, bad) {
			t.Errorf("index.html has %q, which the CSP blocks", bad)
		}
	}
	for _, f := range appFiles(t) {
		if path.Ext(f) == ".js" && regexp.MustCompile(`setAttribute\(\s*'style'|\.innerHTML\s*=\s*[^'"]*\+`).MatchString(appFile(t, f)) {
			t.Errorf("%s writes a style attribute or builds innerHTML from data", f)
		}
	}
}

// TestEveryKioskMessageExists: each kiosk.* ID the app uses is in both
// languages, and each kiosk.* ID in the locale files is used by the app.
func TestEveryKioskMessageExists(t *testing.T) {
	b, err := i18n.New(assets.FS, "vi")
	if err != nil {
		t.Fatal(err)
	}
	var js strings.Builder
	for _, f := range appFiles(t) {
		if path.Ext(f) == ".js" {
			js.WriteString(appFile(t, f))
		}
	}
	src := js.String()
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`'(kiosk\.[a-z0-9_.]+)'`).FindAllStringSubmatch(src, -1) {
		used[m[1]] = true
	}
	if len(used) < 50 {
		t.Fatalf("found only %d message IDs in the app", len(used))
	}
	for id := range used {
		for _, lang := range i18n.Supported {
			if !b.Localizer(lang).Has(id) {
				t.Errorf("%s: the app uses %q, which is missing", lang, id)
			}
		}
	}
	for _, lang := range i18n.Supported {
		for _, id := range b.MessageIDs(lang) {
			if strings.HasPrefix(id, "kiosk.") && !used[id] {
				t.Errorf("%s: %q is defined but the app never shows it", lang, id)
			}
		}
	}
	// The language switch names each language in its own script.
	for _, id := range []string{"lang.vi", "lang.en"} {
		if !slices.Contains(b.MessageIDs("vi"), id) {
			t.Errorf("missing %s", id)
		}
	}
}
