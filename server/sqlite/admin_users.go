package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// InvitationTTL is how long a link to set a password stays valid.
const InvitationTTL = 7 * 24 * time.Hour

const userCols = `id, username, display_name, role, COALESCE(agency_id, 0), disabled, password_hash = ''`

func scanUser(row interface{ Scan(...any) error }) (*survey.UserInfo, error) {
	var u survey.UserInfo
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.AgencyID, &u.Disabled, &u.Pending)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	return &u, err
}

// Users lists every user by username.
func (db *DB) Users(ctx context.Context) ([]*survey.UserInfo, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.UserInfo
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// User returns one user by ID.
func (db *DB) User(ctx context.Context, id int64) (*survey.UserInfo, error) {
	return scanUser(db.read.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// checkScope validates a role and its scope: an agency head needs an
// agency; the other roles see the whole province and carry none.
func checkScope(ctx context.Context, tx *sqlTx, role survey.Role, agencyID int64) (int64, error) {
	agencyID, err := role.CheckScope(agencyID)
	if err != nil || agencyID == 0 {
		return agencyID, err
	}
	if _, err := agencyTx(ctx, tx, agencyID); err != nil {
		return 0, survey.FieldError("agency", "error.agency.unknown", nil)
	}
	return agencyID, nil
}

// newInvitation stores a fresh one-time link for a user, replacing any
// unused one, and returns its token.
func newInvitation(ctx context.Context, tx *sqlTx, userID int64, by survey.Actor, now time.Time) (string, error) {
	token, err := randomToken(32)
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE user_id = ? AND used_at IS NULL`, userID); err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO invitations (token_hash, user_id, created_at, expires_at, created_by) VALUES (?, ?, ?, ?, ?)`,
		hashSecret(token), userID, ts(now), ts(now.Add(InvitationTTL)), by.Name)
	return token, err
}

// InviteUser creates a user without a password and returns the token of
// their one-time link to set one (/invite/<token>).
func (db *DB) InviteUser(ctx context.Context, u *survey.UserInfo, by survey.Actor, now time.Time) (string, error) {
	u.Username = strings.TrimSpace(u.Username)
	if u.Username == "" || len(u.Username) > 64 || strings.ContainsAny(u.Username, " \t/@:") {
		return "", survey.FieldError("username", "admin.error.username", nil)
	}
	if strings.TrimSpace(u.DisplayName) == "" {
		u.DisplayName = u.Username
	}
	var token string
	err := db.tx(ctx, func(tx *sqlTx) error {
		var err error
		if u.AgencyID, err = checkScope(ctx, tx, u.Role, u.AgencyID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO users (username, display_name, password_hash, role, agency_id, disabled, created_at)
			VALUES (?, ?, '', ?, ?, 0, ?)`, u.Username, u.DisplayName, u.Role, nullID(u.AgencyID), ts(now))
		if err != nil {
			if isUnique(err) {
				return survey.FieldError("username", "error.user.duplicate", map[string]any{"Username": u.Username})
			}
			return err
		}
		u.ID, _ = res.LastInsertId()
		u.Pending = true
		if token, err = newInvitation(ctx, tx, u.ID, by, now); err != nil {
			return err
		}
		return writeAudit(ctx, tx, by, now, "user.invite", "user:"+u.Username, nil, u)
	})
	return token, err
}

// ResetUser clears a user's password, signs them out everywhere and returns
// the token of a new one-time link: whoever asked for a reset may have lost
// the password to someone else.
func (db *DB) ResetUser(ctx context.Context, id int64, by survey.Actor, now time.Time) (string, error) {
	var token string
	err := db.changeUser(ctx, id, by, now, "user.reset", func(tx *sqlTx, u *survey.UserInfo) error {
		var err error
		if _, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = '' WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return err
		}
		u.Pending = true
		token, err = newInvitation(ctx, tx, id, by, now)
		return err
	})
	return token, err
}

// lastAdmin refuses a change that would leave no active admin: nobody
// could then manage the system without touching the database.
func lastAdmin(ctx context.Context, tx *sqlTx, before *survey.UserInfo) error {
	if before.Role != survey.RoleAdmin || before.Disabled {
		return nil
	}
	var others int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?`, before.ID).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return survey.Errorf(survey.CodeConflict, "admin.error.last_admin", nil)
	}
	return nil
}

// changeUser loads a user in a transaction, applies change, and logs before → after.
func (db *DB) changeUser(ctx context.Context, id int64, by survey.Actor, now time.Time, action string, change func(*sqlTx, *survey.UserInfo) error) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		before, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
		if err != nil {
			return err
		}
		after := *before
		if err := change(tx, &after); err != nil {
			return err
		}
		return writeAudit(ctx, tx, by, now, action, "user:"+before.Username, before, &after)
	})
}

