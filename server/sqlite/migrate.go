package sqlite

import (
	"cmp"
	"context"
	"database/sql"
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
	return goose.NewProvider(goose.DialectSQLite3, db.write, sub,
		goose.WithGoMigrations(goose.NewGoMigration(18, &goose.GoFunc{RunTx: channelCheckWithoutTempTable}, nil)))
}

// goMigrations name the migrations written in Go, for `sipas migrate`.
var goMigrations = map[int64]string{18: "00018 channel check without a temporary table (Go: migrate.go)"}

// Migration 18 is in Go because it needs a computed PRAGMA value.
//
// responses' CHECK (channel IN ('kiosk', 'qr', 'web', 'paper')) made SQLite
// build a temporary b-tree of the four values for every inserted row, ~3 µs
// of the group-commit writer's serial time a response (BenchmarkWriterCommit,
// decision 14). The same rule written with = and OR is a few comparisons.
// Changing a CHECK constraint to an equivalent one leaves every stored row
// valid, so it is done the way SQLite documents for such changes (ALTER
// TABLE, "making other kinds of table schema changes"): edit the table's
// text in sqlite_schema and move the schema version on, in one transaction,
// instead of rebuilding ten million rows.
const (
	channelCheckIn = `channel IN ('kiosk', 'qr', 'web', 'paper')`
	channelCheckOr = `channel = 'kiosk' OR channel = 'qr' OR channel = 'web' OR channel = 'paper'`
)

func channelCheckWithoutTempTable(ctx context.Context, tx *sql.Tx) error {
	var version int64
	if err := tx.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&version); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA writable_schema = ON`); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'responses'`,
		channelCheckIn, channelCheckOr)
	if err == nil {
		if n, _ := res.RowsAffected(); n != 1 {
			err = fmt.Errorf("migration 18: responses table not found")
		}
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA schema_version = %d`, version+1))
	}
	if _, e := tx.ExecContext(ctx, `PRAGMA writable_schema = OFF`); err == nil {
		err = e
	}
	return err
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
	if err := db.recordCompactedResponses(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
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

// recordCompactedResponses repairs what one badly timed crash would leave.
// Migration 16 commits a transaction of its own (it must switch foreign keys
// off, which a transaction cannot), and goose records the version after it,
// in another. A process killed between the two leaves responses converted
// but version 16 unrecorded, and every later start would run 16 again on a
// table that no longer has its raw column, and fail. So: when 15 is the last
// version applied and responses has no raw column, 16 is recorded as applied.
// (Goose's own Go migrations cannot do this: one that runs outside a
// transaction needs a second connection, and the writer pool has one.)
func (db *DB) recordCompactedResponses(ctx context.Context) error {
	var tables int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema
		WHERE type = 'table' AND name IN ('goose_db_version', 'responses')`).Scan(&tables); err != nil || tables < 2 {
		return err // a new database, or not yet at 15
	}
	var last int64
	var raw int
	if err := db.write.QueryRowContext(ctx, `SELECT (SELECT COALESCE(max(version_id), 0) FROM goose_db_version WHERE is_applied),
		(SELECT count(*) FROM pragma_table_info('responses') WHERE name = 'raw')`).Scan(&last, &raw); err != nil {
		return err
	}
	if last != 15 || raw > 0 {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (16, 1)`)
	return err
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
			Name:      cmp.Or(s.Source.Path, goMigrations[s.Source.Version]),
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}
