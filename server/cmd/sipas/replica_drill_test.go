package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/sipas-vn/sipas/server/replica"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// TestReplicaDrill is the failover drill of docs/operations.md as a test:
// the real binary replicates to a folder under a few hundred kiosk
// responses a second, dies by SIGKILL, and `sipas restore` rebuilds the
// database from the replica into an empty folder, where a server starts.
// Every response acknowledged more than replica.SyncInterval before the
// kill must be there, none twice, and the copy must be intact.
func TestReplicaDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary; skipped with -short")
	}
	dir, rep, standby := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "standby")
	srv := startServer(t, dir, "SIPAS_DEMO=1", "SIPAS_REPLICA=file://"+rep)
	tokens := addDevices(t, dir, 8)
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	def := cat.Default()

	type ack struct {
		id string
		at time.Time
	}
	var (
		mu    sync.Mutex
		acked []ack
		stop  = make(chan struct{})
	)
	// A few hundred responses a second, as the issue asks.
	wg := kioskLoad(srv, def, tokens, 16, rate.NewLimiter(300, 16), stop, func(id string, at time.Time) {
		mu.Lock()
		acked = append(acked, ack{id, at})
		mu.Unlock()
	})
	time.Sleep(4 * time.Second)
	killed := time.Now()
	srv.kill()
	close(stop)
	wg.Wait()
	if len(acked) < 500 {
		t.Fatalf("only %d responses acknowledged before the kill; the load did not run", len(acked))
	}

	start := time.Now()
	out, err := exec.Command(binary(t), "restore", "--from", "file://"+rep, "--data-dir", standby).CombinedOutput()
	if err != nil {
		t.Fatalf("sipas restore: %v\n%s", err, out)
	}
	took := time.Since(start)
	for _, want := range []string{"integrity_check: ok", "rollups: equal to a recount"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("restore output lacks %q:\n%s", want, out)
		}
	}

	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(standby, "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	stored, err := db.ResponseUIDs(ctx)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	have := make(map[string]int, len(stored))
	for _, u := range stored {
		have[u]++
	}
	var lost, lostOld int
	var recoveryPoint time.Duration // age at the kill of the oldest acknowledged response not restored
	for _, a := range acked {
		if have[a.id] > 1 {
			t.Errorf("response %s restored %d times", a.id, have[a.id])
		}
		if have[a.id] == 0 {
			lost++
			age := killed.Sub(a.at)
			recoveryPoint = max(recoveryPoint, age)
			if age > replica.SyncInterval {
				lostOld++
			}
		}
	}
	if lostOld > 0 {
		t.Errorf("%d responses acknowledged more than %s before the kill are missing from the restored copy", lostOld, replica.SyncInterval)
	}
	t.Logf("drill: %d acknowledged in 4 s, %d not on the replica at the kill (recovery point %s); restore took %s",
		len(acked), lost, recoveryPoint.Round(time.Millisecond), took.Round(time.Millisecond))

	// The standby serves from the restored folder.
	srv2 := startServer(t, standby)
	if err := srv2.stop(); err != nil {
		t.Errorf("graceful stop of the standby: %v", err)
	}
}

// TestRestoreRefusesNonEmptyFolder: a restore never overwrites a database.
func TestRestoreRefusesNonEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sipas.db"), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"restore", "--from", "file:///nowhere", "--data-dir", dir}, &bytes.Buffer{}, &bytes.Buffer{}, env(nil))
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("want a refusal of the non-empty folder, got %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "sipas.db")); string(b) != "old" {
		t.Error("the old file was touched")
	}
	err = run(context.Background(), []string{"restore", "--from", "ftp://x/y", "--data-dir", t.TempDir()}, &bytes.Buffer{}, &bytes.Buffer{}, env(nil))
	if err == nil || !strings.Contains(err.Error(), "--from") {
		t.Fatalf("want a bad --from error, got %v", err)
	}
	err = run(context.Background(), []string{"restore", "--from", "file:///x", "--data-dir", t.TempDir(), "--timestamp", "yesterday"}, &bytes.Buffer{}, &bytes.Buffer{}, env(nil))
	if err == nil || !strings.Contains(err.Error(), "--timestamp") {
		t.Fatalf("want a bad --timestamp error, got %v", err)
	}
}

// TestRestoreWithoutRecount: a standby can skip the slow recount; the
// integrity check and the row counts still run.
func TestRestoreWithoutRecount(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sipas.db"), sqlite.ExternalCheckpoints())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	target := "file://" + t.TempDir()
	r, err := replica.Start(ctx, db.Path, replica.Config{URL: target, MaxLag: time.Minute}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"restore", "--from", target, "--data-dir", t.TempDir(), "--recount=false"}, &out, &out, env(nil)); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"integrity_check: ok", "goose_db_version", "rollups: not recounted"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
