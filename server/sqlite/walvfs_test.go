package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// walWrites is how many writes the gathering WAL files have handed to the
// unix VFS so far.
func walWrites() int64 {
	walVFS.mu.Lock()
	defer walVFS.mu.Unlock()
	var n int64
	for _, g := range walVFS.files {
		n += g.writes
	}
	return n
}

// The write pool gathers a WAL file's writes (walvfs.go), yet every
// committed transaction must be in the file at once, synced or not: the
// other connections and processes read it, and a crash leaves what is
// there. With no sync at all (synchronous OFF) and no checkpoint, the test
// copies the database and its WAL after each commit, as a crash would
// leave them, and opens the copy through SQLite's own unix VFS: it must
// hold every row. The second transaction outgrows a ten-page cache, so
// SQLite writes frames before the commit, writes some of them again, and
// mends their checksums at the end; a checksum left in memory would make
// the copy's recovery stop before that transaction.
func TestWALGatherLeavesEveryCommitInTheFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, filepath.Join(dir, "sipas.db"), ExternalCheckpoints())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{
		`PRAGMA synchronous = OFF`,
		`CREATE TABLE gathered (id INTEGER PRIMARY KEY, v BLOB NOT NULL)`,
		`CREATE INDEX gathered_v ON gathered (v)`,
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	insert := func(rows, size int) {
		t.Helper()
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range rows {
			v := make([]byte, size)
			rand.Read(v)
			if _, err := tx.ExecContext(ctx, `INSERT INTO gathered (v) VALUES (?)`, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	copied := func(round string) (rows int, bytes int64) {
		t.Helper()
		into := filepath.Join(dir, round)
		if err := os.Mkdir(into, 0o750); err != nil {
			t.Fatal(err)
		}
		for _, suffix := range []string{"", "-wal"} { // no -shm: the copy rebuilds it from the WAL
			copyFile(t, filepath.Join(dir, "sipas.db"+suffix), filepath.Join(into, "sipas.db"+suffix))
		}
		r, err := sql.Open("sqlite", "file:"+filepath.Join(into, "sipas.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if err := r.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(v)), 0) FROM gathered`).Scan(&rows, &bytes); err != nil {
			t.Fatalf("%s: %v", round, err)
		}
		var check string
		if err := r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Fatalf("%s: integrity_check %q, %v", round, check, err)
		}
		return rows, bytes
	}

	before := walWrites()
	insert(60, 400) // ~25 frames, each written as a header and a page
	if n := walWrites() - before; n < 1 || n > 3 {
		t.Errorf("a small transaction took %d writes; gathered, it takes one or two", n)
	}
	if rows, bytes := copied("small"); rows != 60 || bytes != 60*400 {
		t.Errorf("after a small transaction the files hold %d rows, %d bytes; want 60, %d", rows, bytes, 60*400)
	}

	if _, err := c.ExecContext(ctx, `PRAGMA cache_size = 10`); err != nil {
		t.Fatal(err)
	}
	insert(1500, 1000)
	if rows, bytes := copied("spilled"); rows != 1560 || bytes != 60*400+1500*1000 {
		t.Errorf("after a transaction larger than the cache the files hold %d rows, %d bytes; want 1560, %d", rows, bytes, 60*400+1500*1000)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// A full buffer is written out wherever the next write falls, also between
// a commit frame's header and its page: the page must still be written at
// once. With a buffer of three frames and a bit, transactions of 1–40 rows
// put that boundary everywhere, the commit's page included; every commit
// must be in the files at once, as above.
func TestWALGatherWritesACommitSplitByAFullBuffer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, filepath.Join(dir, "sipas.db"), ExternalCheckpoints())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{`PRAGMA synchronous = OFF`, `CREATE TABLE gathered (id INTEGER PRIMARY KEY, v BLOB NOT NULL)`} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	walVFS.mu.Lock()
	for _, g := range walVFS.files {
		g.max = 3*(walFrameHeader+4096) + walFrameHeader + 100
	}
	walVFS.mu.Unlock()
	want := 0
	for round := range 40 {
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range round + 1 {
			v := make([]byte, 1500)
			rand.Read(v)
			if _, err := tx.ExecContext(ctx, `INSERT INTO gathered (v) VALUES (?)`, v); err != nil {
				t.Fatal(err)
			}
			want++
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		into := filepath.Join(dir, fmt.Sprint(round))
		if err := os.Mkdir(into, 0o750); err != nil {
			t.Fatal(err)
		}
		for _, suffix := range []string{"", "-wal"} {
			copyFile(t, filepath.Join(dir, "sipas.db"+suffix), filepath.Join(into, "sipas.db"+suffix))
		}
		r, err := sql.Open("sqlite", "file:"+filepath.Join(into, "sipas.db"))
		if err != nil {
			t.Fatal(err)
		}
		var rows int
		err = r.QueryRowContext(ctx, `SELECT count(*) FROM gathered`).Scan(&rows)
		r.Close()
		if err != nil || rows != want {
			t.Fatalf("after commit %d the files hold %d rows (%v); want %d", round, rows, err, want)
		}
	}
}
