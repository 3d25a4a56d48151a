// Package e2e drives the counter-tablet app (kiosk/app) in headless Chromium
// against the real server: real Echo routes, a real SQLite file with the
// demo province, real pairing. Each test gets its own server, database and
// browser profile, so tests cannot leak state into each other.
package e2e

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/assets"
	"github.com/sipas-vn/sipas/kiosk"
	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/demo"
	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/metrics"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
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
	db     *sqlite.DB
	cat    *survey.Catalog
	srv    *httptest.Server
	net    *netSwitch
	URL    string
	seeded map[string]bool // response ids the demo seeder wrote
}

// newEnv builds the server as cmd/sipas does, seeds the demo province and
// serves it on a loopback port.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.New(assets.FS, "vi")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.RegisterSurveys(ctx, cat.All()); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, db, cat, demo.Options{Now: time.Now(), Seed: 1}); err != nil {
		t.Fatal(err)
	}
	key, err := db.Secret(ctx, "dossier_code_key", 32)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := auth.NewCodes(key)
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	clock := survey.SystemClock{}
	coll := collect.New(collect.Config{DB: db, Surveys: cat, Codes: codes, Clock: clock,
		Rules: collect.DefaultRules(), Metrics: m, Limits: collect.NewLimiter(3*time.Minute, 5)})
	s, err := web.New(web.Deps{DB: db, Surveys: cat, I18n: bundle, Metrics: m,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Assets: assets.FS, Kiosk: kiosk.FS,
		Clock: clock, Collect: coll, Codes: codes, AuthLimits: collect.NewLimiter(6*time.Second, 10),
		Version: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	ns := &netSwitch{next: s.Handler()}
	srv := httptest.NewUnstartedServer(ns)
	srv.Listener.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	// Close the server before the collector so queued writes are committed.
	t.Cleanup(coll.Close)
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, cat: cat, srv: srv, net: ns, URL: srv.URL, seeded: map[string]bool{}}
	uids, err := db.ResponseUIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range uids {
		e.seeded[u] = true
	}
	return e
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
	code, pin, err := e.db.CreatePairingCode(context.Background(), e.counter(counter).ID, time.Now(), 10*time.Minute)
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
