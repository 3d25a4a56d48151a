package web

import (
	"strings"
	"testing"
	"testing/fstest"
)

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
