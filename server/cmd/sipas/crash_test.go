package main

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// TestAcknowledgedResponsesSurviveSIGKILL runs the server as a child process
// under load, kills it with SIGKILL mid-stream, and checks that every
// response that got a 201 or 200 is in the database afterwards, and that the
// database is intact. "Acknowledged" must mean "committed".
func TestAcknowledgedResponsesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary; skipped with -short")
	}
	dir := t.TempDir()
	srv := startServer(t, dir, "SIPAS_DEMO=1")
	tokens := addDevices(t, dir, 8)
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	def := cat.Default()
	var (
		mu    sync.Mutex
		acked []string
		stop  = make(chan struct{})
	)
	wg := kioskLoad(srv, def, tokens, 16, nil, stop, func(id string, _ time.Time) {
		mu.Lock()
		acked = append(acked, id)
		mu.Unlock()
	})
	// Kill once a good number is acknowledged and more are in flight,
	// however fast this machine is today.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 || time.Now().After(deadline) {
			break
		}
	}
	srv.kill()
	close(stop)
	wg.Wait()
	if len(acked) < 100 {
		t.Fatalf("only %d responses acknowledged before the kill; the load did not run", len(acked))
	}

	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	stored, err := db.ResponseUIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have := make(map[string]bool, len(stored))
	for _, u := range stored {
		have[u] = true
	}
	missing := 0
	for _, id := range acked {
		if !have[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged responses lost after SIGKILL", missing, len(acked))
	}
	t.Logf("%d acknowledged responses, all present after SIGKILL; %d rows in all", len(acked), len(stored))

	// And the server starts again on the same file.
	srv2 := startServer(t, dir)
	if err := srv2.stop(); err != nil {
		t.Errorf("graceful stop after restart: %v", err)
	}
}
