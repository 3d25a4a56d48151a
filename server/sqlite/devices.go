package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/survey"
)

// hashSecret is how device tokens, pairing codes and API keys are stored:
// they are long random values, so a plain SHA-256 suffices (no password stretching).
func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func randomDigits(n int) (string, error) {
	out := make([]byte, n)
	for i := range out {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			return "", err
		}
		out[i] = byte('0' + d.Int64())
	}
	return string(out), nil
}

func randomToken(nbytes int) (string, error) {
	b := make([]byte, nbytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// createPairingCode makes a single-use 6-digit code that pairs a tablet with
// the counter, valid for ttl, and the staff PIN that tablet will ask for.
func (db *DB) createPairingCode(ctx context.Context, counterID int64, now time.Time, ttl time.Duration) (code, staffPIN string, err error) {
	if _, err := db.Counter(ctx, counterID); err != nil {
		return "", "", err
	}
	if staffPIN, err = randomDigits(6); err != nil {
		return "", "", err
	}
	for range 5 { // a clash with a live code is rare; try again
		if code, err = randomDigits(6); err != nil {
			return "", "", err
		}
		_, err = db.write.ExecContext(ctx, `INSERT INTO pairing_codes (code_hash, counter_id, staff_pin, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, hashSecret(code), counterID, staffPIN, ts(now), ts(now.Add(ttl)))
		if err == nil {
			return code, staffPIN, nil
		}
		if !isUnique(err) {
			return "", "", err
		}
		// The same code exists: reuse its slot only if it is spent or expired.
		db.write.ExecContext(ctx, `DELETE FROM pairing_codes WHERE code_hash = ? AND (used_at IS NOT NULL OR expires_at < ?)`, hashSecret(code), ts(now))
	}
	return "", "", errors.New("could not allocate a pairing code")
}

// Pair spends a pairing code and registers a new device on its counter; it
// returns the device and its bearer token, which is shown only this once.
// The staff PIN the code carried is stored only as its stretched verifier
// (auth.StaffPINVerifier), and the code forgets it.
func (db *DB) Pair(ctx context.Context, code string, now time.Time, appVersion string) (*survey.Device, string, error) {
	token, err := randomToken(32)
	if err != nil {
		return nil, "", err
	}
	salt, err := randomToken(12)
	if err != nil {
		return nil, "", err
	}
	// Stretching takes a fifth of a second: done before the write
	// transaction, which would hold every other writer up meanwhile. The
	// transaction checks the code again.
	var pin, expires string
	err = db.read.QueryRowContext(ctx, `SELECT staff_pin, expires_at FROM pairing_codes WHERE code_hash = ? AND used_at IS NULL`,
		hashSecret(code)).Scan(&pin, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", survey.FieldError("code", "error.pairing.unknown", nil)
	}
	if err != nil {
		return nil, "", err
	}
	if expires < ts(now) {
		return nil, "", survey.FieldError("code", "error.pairing.expired", nil)
	}
	iterations := db.pinIterations()
	verifier, err := auth.StaffPINVerifier(salt, pin, iterations)
	if err != nil {
		return nil, "", err
	}
	var dev survey.Device
	err = db.tx(ctx, func(tx *sqlTx) error {
		var counterID int64
		var again string
		var used sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT counter_id, staff_pin, used_at FROM pairing_codes WHERE code_hash = ?`,
			hashSecret(code)).Scan(&counterID, &again, &used)
		if errors.Is(err, sql.ErrNoRows) || used.Valid || again != pin {
			return survey.FieldError("code", "error.pairing.unknown", nil) // spent meanwhile
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO devices (counter_id, token_hash, created_at, last_seen_at, app_version,
			staff_pin_salt, staff_pin_hash, staff_pin_iterations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			counterID, hashSecret(token), ts(now), ts(now), appVersion, salt, verifier, iterations)
		if err != nil {
			return err
		}
		dev.ID, _ = res.LastInsertId()
		dev.CounterID = counterID
		_, err = tx.ExecContext(ctx, `UPDATE pairing_codes SET used_at = ?, device_id = ?, staff_pin = '' WHERE code_hash = ?`,
			ts(now), dev.ID, hashSecret(code))
		return err
	})
	if err != nil {
		return nil, "", err
	}
	d, err := db.Device(ctx, dev.ID)
	return d, token, err
}

func (db *DB) pinIterations() int {
	if db.StaffPINIterations > 0 {
		return db.StaffPINIterations
	}
	return auth.StaffPINIterations
}

// StaffPIN is what a tablet checks its staff PIN against, offline.
type StaffPIN struct {
	Salt       string
	Iterations int
	Verifier   string // hex, auth.StaffPINVerifier
}

// StaffPIN returns a device's staff PIN verifier. A tablet paired before
// PINs were stretched has only hex SHA-256(salt + PIN): it is stretched
// now, once, and stored (migration 00012).
func (db *DB) StaffPIN(ctx context.Context, deviceID int64) (StaffPIN, error) {
	var p StaffPIN
	err := db.read.QueryRowContext(ctx, `SELECT staff_pin_salt, staff_pin_hash, staff_pin_iterations FROM devices WHERE id = ?`,
		deviceID).Scan(&p.Salt, &p.Verifier, &p.Iterations)
	if errors.Is(err, sql.ErrNoRows) {
		return p, survey.ErrNotFound
	}
	if err != nil || p.Iterations > 0 {
		return p, err
	}
	p.Iterations = db.pinIterations()
	if p.Verifier, err = auth.StretchStaffPIN(p.Verifier, p.Salt, p.Iterations); err != nil {
		return p, err
	}
	_, err = db.write.ExecContext(ctx, `UPDATE devices SET staff_pin_hash = ?, staff_pin_iterations = ? WHERE id = ? AND staff_pin_iterations = 0`,
		p.Verifier, p.Iterations, deviceID)
	return p, err
}

// AddDevice registers a device on a counter directly (the CLI's path, no
// pairing code) and returns it with its token and staff PIN.
func (db *DB) AddDevice(ctx context.Context, counterID int64, now time.Time) (*survey.Device, string, string, error) {
	code, pin, err := db.createPairingCode(ctx, counterID, now, time.Minute)
	if err != nil {
		return nil, "", "", err
	}
	d, token, err := db.Pair(ctx, code, now, "cli")
	return d, token, pin, err
}

const deviceCols = `id, counter_id, name, created_at, revoked_at, last_seen_at, app_version, last_seq, seq_count,
	outbox, rejected, last_sync_at`

func scanDevice(row interface{ Scan(...any) error }) (*survey.Device, error) {
	var d survey.Device
	var created string
	var revoked, seen, synced sql.NullString
	err := row.Scan(&d.ID, &d.CounterID, &d.Name, &created, &revoked, &seen, &d.AppVersion, &d.LastSeq, &d.SeqCount,
		&d.Outbox, &d.Rejected, &synced)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	d.CreatedAt = parseTS(created)
	d.RevokedAt, d.LastSeenAt, d.LastSyncAt = parseTSPtr(revoked), parseTSPtr(seen), parseTSPtr(synced)
	return &d, nil
}

// Device returns a device by ID.
func (db *DB) Device(ctx context.Context, id int64) (*survey.Device, error) {
	return scanDevice(db.read.QueryRowContext(ctx, `SELECT `+deviceCols+` FROM devices WHERE id = ?`, id))
}

// DeviceByToken returns the device a bearer token belongs to, revoked or not;
// the caller decides what a revoked device may do.
func (db *DB) DeviceByToken(ctx context.Context, token string) (*survey.Device, error) {
	return scanDevice(db.read.QueryRowContext(ctx, `SELECT `+deviceCols+` FROM devices WHERE token_hash = ?`, hashSecret(token)))
}

// Devices lists the devices of a counter (all when counterID is 0).
func (db *DB) Devices(ctx context.Context, counterID int64) ([]*survey.Device, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+deviceCols+` FROM devices WHERE ? = 0 OR counter_id = ? ORDER BY id`, counterID, counterID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// revokeDevice stops a device's token from being accepted.
func (db *DB) revokeDevice(ctx context.Context, id int64, now time.Time) error {
	res, err := db.write.ExecContext(ctx, `UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, ts(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return survey.ErrNotFound
	}
	return nil
}

// DeviceReport is what a tablet says about itself in a heartbeat.
type DeviceReport struct {
	AppVersion string
	Outbox     int
	Rejected   int
	LastSync   *time.Time
}

// TouchDevice records that a device was heard from, with its own report.
func (db *DB) TouchDevice(ctx context.Context, id int64, now time.Time, r DeviceReport) error {
	var sync sql.NullString
	if r.LastSync != nil {
		sync = sql.NullString{String: ts(*r.LastSync), Valid: true}
	}
	_, err := db.write.ExecContext(ctx, `UPDATE devices SET last_seen_at = ?, app_version = ?, outbox = ?, rejected = ?,
		last_sync_at = COALESCE(?, last_sync_at) WHERE id = ?`, ts(now), r.AppVersion, r.Outbox, r.Rejected, sync, id)
	return err
}

// SetCounterIdle sets how long a tablet at the counter waits before asking
// whether the citizen needs more time, and how long it then counts down.
func (db *DB) SetCounterIdle(ctx context.Context, counterID int64, idleSeconds, warningSeconds int) error {
	if idleSeconds < 1 || warningSeconds < 1 {
		return survey.FieldError("idle_seconds", "error.counter.idle", nil)
	}
	_, err := db.write.ExecContext(ctx, `UPDATE counters SET idle_seconds = ?, idle_warning_seconds = ? WHERE id = ?`,
		idleSeconds, warningSeconds, counterID)
	return err
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTS(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(fmt.Sprintf("sqlite: bad stored time %q", s)) // only this package writes these columns
	}
	return t
}

func parseTSPtr(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTS(s.String)
	return &t
}
