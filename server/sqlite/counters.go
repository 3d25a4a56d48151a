package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

const counterCols = `id, agency_id, code, number, name_vi, name_en, idle_seconds, idle_warning_seconds, active`

func scanCounter(row interface{ Scan(...any) error }) (*survey.Counter, error) {
	var c survey.Counter
	var vi, en string
	err := row.Scan(&c.ID, &c.AgencyID, &c.Code, &c.Number, &vi, &en, &c.IdleSeconds, &c.IdleWarning, &c.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	c.Name = survey.Text{"vi": vi, "en": en}
	return &c, err
}

// CounterByCode returns the counter with the given code.
func (db *DB) CounterByCode(ctx context.Context, code string) (*survey.Counter, error) {
	return scanCounter(db.read.QueryRowContext(ctx, `SELECT `+counterCols+` FROM counters WHERE code = ?`, code))
}

// Counter returns the counter with the given ID.
func (db *DB) Counter(ctx context.Context, id int64) (*survey.Counter, error) {
	return scanCounter(db.read.QueryRowContext(ctx, `SELECT `+counterCols+` FROM counters WHERE id = ?`, id))
}

// Counters returns the counters of an agency (all agencies when agencyID is 0), by agency then number.
func (db *DB) Counters(ctx context.Context, agencyID int64) ([]*survey.Counter, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+counterCols+` FROM counters
		WHERE ? = 0 OR agency_id = ? ORDER BY agency_id, number, code`, agencyID, agencyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Counter
	for rows.Next() {
		c, err := scanCounter(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Officers returns the officers of an agency (all when agencyID is 0).
func (db *DB) Officers(ctx context.Context, agencyID int64) ([]*survey.Officer, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, agency_id, code, name, title, COALESCE(counter_id, 0), active
		FROM officers WHERE ? = 0 OR agency_id = ? ORDER BY agency_id, code`, agencyID, agencyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Officer
	for rows.Next() {
		var o survey.Officer
		if err := rows.Scan(&o.ID, &o.AgencyID, &o.Code, &o.Name, &o.Title, &o.CounterID, &o.Active); err != nil {
			return nil, err
		}
		out = append(out, &o)
	}
	return out, rows.Err()
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }
