package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// CreateCounter validates and inserts a counter and logs it.
func (db *DB) CreateCounter(ctx context.Context, c *survey.Counter, by survey.Actor, now time.Time) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sqlTx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO counters
			(agency_id, code, number, name_vi, name_en, idle_seconds, idle_warning_seconds, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.AgencyID, c.Code, c.Number, c.Name["vi"], c.Name["en"], c.IdleSeconds, c.IdleWarning, c.Active, ts(now))
		if err != nil {
			if isUnique(err) {
				return survey.FieldError("code", "error.counter.duplicate", map[string]any{"Code": c.Code})
			}
			return err
		}
		c.ID, _ = res.LastInsertId()
		return writeAudit(ctx, tx, by, now, "counter.create", "counter:"+c.Code, nil, c)
	})
}

// UpdateCounter stores a counter's number, names, idle settings and whether
// it is active (a deactivated counter keeps its history; its posters stop
// being printed). Code and agency do not change: posters carry the code.
func (db *DB) UpdateCounter(ctx context.Context, c *survey.Counter, by survey.Actor, now time.Time) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		before, err := scanCounter(tx.QueryRowContext(ctx, `SELECT `+counterCols+` FROM counters WHERE id = ?`, c.ID))
		if err != nil {
			return err
		}
		c.Code, c.AgencyID = before.Code, before.AgencyID
		if err := c.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE counters SET number = ?, name_vi = ?, name_en = ?, idle_seconds = ?,
			idle_warning_seconds = ?, active = ? WHERE id = ?`, c.Number, c.Name["vi"], c.Name["en"], c.IdleSeconds, c.IdleWarning, c.Active, c.ID); err != nil {
			return err
		}
		return writeAudit(ctx, tx, by, now, "counter.update", "counter:"+c.Code, before, c)
	})
}

const officerCols = `id, agency_id, code, name, title, COALESCE(counter_id, 0), active`

func scanOfficer(row interface{ Scan(...any) error }) (*survey.Officer, error) {
	var o survey.Officer
	err := row.Scan(&o.ID, &o.AgencyID, &o.Code, &o.Name, &o.Title, &o.CounterID, &o.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	return &o, err
}

// Officer returns the officer with the given ID.
func (db *DB) Officer(ctx context.Context, id int64) (*survey.Officer, error) {
	return scanOfficer(db.read.QueryRowContext(ctx, `SELECT `+officerCols+` FROM officers WHERE id = ?`, id))
}

// checkOfficer validates an officer, and that their counter is one of their agency's.
func checkOfficer(ctx context.Context, tx *sqlTx, o *survey.Officer) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.CounterID != 0 {
		var agency int64
		err := tx.QueryRowContext(ctx, `SELECT agency_id FROM counters WHERE id = ?`, o.CounterID).Scan(&agency)
		if err != nil || agency != o.AgencyID {
			return survey.FieldError("counter", "admin.error.officer_counter", nil)
		}
	}
	return nil
}

// CreateOfficer validates and inserts an officer and logs it.
func (db *DB) CreateOfficer(ctx context.Context, o *survey.Officer, by survey.Actor, now time.Time) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		if err := checkOfficer(ctx, tx, o); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO officers (agency_id, code, name, title, counter_id, active, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, o.AgencyID, o.Code, o.Name, o.Title, nullID(o.CounterID), o.Active, ts(now))
		if err != nil {
			if isUnique(err) {
				return survey.FieldError("code", "error.officer.duplicate", map[string]any{"Code": o.Code})
			}
			return err
		}
		o.ID, _ = res.LastInsertId()
		return writeAudit(ctx, tx, by, now, "officer.create", "officer:"+o.Code, nil, o)
	})
}

// UpdateOfficer stores an officer's name, title, usual counter and whether
// they are active. A deactivated officer drops off the tablets' lists.
func (db *DB) UpdateOfficer(ctx context.Context, o *survey.Officer, by survey.Actor, now time.Time) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		before, err := scanOfficer(tx.QueryRowContext(ctx, `SELECT `+officerCols+` FROM officers WHERE id = ?`, o.ID))
		if err != nil {
			return err
		}
		o.Code, o.AgencyID = before.Code, before.AgencyID
		if err := checkOfficer(ctx, tx, o); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE officers SET name = ?, title = ?, counter_id = ?, active = ? WHERE id = ?`,
			o.Name, o.Title, nullID(o.CounterID), o.Active, o.ID); err != nil {
			return err
		}
		return writeAudit(ctx, tx, by, now, "officer.update", "officer:"+o.Code, before, o)
	})
}
