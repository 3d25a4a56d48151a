package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/pressly/goose/v3"
)

// migrations are numbered .sql files, applied in order, each in its own
// transaction, forward only.
//
//go:embed migrations/*.sql
var migrations embed.FS

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, db.write, sub)
}

// Migrate applies every pending migration. Two processes may open a new
// database at once (the server starting, and `sipas tls ca` beside it):
// an advisory lock on a file beside the database lets one migrate while the
// other waits, then finds nothing pending.
func (db *DB) Migrate(ctx context.Context) error {
	if db.Path != "" {
		f, err := os.OpenFile(db.Path+".migrate-lock", os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer f.Close()
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	}
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Migrations reports each known migration and whether it is applied.
func (db *DB) Migrations(ctx context.Context) ([]MigrationStatus, error) {
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{
			Version:   s.Source.Version,
			Name:      s.Source.Path,
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}
