package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// The service worker keeps the tablet app offline and fetches a new copy
// only when sw.js changes, so the app's version and its list of files must
// follow every change to any file. Both are written here from the embedded
// files instead of by hand: the version is the hash of the whole app (the
// same hash as the ETag), the list is every file the shell needs.
const (
	versionMarker = `'__APP_VERSION__'` // in sw.js and js/version.js
	shellMarker   = `['__APP_SHELL__']` // in sw.js
)

// kioskApp is the tablet app as served: the embedded files, their hash, and
// the two files that carry the version, filled in.
type kioskApp struct {
	*staticFiles
	filled map[string][]byte // sw.js and js/version.js with the markers replaced
}

func newKioskApp(fsys fs.FS) (*kioskApp, error) {
	st, err := newStaticFiles(fsys, "app")
	if err != nil {
		return nil, err
	}
	shell, err := kioskShell(st.fsys)
	if err != nil {
		return nil, err
	}
	list, err := json.Marshal(shell)
	if err != nil {
		return nil, err
	}
	version := []byte(`'` + st.hash + `'`)
	app := &kioskApp{staticFiles: st, filled: map[string][]byte{}}
	for name, markers := range map[string][]string{"sw.js": {versionMarker, shellMarker}, "js/version.js": {versionMarker}} {
		b, err := fs.ReadFile(st.fsys, name)
		if err != nil {
			return nil, fmt.Errorf("kiosk app: %w", err)
		}
		for _, m := range markers {
			if !bytes.Contains(b, []byte(m)) {
				return nil, fmt.Errorf("kiosk app: %s lacks the marker %s that the server fills in", name, m)
			}
		}
		b = bytes.ReplaceAll(b, []byte(versionMarker), version)
		b = bytes.ReplaceAll(b, []byte(shellMarker), list)
		app.filled[name] = b
	}
	return app, nil
}

// version is the app's version, as js/version.js and sw.js carry it.
func (a *kioskApp) version() string { return a.hash }

// kioskShell lists what the service worker precaches: the page (as "./"),
// scripts, styles, fonts and images; not the worker itself, nor licences.
func kioskShell(fsys fs.FS) ([]string, error) {
	out := []string{"./"}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if p == "sw.js" || strings.HasPrefix(p, "licenses/") {
			return nil
		}
		switch path.Ext(p) {
		case ".js", ".css", ".woff2", ".svg", ".png", ".ico", ".webmanifest":
			out = append(out, p)
		}
		return nil
	})
	slices.Sort(out[1:])
	return out, err
}
