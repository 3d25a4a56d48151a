package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// APIKeyInfo is an API key as the administration lists it: never the secret.
type APIKeyInfo struct {
	survey.APIKey
	AgencyCode string
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// APIKeys lists every key, newest first.
func (db *DB) APIKeys(ctx context.Context) ([]*APIKeyInfo, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT k.id, k.name, k.prefix, k.scopes, COALESCE(k.agency_id, 0), COALESCE(a.code, ''),
		k.created_at, k.revoked_at, k.last_used_at FROM api_keys k LEFT JOIN agencies a ON a.id = k.agency_id ORDER BY k.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*APIKeyInfo
	for rows.Next() {
		var k APIKeyInfo
		var scopes, created string
		var revoked, used sql.NullString
		if err := rows.Scan(&k.ID, &k.Name, &k.Prefix, &scopes, &k.AgencyID, &k.AgencyCode, &created, &revoked, &used); err != nil {
			return nil, err
		}
		k.Scopes, k.CreatedAt, k.RevokedAt, k.LastUsedAt = strings.Split(scopes, ","), parseTS(created), parseTSPtr(revoked), parseTSPtr(used)
		k.Revoked = k.RevokedAt != nil
		out = append(out, &k)
	}
	return out, rows.Err()
}

// CreateAPIKey creates a key and logs it; the secret
// is returned once and never logged.
func (db *DB) CreateAPIKey(ctx context.Context, name string, scopes []string, agencyID int64, by survey.Actor, now time.Time) (*survey.APIKey, string, error) {
	if err := (&survey.APIKey{Name: name, Scopes: scopes}).Validate(); err != nil {
		return nil, "", err
	}
	if agencyID != 0 {
		if _, err := db.Agency(ctx, agencyID); err != nil {
			return nil, "", survey.FieldError("agency", "error.agency.unknown", nil)
		}
	}
	k, secret, err := db.createAPIKey(ctx, name, scopes, agencyID, now)
	if err != nil {
		return nil, "", err
	}
	return k, secret, db.Audit(ctx, by, now, "apikey.create", "apikey:"+k.Prefix, nil, k)
}

// RevokeAPIKey stops a key from being accepted.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64, by survey.Actor, now time.Time) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		var prefix string
		err := tx.QueryRowContext(ctx, `SELECT prefix FROM api_keys WHERE id = ? AND revoked_at IS NULL`, id).Scan(&prefix)
		if err == sql.ErrNoRows {
			return survey.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ?`, ts(now), id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, by, now, "apikey.revoke", "apikey:"+prefix, map[string]any{"revoked": false}, map[string]any{"revoked": true})
	})
}
