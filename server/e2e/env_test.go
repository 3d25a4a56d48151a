// Package e2e drives the counter-tablet app (kiosk/app) in headless Chromium
// against the real server: real Echo routes, a real SQLite file with the
// demo province, real pairing. Each test gets its own server, database and
// browser profile, so tests cannot leak state into each other.
package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/demo"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// Counters of the demo province used by the tests.
const (
	fullCounter  = "CT-TT-01" // Trung tâm Phục vụ hành chính công: the 19-item SIPAS questionnaire
	quickCounter = "CT-PD-01" // UBND xã Phong Điền: the quick rating (nhanh)
	idleCounter  = "CT-TT-02" // same centre as fullCounter; tests shorten its idle time
)

// env is one server on 127.0.0.1 with its database.
type env struct {
	t      *testing.T
	app    *app.App
	db     *sqlite.DB
	cat    *survey.Catalog
	srv    *httptest.Server
	net    *netSwitch
	URL    string
	seeded map[string]bool // response ids the demo seeder wrote
}

// newEnv builds the server through app.New, as `sipas serve` does, with
// the demo province, starts its background loops, and serves it on a
// loopback port.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with a change to the configuration (HTTPS, say).
func newEnvWith(t *testing.T, change func(*app.Config)) *env {
	t.Helper()
	return newEnvOpts(t, change, nil)
}

// testPINIterations is the PBKDF2 work of the staff PINs the tests make:
// the real 600,000 cost seconds per pairing under the race detector and the
// tablet's JavaScript fallback; TestStaffPINIsSlowToGuessAndLocks keeps it.
const testPINIterations = 1000

// newEnvOpts is newEnvWith with a change to the test seams as well.
//
// The demo province is seeded once per package run (TestMain) and each test
// opens its own copy of that database file: app.New does not seed a
// database that already has agencies, exactly as `sipas serve --demo` on a
// second start.
func newEnvOpts(t *testing.T, change func(*app.Config), changeOpts func(*app.Options)) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	if err := copyDir(demoTemplate, dir); err != nil {
		t.Fatalf("copy the demo database: %v", err)
	}
	cfg := app.Config{DataDir: dir, BaseURL: "http://127.0.0.1", Demo: true, Version: "e2e"}
	if change != nil {
		change(&cfg)
	}
	// Server errors go to the test's output, where a failing test shows them.
	opts := app.Options{Demo: demoOptions, StaffPINIterations: testPINIterations,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	if changeOpts != nil {
		changeOpts(&opts)
	}
	a, err := app.New(ctx, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	a.Start(ctx)
	ns := &netSwitch{next: a.Handler()}
	srv := httptest.NewUnstartedServer(ns)
	srv.Listener.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	// Close the server before the app, so that queued writes are committed.
	t.Cleanup(func() { a.Close() })
	t.Cleanup(srv.Close)
	e := &env{t: t, app: a, db: a.DB, cat: a.Surveys, srv: srv, net: ns, URL: srv.URL, seeded: map[string]bool{}}
	uids, err := a.DB.ResponseUIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range uids {
		e.seeded[u] = true
	}
	return e
}

// demoTemplate is the data folder holding the demo province, seeded once
// by TestMain with demoOptions and copied by every newEnv.
var (
	demoTemplate string
	demoOptions  = &demo.Options{Now: time.Now(), Seed: 1}
)

// seedTemplate seeds the demo province into dir through app.New, lets the
// rollup worker count it, and closes the database (checkpointed), so that a
// copy of dir is a complete, quiet database.
func seedTemplate(ctx context.Context, dir string) error {
	a, err := app.New(ctx, app.Config{DataDir: dir, Demo: true, Version: "e2e"}, app.Options{Demo: demoOptions})
	if err != nil {
		return err
	}
	a.Start(ctx)
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		var last, top int64
		if err := a.DB.Reader().QueryRowContext(ctx, `SELECT (SELECT last_id FROM rollup_state), (SELECT COALESCE(max(id), 0) FROM responses)`).Scan(&last, &top); err != nil {
			a.Close()
			return err
		}
		if last == top {
			break
		}
		if time.Now().After(deadline) {
			a.Close()
			return fmt.Errorf("demo template: rollups at %d of %d", last, top)
		}
	}
	return a.Close()
}

// copyDir copies the regular files of src into dst.
func copyDir(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, ent := range entries {
		if !ent.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, ent.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, ent.Name()), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// waitRollups waits until the rollup worker has counted every stored response.
func (e *env) waitRollups() {
	e.t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		var last, top int64
		e.db.Reader().QueryRowContext(ctx, `SELECT last_id FROM rollup_state`).Scan(&last)
		e.db.Reader().QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM responses`).Scan(&top)
		if last == top {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("rollups at %d of %d", last, top)
		}
	}
}

// counter returns a demo counter by code.
func (e *env) counter(code string) *survey.Counter {
	e.t.Helper()
	c, err := e.db.CounterByCode(context.Background(), code)
	if err != nil {
		e.t.Fatalf("counter %s: %v", code, err)
	}
	return c
}

// pairingCode makes a pairing code for a counter and returns it with the staff PIN.
func (e *env) pairingCode(counter string) (code, pin string) {
	e.t.Helper()
	code, pin, err := e.db.CreatePairingCode(context.Background(), e.counter(counter).ID, survey.CLI, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return code, pin
}

// responses returns the responses the tests sent (not the demo's), oldest sequence first.
func (e *env) responses() []*survey.Response {
	e.t.Helper()
	ctx := context.Background()
	uids, err := e.db.ResponseUIDs(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []*survey.Response
	for _, u := range uids {
		if e.seeded[u] {
			continue
		}
		r, err := e.db.ResponseByUID(ctx, u)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *survey.Response) int { return int(a.DeviceSeq - b.DeviceSeq) })
	return out
}

// waitResponses waits until exactly n test responses are stored, then
// checks that no more arrive for a moment.
func (e *env) waitResponses(n int, timeout time.Duration) []*survey.Response {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		rs := e.responses()
		if len(rs) > n {
			e.t.Fatalf("%d responses stored, want %d", len(rs), n)
		}
		if len(rs) == n {
			return rs
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("after %v: %d responses stored, want %d", timeout, len(rs), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// netSwitch sits in front of the server and can cut the network: while
// down, every connection is closed without an answer, as when the counter's
// network is gone. It can also let a response through but lose the answer,
// as when a proxy times out just after the server committed.
type netSwitch struct {
	next     http.Handler
	down     atomic.Bool
	loseNext atomic.Int32 // lose the answers of this many more POST /api/v1/responses
	mu       sync.Mutex
	posts    int // POST /api/v1/responses that reached the server
}

func (n *netSwitch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if n.down.Load() {
		hangUp(w)
		return
	}
	isPost := r.Method == http.MethodPost && r.URL.Path == "/api/v1/responses"
	if isPost {
		n.mu.Lock()
		n.posts++
		n.mu.Unlock()
	}
	if isPost && n.loseNext.Load() > 0 {
		n.loseNext.Add(-1)
		// The server commits, then a proxy on the way back gives up. (A
		// dropped connection would not do: Chromium itself silently resends
		// a request whose reused connection closes without an answer.)
		n.next.ServeHTTP(httptest.NewRecorder(), r)
		http.Error(w, "upstream timed out", http.StatusBadGateway)
		return
	}
	n.next.ServeHTTP(w, r)
}

// responsePosts is how many response POSTs reached the server.
func (n *netSwitch) responsePosts() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.posts
}

func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("e2e: response writer cannot hijack")
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	_ = buf.Flush()
	_ = conn.Close()
}
