package web_test

import (
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/kiosk"
	"github.com/sipas-vn/sipas/server/web"
)

// TestKioskWorkerListsTheWholeApp: the served sw.js precaches every file the
// app needs offline and carries the app's version, the same string as the
// served js/version.js, which is the hash the ETag revalidates against.
func TestKioskWorkerListsTheWholeApp(t *testing.T) {
	s := newTestServer(t)
	sw := get(t, s, "/kiosk/sw.js")
	ver := get(t, s, "/kiosk/js/version.js")
	if sw.Code != 200 || ver.Code != 200 {
		t.Fatalf("sw.js %d, version.js %d", sw.Code, ver.Code)
	}
	want := web.KioskVersion(s)
	if len(want) < 12 || !strings.Contains(sw.Body.String(), "const VERSION = '"+want+"';") ||
		!strings.Contains(ver.Body.String(), "APP_VERSION = '"+want+"';") {
		t.Errorf("version %q not in sw.js or version.js:\n%s\n%s", want, sw.Body.String()[:600], ver.Body.String())
	}
	if strings.Contains(sw.Body.String(), "__APP_") || strings.Contains(ver.Body.String(), "__APP_") {
		t.Error("a marker was left unfilled")
	}
	m := regexp.MustCompile(`const SHELL = (\[[^\]]*\]);`).FindStringSubmatch(sw.Body.String())
	if m == nil {
		t.Fatal("no SHELL list in sw.js")
	}
	var shell []string
	if err := json.Unmarshal([]byte(m[1]), &shell); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, f := range shell {
		listed[f] = true
		if f == "./" {
			continue
		}
		if rec := get(t, s, "/kiosk/"+f); rec.Code != 200 {
			t.Errorf("sw.js precaches %s, which answers %d", f, rec.Code)
		}
	}
	n := 0
	_ = fs.WalkDir(kiosk.FS, "app", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f := strings.TrimPrefix(p, "app/")
		switch {
		case f == "index.html":
			f = "./"
		case f == "sw.js", strings.HasPrefix(f, "licenses/"), path.Ext(f) == ".txt":
			return nil
		}
		n++
		if !listed[f] {
			t.Errorf("sw.js does not precache %s", f)
		}
		return nil
	})
	if n < 20 {
		t.Errorf("walked only %d app files", n)
	}
}
