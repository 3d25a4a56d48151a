package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// targetState is a target as the audit log records it.
type targetState struct {
	Index        float64  `json:"index"`
	ResponseRate *float64 `json:"response_rate,omitempty"`
}

func stateOf(t *survey.Target) any {
	if t == nil {
		return nil
	}
	return targetState{Index: t.Index, ResponseRate: t.ResponseRate}
}

// targetTx reads an agency's own target for a year; nil when it has none.
func targetTx(ctx context.Context, tx *sqlTx, agencyID int64, year int) (*survey.Target, error) {
	t := survey.Target{AgencyID: agencyID, Year: year}
	var rate sql.NullFloat64
	err := tx.QueryRowContext(ctx, `SELECT index_target, response_rate FROM targets WHERE agency_id = ? AND year = ?`,
		agencyID, year).Scan(&t.Index, &rate)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if rate.Valid {
		t.ResponseRate = &rate.Float64
	}
	return &t, nil
}

func sameTarget(a, b *survey.Target) bool {
	if a == nil || b == nil {
		return a == b
	}
	if (a.ResponseRate == nil) != (b.ResponseRate == nil) {
		return false
	}
	return a.Index == b.Index && (a.ResponseRate == nil || *a.ResponseRate == *b.ResponseRate)
}

func targetLabel(code string, year int) string { return "agency:" + code + "/" + strconv.Itoa(year) }

// SetTarget sets an agency's own target for a year (validated by the
// caller) and logs the change with the state before. It reports whether
// anything changed: setting the same figures again writes nothing, so a
// table of targets saved at once logs only the rows edited.
func (db *DB) SetTarget(ctx context.Context, t survey.Target, by survey.Actor, now time.Time) (changed bool, err error) {
	err = db.tx(ctx, func(tx *sqlTx) error {
		a, err := agencyTx(ctx, tx, t.AgencyID)
		if err != nil {
			return err
		}
		before, err := targetTx(ctx, tx, t.AgencyID, t.Year)
		if err != nil || sameTarget(before, &t) {
			return err
		}
		var rate sql.NullFloat64
		if t.ResponseRate != nil {
			rate = sql.NullFloat64{Float64: *t.ResponseRate, Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO targets (agency_id, year, index_target, response_rate, set_at, set_by)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (year, agency_id) DO UPDATE SET index_target = excluded.index_target,
			response_rate = excluded.response_rate, set_at = excluded.set_at, set_by = excluded.set_by`,
			t.AgencyID, t.Year, t.Index, rate, ts(now), by.Name); err != nil {
			return err
		}
		changed = true
		return writeAudit(ctx, tx, by, now, "target.set", targetLabel(a.Code, t.Year), stateOf(before), stateOf(&t))
	})
	return changed, err
}

// ClearTarget removes an agency's own target for a year, so that it
// inherits its parent's again, and logs it. Clearing none is no change.
func (db *DB) ClearTarget(ctx context.Context, agencyID int64, year int, by survey.Actor, now time.Time) (changed bool, err error) {
	err = db.tx(ctx, func(tx *sqlTx) error {
		a, err := agencyTx(ctx, tx, agencyID)
		if err != nil {
			return err
		}
		before, err := targetTx(ctx, tx, agencyID, year)
		if err != nil || before == nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM targets WHERE agency_id = ? AND year = ?`, agencyID, year); err != nil {
			return err
		}
		changed = true
		return writeAudit(ctx, tx, by, now, "target.clear", targetLabel(a.Code, year), stateOf(before), nil)
	})
	return changed, err
}

// Targets returns every agency's own target for a year, by agency ID.
func (db *DB) Targets(ctx context.Context, year int) (map[int64]survey.Target, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT agency_id, index_target, response_rate FROM targets WHERE year = ?`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]survey.Target{}
	for rows.Next() {
		t := survey.Target{Year: year}
		var rate sql.NullFloat64
		if err := rows.Scan(&t.AgencyID, &t.Index, &rate); err != nil {
			return nil, err
		}
		if rate.Valid {
			t.ResponseRate = &rate.Float64
		}
		out[t.AgencyID] = t
	}
	return out, rows.Err()
}
