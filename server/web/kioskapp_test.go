package web

import (
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sipas-vn/sipas/kiosk"
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
	want := s.kiosk.version()
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

// TestKioskVersionFollowsEveryFile: changing any file of the app gives a new
// version, so no change can stay behind a tablet's cache-first shell; a
// worker without its markers is refused at start, not served half-written.
func TestKioskVersionFollowsEveryFile(t *testing.T) {
	app := func(css string) fstest.MapFS {
		return fstest.MapFS{
			"app/index.html":     {Data: []byte("<!doctype html>")},
			"app/sw.js":          {Data: []byte("const VERSION = '__APP_VERSION__';\nconst SHELL = ['__APP_SHELL__'];\n")},
			"app/js/version.js":  {Data: []byte("export const APP_VERSION = '__APP_VERSION__';\n")},
			"app/css/kiosk.css":  {Data: []byte(css)},
			"app/licenses/x.txt": {Data: []byte("MIT")},
		}
	}
	a, err := newKioskApp(app("body{}"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := newKioskApp(app("body{color:red}"))
	if err != nil {
		t.Fatal(err)
	}
	if a.version() == b.version() {
		t.Errorf("a changed stylesheet kept version %s", a.version())
	}
	wantSW := "const VERSION = '" + a.version() + "';\nconst SHELL = [\"./\",\"css/kiosk.css\",\"js/version.js\"];\n"
	if got := string(a.filled["sw.js"]); got != wantSW {
		t.Errorf("sw.js:\n got %q\nwant %q", got, wantSW)
	}
	broken := app("")
	broken["app/sw.js"] = &fstest.MapFile{Data: []byte("const VERSION = '2026.1';\nconst SHELL = ['__APP_SHELL__'];\n")}
	if _, err := newKioskApp(broken); err == nil || !strings.Contains(err.Error(), "__APP_VERSION__") {
		t.Errorf("a worker without its version marker: %v", err)
	}
}
