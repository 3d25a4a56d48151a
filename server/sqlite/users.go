package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/sipas-vn/sipas/server/survey"
)

// CreateUser inserts a user, setting its ID.
func (db *DB) CreateUser(ctx context.Context, u *survey.User) error {
	res, err := db.write.ExecContext(ctx, `INSERT INTO users
		(username, display_name, password_hash, role, agency_id, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		u.Username, u.DisplayName, u.PasswordHash, u.Role, nullID(u.AgencyID), u.Disabled, now())
	if err != nil {
		if isUnique(err) {
			return survey.FieldError("username", "error.user.duplicate", map[string]any{"Username": u.Username})
		}
		return err
	}
	u.ID, err = res.LastInsertId()
	return err
}

// UserByUsername returns the user with that username (case-insensitive).
func (db *DB) UserByUsername(ctx context.Context, username string) (*survey.User, error) {
	var u survey.User
	err := db.read.QueryRowContext(ctx, `SELECT id, username, display_name, password_hash, role, COALESCE(agency_id, 0), disabled
		FROM users WHERE username = ?`, username).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.Role, &u.AgencyID, &u.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	return &u, err
}
