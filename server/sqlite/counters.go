package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
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

// Counters returns the counters of an agency (all when agencyID is 0).
func (db *DB) Counters(ctx context.Context, agencyID int64) ([]*survey.Counter, error) {
	if agencyID == 0 {
		return db.countersWhere(ctx, `1`)
	}
	return db.countersWhere(ctx, `agency_id = ?`, agencyID)
}

// CountersOf returns the counters of the given agencies, through the index
// on agency: a scorecard names the rows of one subtree, not the province's.
func (db *DB) CountersOf(ctx context.Context, agencies []int64) ([]*survey.Counter, error) {
	ids, err := json.Marshal(agencies)
	if err != nil {
		return nil, err
	}
	return db.countersWhere(ctx, `agency_id IN (SELECT value FROM json_each(?))`, string(ids))
}

func (db *DB) countersWhere(ctx context.Context, where string, args ...any) ([]*survey.Counter, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+counterCols+` FROM counters WHERE `+where+` ORDER BY agency_id, number, code`, args...)
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
	if agencyID == 0 {
		return db.officersWhere(ctx, `1`)
	}
	return db.officersWhere(ctx, `agency_id = ?`, agencyID)
}

// OfficersOf returns the officers of the given agencies (see CountersOf).
func (db *DB) OfficersOf(ctx context.Context, agencies []int64) ([]*survey.Officer, error) {
	ids, err := json.Marshal(agencies)
	if err != nil {
		return nil, err
	}
	return db.officersWhere(ctx, `agency_id IN (SELECT value FROM json_each(?))`, string(ids))
}

func (db *DB) officersWhere(ctx context.Context, where string, args ...any) ([]*survey.Officer, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, agency_id, code, name, title, COALESCE(counter_id, 0), active
		FROM officers WHERE `+where+` ORDER BY agency_id, code`, args...)
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