// SetUserDisabled disables (and signs out) or re-enables a user. The last
// active admin cannot be disabled.
func (db *DB) SetUserDisabled(ctx context.Context, id int64, disabled bool, by survey.Actor, now time.Time) error {
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	return db.changeUser(ctx, id, by, now, action, func(tx *sqlTx, u *survey.UserInfo) error {
		if disabled {
			if err := lastAdmin(ctx, tx, u); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		u.Disabled = disabled
		_, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, id)
		return err
	})
}

// SetUserRole changes a user's role and scope. Demoting the last active
// admin is refused.
func (db *DB) SetUserRole(ctx context.Context, id int64, role survey.Role, agencyID int64, by survey.Actor, now time.Time) error {
	return db.changeUser(ctx, id, by, now, "user.role", func(tx *sqlTx, u *survey.UserInfo) error {
		scope, err := checkScope(ctx, tx, role, agencyID)
		if err != nil {
			return err
		}
		if role != survey.RoleAdmin {
			if err := lastAdmin(ctx, tx, u); err != nil {
				return err
			}
		}
		u.Role, u.AgencyID = role, scope
		_, err = tx.ExecContext(ctx, `UPDATE users SET role = ?, agency_id = ? WHERE id = ?`, role, nullID(scope), id)
		return err
	})
}

// invitation finds the live invitation of a token.
func invitation(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, token string, now time.Time) (int64, error) {
	var userID int64
	var expires string
	var used sql.NullString
	err := q.QueryRowContext(ctx, `SELECT user_id, expires_at, used_at FROM invitations WHERE token_hash = ?`, hashSecret(token)).
		Scan(&userID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) || err == nil && used.Valid {
		return 0, survey.Errorf(survey.CodeNotFound, "admin.error.invite_invalid", nil)
	}
	if err != nil {
		return 0, err
	}
	if !now.Before(parseTS(expires)) {
		return 0, survey.Errorf(survey.CodeNotFound, "admin.error.invite_expired", nil)
	}
	return userID, nil
}

// InvitedUser returns the user a live invitation token is for.
func (db *DB) InvitedUser(ctx context.Context, token string, now time.Time) (*survey.UserInfo, error) {
	id, err := invitation(ctx, db.read, token, now)
	if err != nil {
		return nil, err
	}
	return db.User(ctx, id)
}

// AcceptInvitation spends a one-time link and sets the user's password hash.
func (db *DB) AcceptInvitation(ctx context.Context, token, passwordHash string, now time.Time) (*survey.UserInfo, error) {
	var u *survey.UserInfo
	err := db.tx(ctx, func(tx *sqlTx) error {
		id, err := invitation(ctx, tx, token, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET used_at = ? WHERE token_hash = ?`, ts(now), hashSecret(token)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, passwordHash, id); err != nil {
			return err
		}
		if u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, survey.Actor{UserID: u.ID, Name: u.Username}, now, "user.password", "user:"+u.Username, nil, nil)
	})
	return u, err
}
