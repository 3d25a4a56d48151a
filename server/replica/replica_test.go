package replica

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/sqlite"
)

func TestValidateURL(t *testing.T) {
	for _, ok := range []string{"file:///mnt/disk2/sipas", "sftp://backup@10.0.0.2:2222/srv/sipas", "sftp://u:p@h/x", "s3://bucket/sipas", "s3://bucket/sipas?endpoint=minio.local:9000"} {
		if err := ValidateURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	if err := (Config{URL: "sftp://u@h/x", MaxLag: time.Second, SFTPHostKey: "not a key"}).Validate(); err == nil {
		t.Error("a malformed SFTP host key was accepted")
	}
	for _, bad := range []string{"", "/mnt/disk2", "file://rel/dir", "file:///", "sftp://host/x", "sftp://u@h", "s3://bucket", "s3:///x", "gs://b/x", "::"} {
		if err := ValidateURL(bad); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
	if err := ValidateURL("sftp://u:hunter2@h"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the password must not appear in the error: %v", err)
	}
	if got := Redact("sftp://u:hunter2@h/x"); strings.Contains(got, "hunter2") {
		t.Errorf("Redact kept the password: %s", got)
	}
}

// logBuffer collects log lines from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// primary is a real database (the project's schema, WAL, FULL sync) with
// its checkpoints left to the replicator, as `sipas serve` opens it.
func primary(t *testing.T, cfg Config) (*sqlite.DB, *Replicator, *logBuffer) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sipas.db"), sqlite.ExternalCheckpoints())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if cfg.MaxLag == 0 {
		cfg.MaxLag = 10 * time.Second
	}
	logs := &logBuffer{}
	r, err := Start(ctx, db.Path, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(context.Background()) })
	if _, err := db.Writer().ExecContext(ctx, `CREATE TABLE drill (n INTEGER PRIMARY KEY, note TEXT)`); err != nil {
		t.Fatal(err)
	}
	return db, r, logs
}

// write commits n rows, one transaction each, numbered from first.
func write(t *testing.T, w *sql.DB, first, n int) {
	t.Helper()
	for i := first; i < first+n; i++ {
		if _, err := w.Exec(`INSERT INTO drill (n, note) VALUES (?, ?)`, i, fmt.Sprintf("row %d", i)); err != nil {
			t.Fatal(err)
		}
	}
}

// waitInStep copies what is committed to the replica, then waits until the
// status, sampled as the watcher does, shows it in step.
func waitInStep(t *testing.T, r *Replicator, within time.Duration) Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(within)
	for {
		st := r.Status()
		if st.InStep() && st.Lag == 0 && !st.LastSync.IsZero() {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica not in step after %s: %+v", within, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// restoredRows restores cfg's replica into a new folder and counts its rows.
func restoredRows(t *testing.T, cfg Config, at time.Time) int {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "restored", "sipas.db")
	if err := Restore(ctx, RestoreOptions{Config: cfg, Path: path, At: at}); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM drill`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// replicateAndRestore is the round trip every kind of target must make.
func replicateAndRestore(t *testing.T, cfg Config) {
	db, r, _ := primary(t, cfg)
	write(t, db.Writer(), 1, 200)
	first := waitInStep(t, r, 20*time.Second)
	if first.Replicated == 0 || first.Target != Redact(cfg.URL) {
		t.Fatalf("status after sync: %+v", first)
	}
	mid := time.Now()
	// SFTP keeps file times in whole seconds, and a restore to a time reads
	// them: the second batch goes into the next second.
	time.Sleep(mid.Truncate(time.Second).Add(time.Second + 50*time.Millisecond).Sub(mid))
	write(t, db.Writer(), 201, 50)
	second := waitInStep(t, r, 20*time.Second)
	if second.Replicated <= first.Replicated {
		t.Errorf("position did not move: %d then %d", first.Replicated, second.Replicated)
	}
	if got := restoredRows(t, cfg, time.Time{}); got != 250 {
		t.Errorf("latest restore has %d rows, want 250", got)
	}
	if got := restoredRows(t, cfg, mid); got != 200 {
		t.Errorf("point-in-time restore has %d rows, want the 200 written before %s", got, mid.Format(time.RFC3339Nano))
	}
}

func TestFileReplica(t *testing.T) {
	replicateAndRestore(t, Config{URL: "file://" + t.TempDir()})
}

func TestRestoreFromEmptyReplicaSaysSo(t *testing.T) {
	err := Restore(context.Background(), RestoreOptions{Config: Config{URL: "file://" + t.TempDir()}, Path: filepath.Join(t.TempDir(), "sipas.db")})
	if err == nil || !strings.Contains(err.Error(), "nothing to restore") {
		t.Fatalf("want 'nothing to restore', got %v", err)
	}
}
