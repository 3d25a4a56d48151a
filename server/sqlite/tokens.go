package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// Secret returns the random secret stored under name, creating n random
// bytes on first use (the dossier-code signing key, say).
func (db *DB) Secret(ctx context.Context, name string, n int) ([]byte, error) {
	return db.CreateOnce(ctx, name, func() ([]byte, error) {
		v := make([]byte, n)
		_, err := rand.Read(v)
		return v, err
	})
}

// CreateOnce returns the value stored under key in the settings table,
// storing what make returns when there is none yet. Values kept here travel
// with the database and its backups (the internal TLS CA, signing keys).
func (db *DB) CreateOnce(ctx context.Context, key string, make func() ([]byte, error)) ([]byte, error) {
	var v []byte
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if v, err = make(); err != nil {
		return nil, err
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, v); err != nil {
		return nil, err
	}
	// Another process may have won the race: read back what is stored.
	err = db.write.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	return v, err
}

// ReplaceSetting stores value under key in place of what was there
// (`sipas tls rotate-ca`).
func (db *DB) ReplaceSetting(ctx context.Context, key string, value []byte) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// CreateDossierToken records a one-time code by its nonce.
func (db *DB) CreateDossierToken(ctx context.Context, nonce []byte, t *survey.DossierToken) error {
	res, err := db.write.ExecContext(ctx, `INSERT INTO dossier_tokens (nonce, dossier, counter_id, officer_id, issued_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, nonce, t.Dossier, t.CounterID, nullID(t.OfficerID), ts(t.IssuedAt), ts(t.ExpiresAt))
	if err != nil {
		return err
	}
	t.ID, err = res.LastInsertId()
	return err
}

// DossierTokenByNonce returns the record of a one-time code.
func (db *DB) DossierTokenByNonce(ctx context.Context, nonce []byte) (*survey.DossierToken, error) {
	var t survey.DossierToken
	var issued, expires string
	var used, uid sql.NullString
	var officer sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT id, dossier, counter_id, officer_id, issued_at, expires_at, used_at, response_uid
		FROM dossier_tokens WHERE nonce = ?`, nonce).Scan(&t.ID, &t.Dossier, &t.CounterID, &officer, &issued, &expires, &used, &uid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	t.OfficerID, t.ResponseUID = officer.Int64, uid.String
	t.IssuedAt, t.ExpiresAt, t.UsedAt = parseTS(issued), parseTS(expires), parseTSPtr(used)
	return &t, nil
}

// createAPIKey stores a new key and returns it in clear, shown only this once.
func (db *DB) createAPIKey(ctx context.Context, name string, scopes []string, agencyID int64, now time.Time) (*survey.APIKey, string, error) {
	secret, err := randomToken(24)
	if err != nil {
		return nil, "", err
	}
	key := "sk_" + secret
	k := &survey.APIKey{Name: name, Prefix: key[:10], Scopes: scopes, AgencyID: agencyID}
	res, err := db.write.ExecContext(ctx, `INSERT INTO api_keys (name, key_hash, prefix, scopes, agency_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		name, hashSecret(key), k.Prefix, strings.Join(scopes, ","), nullID(agencyID), ts(now))
	if err != nil {
		return nil, "", err
	}
	k.ID, err = res.LastInsertId()
	return k, key, err
}

// APIKeyBySecret returns the key matching a presented secret and records its use.
func (db *DB) APIKeyBySecret(ctx context.Context, key string, now time.Time) (*survey.APIKey, error) {
	var k survey.APIKey
	var scopes string
	var revoked sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT id, name, prefix, scopes, COALESCE(agency_id, 0), revoked_at FROM api_keys WHERE key_hash = ?`,
		hashSecret(key)).Scan(&k.ID, &k.Name, &k.Prefix, &scopes, &k.AgencyID, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	k.Scopes, k.Revoked = strings.Split(scopes, ","), revoked.Valid
	if !k.Revoked {
		if _, err := db.write.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, ts(now), k.ID); err != nil {
			return nil, err
		}
	}
	return &k, nil
}

// OfficerByCode returns the officer with the given code.
func (db *DB) OfficerByCode(ctx context.Context, code string) (*survey.Officer, error) {
	var o survey.Officer
	err := db.read.QueryRowContext(ctx, `SELECT id, agency_id, code, name, title, COALESCE(counter_id, 0), active FROM officers WHERE code = ?`, code).
		Scan(&o.ID, &o.AgencyID, &o.Code, &o.Name, &o.Title, &o.CounterID, &o.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	return &o, err
}

// SurveyDefinitionJSON returns the stored snapshot of one questionnaire version.
func (db *DB) SurveyDefinitionJSON(ctx context.Context, id, version string) ([]byte, error) {
	var js string
	err := db.read.QueryRowContext(ctx, `SELECT definition FROM surveys WHERE id = ? AND version = ?`, id, version).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	return []byte(js), err
}
