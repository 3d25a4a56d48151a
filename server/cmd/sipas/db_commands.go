package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sipas-vn/sipas/server/sqlite"
)

// dataDirFlags parses the -data-dir flag (SIPAS_DATA_DIR) shared by the
// commands that work on the database directly.
func dataDirFlags(name string, args []string, getenv func(string) string) (*flag.FlagSet, string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	def := getenv("SIPAS_DATA_DIR")
	if def == "" {
		def = "./data"
	}
	dir := fs.String("data-dir", def, "folder of the database (SIPAS_DATA_DIR)")
	if err := fs.Parse(args); err != nil {
		return nil, "", err
	}
	return fs, filepath.Join(*dir, "sipas.db"), nil
}

func migrate(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	_, path, err := dataDirFlags("migrate", args, getenv)
	if err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, path) // Open applies pending migrations
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Migrations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s\n", path)
	for _, m := range st {
		state := "pending"
		if m.Applied {
			state = "applied " + m.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(stdout, "%05d  %-40s %s\n", m.Version, m.Name, state)
	}
	return nil
}

func backup(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fs, path, err := dataDirFlags("backup", args, getenv)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("backup needs exactly one argument: the file to write, e.g. sipas backup /backups/sipas-2026-11-27.db")
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no database at %s (set -data-dir or SIPAS_DATA_DIR)", path)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", fs.Arg(0))
	return nil
}
