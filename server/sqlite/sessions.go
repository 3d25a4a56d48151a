package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// CreateSession signs a user in for ttl and returns the cookie token.
func (db *DB) CreateSession(ctx context.Context, userID int64, now time.Time, ttl time.Duration) (token string, s *survey.Session, err error) {
	if token, err = randomToken(32); err != nil {
		return "", nil, err
	}
	csrf, err := randomToken(24)
	if err != nil {
		return "", nil, err
	}
	// Sign-in is rare: tidy expired sessions here rather than in a job.
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, ts(now)); err != nil {
		return "", nil, err
	}
	_, err = db.write.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at, last_seen)
		VALUES (?, ?, ?, ?, ?, ?)`, hashSecret(token), userID, csrf, ts(now), ts(now.Add(ttl)), ts(now))
	if err != nil {
		return "", nil, err
	}
	s, err = db.SessionByToken(ctx, token, now)
	return token, s, err
}

// SessionByToken returns the live session of a cookie token, with its user;
// an expired session, or one of a disabled user, is not found.
func (db *DB) SessionByToken(ctx context.Context, token string, now time.Time) (*survey.Session, error) {
	var s survey.Session
	var u survey.User
	var expires string
	err := db.read.QueryRowContext(ctx, `SELECT s.csrf, s.expires_at, u.id, u.username, u.display_name, u.role, COALESCE(u.agency_id, 0), u.disabled
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`, hashSecret(token), ts(now)).
		Scan(&s.CSRF, &expires, &u.ID, &u.Username, &u.DisplayName, &u.Role, &u.AgencyID, &u.Disabled)
	if errors.Is(err, sql.ErrNoRows) || u.Disabled {
		return nil, survey.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s.User, s.ExpiresAt = &u, parseTS(expires)
	return &s, nil
}

// DeleteSession signs a cookie token out.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashSecret(token))
	return err
}
