package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/sipas-vn/sipas/server/replica"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// restoreCmd: `sipas restore --from URL --data-dir DIR [--timestamp T]`
// rebuilds the database from a replica into an empty folder, then checks
// it: integrity_check, the rows of every table, and the monthly counts
// against a recount from the raw responses.
func restoreCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fl := flag.NewFlagSet("restore", flag.ContinueOnError)
	from := fl.String("from", getenv("SIPAS_REPLICA"), "the replica: file:///folder, sftp://user@host/folder or s3://bucket/folder (SIPAS_REPLICA)")
	dir := fl.String("data-dir", "", "an empty (or new) folder to restore into; required")
	at := fl.String("timestamp", "", "restore the state as of this time (RFC 3339, e.g. 2026-12-04T09:30:00+07:00); default the latest")
	key := fl.String("sftp-key", getenv("SIPAS_REPLICA_SFTP_KEY"), "sftp replica: private key file (SIPAS_REPLICA_SFTP_KEY)")
	recount := fl.Bool("recount", true, "compare the monthly counts with a recount of every response (minutes on millions of responses; --recount=false to start a standby sooner)")
	hostKey := fl.String("sftp-host-key", getenv("SIPAS_REPLICA_SFTP_HOST_KEY"), "sftp replica: the server's public key (SIPAS_REPLICA_SFTP_HOST_KEY)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fl.Arg(0))
	}
	if *from == "" || *dir == "" {
		return errors.New("usage: sipas restore --from URL --data-dir DIR [--timestamp RFC3339]")
	}
	opt := replica.RestoreOptions{Config: replica.Config{URL: *from, SFTPKeyFile: *key, SFTPHostKey: *hostKey}}
	if err := replica.ValidateURL(*from); err != nil {
		return fmt.Errorf("--from: %v", err)
	}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return fmt.Errorf("--timestamp %q is not an RFC 3339 time such as 2026-12-04T09:30:00+07:00", *at)
		}
		opt.At = t
	}
	if err := emptyFolder(*dir); err != nil {
		return err
	}
	opt.Path = filepath.Join(*dir, "sipas.db")
	start := time.Now()
	if err := replica.Restore(ctx, opt); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "restored %s from %s in %s\n", opt.Path, replica.Redact(*from), took.Round(time.Millisecond))
	return verifyRestored(ctx, opt.Path, *recount, stdout, getenv)
}

// emptyFolder refuses a folder that holds anything: a restore never
// overwrites a database, not even an old one.
func emptyFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--data-dir %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("--data-dir %s is not empty; restore into a new or empty folder", dir)
	}
	return nil
}

// verifyRestored opens the restored file as the server would (migrations
// included) and checks it; recount compares the monthly counts with a
// rebuild, the slow part on a large database.
func verifyRestored(ctx context.Context, path string, recount bool, stdout io.Writer, getenv func(string) string) error {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return fmt.Errorf("open restored database: %w", err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "integrity_check: ok")
	counts, err := db.CountRows(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "rows:")
	for _, c := range counts {
		fmt.Fprintf(stdout, "  %-28s %d\n", c.Table, c.Rows)
	}
	if !recount {
		fmt.Fprintln(stdout, "rollups: not recounted (--recount=false)")
		return nil
	}
	start := time.Now()
	// The recount needs the questionnaires the server uses: the built-in
	// ones unless SIPAS_SURVEY_DIR says otherwise.
	var defs fs.FS = surveydefs.FS
	if d := getenv("SIPAS_SURVEY_DIR"); d != "" {
		defs = os.DirFS(d)
	}
	cat, err := survey.Load(defs)
	if err != nil {
		return err
	}
	same, err := db.NewRollup(cat).MatchesRebuild(ctx)
	if err != nil {
		return fmt.Errorf("recount the monthly counts: %w", err)
	}
	if !same {
		fmt.Fprintf(stdout, "rollups: differed from a recount of the raw responses; replaced by the recount (%s)\n", time.Since(start).Round(time.Millisecond))
		return nil
	}
	fmt.Fprintf(stdout, "rollups: equal to a recount of the raw responses (%s)\n", time.Since(start).Round(time.Millisecond))
	return nil
}
