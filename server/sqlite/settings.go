package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// Setting returns the value stored under key; survey.ErrNotFound when none.
func (db *DB) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	return v, err
}

// PutSettingAudited stores value under key and logs the change with what it
// replaced, in one transaction; storing the value already there changes
// nothing and logs nothing.
func (db *DB) PutSettingAudited(ctx context.Context, key string, value []byte, by survey.Actor, now time.Time) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		var before []byte
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && bytes.Equal(before, value) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
			return err
		}
		var old any
		if before != nil {
			old = string(before)
		}
		return writeAudit(ctx, tx, by, now, "setting.put", "setting:"+key, old, string(value))
	})
}

// publicResultsKey holds "1" while the public results page is on.
const publicResultsKey = "public_results"

// PublicResults reports whether the public results page (/ket-qua) is on;
// it is off until an administrator or SIPAS_PUBLIC turns it on.
func (db *DB) PublicResults(ctx context.Context) (bool, error) {
	v, err := db.Setting(ctx, publicResultsKey)
	if errors.Is(err, survey.ErrNotFound) {
		return false, nil
	}
	return string(v) == "1", err
}

// SetPublicResults turns the public results page on or off, audited.
func (db *DB) SetPublicResults(ctx context.Context, on bool, by survey.Actor, now time.Time) error {
	v := "0"
	if on {
		v = "1"
	}
	return db.PutSettingAudited(ctx, publicResultsKey, []byte(v), by, now)
}
