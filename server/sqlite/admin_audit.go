package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID     int64
	At     time.Time
	UserID int64
	Actor  string
	Action string
	Target string
	Before string // JSON, "" when the thing was created
	After  string // JSON, "" when nothing remains
}

// AuditFilter narrows the audit log; zero fields match everything. From and
// To are days (YYYY-MM-DD, Asia/Ho_Chi_Minh), both inclusive.
type AuditFilter struct {
	Actor  string
	Action string // exact, or a prefix ending in "." ("agency.")
	From   string
	To     string
	Limit  int // 0 = no limit
}

// execer is what both a transaction and a pool can run statements on.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// auditJSON renders a state for the log; nil becomes "".
func auditJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return `"unprintable"` // plain structs and maps: cannot happen
	}
	return string(b)
}

// writeAudit appends one entry. Callers pass their transaction so that the
// action and its record commit together or not at all.
func writeAudit(ctx context.Context, x execer, a survey.Actor, now time.Time, action, target string, before, after any) error {
	_, err := x.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, actor, action, target, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, ts(now), nullID(a.UserID), a.Name, action, target, auditJSON(before), auditJSON(after))
	return err
}

// Audit appends one entry on its own, for actions done by store methods that
// do not write the log themselves (pairing codes, API keys, paper forms).
func (db *DB) Audit(ctx context.Context, a survey.Actor, now time.Time, action, target string, before, after any) error {
	return writeAudit(ctx, db.write, a, now, action, target, before, after)
}

// AuditLog returns entries matching f, newest first.
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := `SELECT id, at, COALESCE(user_id, 0), actor, action, target, before, after FROM audit_log WHERE 1 = 1`
	var args []any
	if f.Actor != "" {
		q += ` AND actor = ?`
		args = append(args, f.Actor)
	}
	if f.Action != "" {
		if f.Action[len(f.Action)-1] == '.' {
			q += ` AND substr(action, 1, ?) = ?`
			args = append(args, len(f.Action), f.Action)
		} else {
			q += ` AND action = ?`
			args = append(args, f.Action)
		}
	}
	// Days are local; the log is in UTC, so turn the day bounds into instants.
	if t, err := time.ParseInLocation(time.DateOnly, f.From, survey.Zone); err == nil {
		q += ` AND at >= ?`
		args = append(args, ts(t))
	}
	if t, err := time.ParseInLocation(time.DateOnly, f.To, survey.Zone); err == nil {
		q += ` AND at < ?`
		args = append(args, ts(t.AddDate(0, 0, 1)))
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.Action, &e.Target, &e.Before, &e.After); err != nil {
			return nil, err
		}
		e.At = parseTS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditActions lists the distinct actions logged so far, for the filter form.
func (db *DB) AuditActions(ctx context.Context) ([]string, error) {
	return db.column(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
}

// column runs a one-column query.
func (db *DB) column(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
