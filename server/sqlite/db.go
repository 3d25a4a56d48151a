// Package sqlite stores everything in one SQLite file through modernc.org/sqlite
// (pure Go, no cgo). One writer connection serialises writes, a pool of
// readers serves queries; both run in WAL mode with synchronous=FULL, so a
// committed transaction survives a power cut, not only a process crash.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	driver "modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sipas-vn/sipas/server/survey"
)

// DB is the opened database: a single-connection writer and a reader pool.
type DB struct {
	Path  string
	write *sql.DB
	read  *sql.DB
	ckpt  *sql.DB       // checkpoints, off the writer's path
	stop  chan struct{} // ends the checkpointer
	done  chan struct{}

	// See checkpointer.step; tests lower both.
	walRestartFrames int
	checkpointEvery  time.Duration

	// StaffPINIterations is the PBKDF2 work of staff PIN verifiers made from
	// now on; 0 means auth.StaffPINIterations. Tests that pair many tablets
	// for other reasons lower it; the kiosk follows whatever its config says.
	StaffPINIterations int

	// externalCheckpoints: a replicator (Litestream) checkpoints instead of
	// startCheckpointer; see ExternalCheckpoints.
	externalCheckpoints bool

	agencyMu    sync.Mutex
	agencyCache *survey.Tree // see AgencyTree

	upsertsMu sync.Mutex
	upserts   upsertStmts // see rollupUpserts
}

// pragmas go into the DSN so that every pooled connection gets them;
// busy_timeout first so that the others wait instead of failing.
var pragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(FULL)",
	"foreign_keys(1)",
	"temp_store(MEMORY)",
	"cache_size(-8000)", // 8 MB a connection; the OS page cache holds the rest
	// A WAL that grew (a burst of writes without a pause, a long reader) is
	// cut back to this when it starts over, instead of keeping its largest
	// size on disk.
	"journal_size_limit(67108864)",
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// BEGIN IMMEDIATE: take the write lock at the start, never upgrade mid-transaction.
		q.Set("_txlock", "immediate")
		// Commits never checkpoint (startCheckpointer): here, so that a
		// connection the pool opens again keeps it too.
		q.Add("_pragma", "wal_autocheckpoint(0)")
		// Its WAL writes gathered (walvfs.go, decision 21). Open reports
		// a failed registration; SQLite would only say "no such vfs".
		registerWALVFS()
		q.Set("vfs", walVFSName)
	}
	return "file:" + path + "?" + q.Encode()
}

// pingWhileBusy opens the first connection. A new file's first connection
// switches it to WAL, which takes a lock SQLite's busy handler does not wait
// for: two processes opening the same new file at once (the server and
// `sipas tls ca` beside it) could see SQLITE_BUSY; the later one tries again.
func pingWhileBusy(ctx context.Context, w *sql.DB) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := w.PingContext(ctx)
		var se *driver.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Option changes how Open sets the database up.
type Option func(*DB)

// ExternalCheckpoints leaves checkpoints to a replicator. Litestream must see
// every WAL frame before it is checkpointed, so it holds a read transaction
// and checkpoints itself after each copy (ADR 0018); our own checkpointer
// stays off, and commits still never checkpoint (wal_autocheckpoint(0) in
// the write pool's DSN).
func ExternalCheckpoints() Option { return func(db *DB) { db.externalCheckpoints = true } }

// Open opens (creating if needed) the database file at path and applies
// pending migrations.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	if err := registerWALVFS(); err != nil {
		return nil, err
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := pingWhileBusy(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{Path: path, write: w, walRestartFrames: walRestartFrames}
	for _, o := range opts {
		o(db)
	}
	if err := db.Migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, err
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.read = r
	if err := db.startCheckpointer(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close stops the checkpointer and closes the pools. The last connection
// to close checkpoints the WAL into the database file.
func (db *DB) Close() error {
	errs := []error{db.stopCheckpointer()}
	db.upsertsMu.Lock()
	db.upserts.close()
	db.upserts = nil
	db.upsertsMu.Unlock()
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	return errors.Join(append(errs, db.write.Close())...)
}

// Writer returns the single writer connection pool, for the group-commit writer.
func (db *DB) Writer() *sql.DB { return db.write }

// Reader returns the read-only pool.
func (db *DB) Reader() *sql.DB { return db.read }

// Ping checks that the database answers and that the writer can write:
// a read-only or full disk shows here, which is what /readyz wants to know.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, "INSERT INTO health (id, checked_at) VALUES (1, datetime('now')) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at")
	return err
}

// tx runs fn in a write transaction and commits it; fn's error rolls back.
func (db *DB) tx(ctx context.Context, fn func(*sqlTx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
