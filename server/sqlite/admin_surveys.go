package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// SurveyAssignment is one dated line of an agency's questionnaire history.
type SurveyAssignment struct {
	FromDate string // YYYY-MM-DD, Asia/Ho_Chi_Minh
	SurveyID string // "" = inherit from the parent from then on
	SetAt    time.Time
	SetBy    string
}

// SurveyAssignments returns an agency's questionnaire history, latest first.
func (db *DB) SurveyAssignments(ctx context.Context, agencyID int64) ([]SurveyAssignment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT from_date, COALESCE(survey_id, ''), set_at, set_by FROM agency_surveys
		WHERE agency_id = ? ORDER BY from_date DESC`, agencyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SurveyAssignment
	for rows.Next() {
		var a SurveyAssignment
		var at string
		if err := rows.Scan(&a.FromDate, &a.SurveyID, &at, &a.SetBy); err != nil {
			return nil, err
		}
		a.SetAt = parseTS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AssignSurvey records that an agency uses surveyID ("" = inherit) from
// fromDate on, and brings agencies.survey_id, which tablets and forms read,
// in step with the assignment in force today.
func (db *DB) AssignSurvey(ctx context.Context, agencyID int64, surveyID, fromDate string, by survey.Actor, now time.Time) error {
	if _, err := time.Parse(time.DateOnly, fromDate); err != nil {
		return survey.FieldError("from_date", "error.date.malformed", map[string]any{"Value": fromDate})
	}
	return db.tx(ctx, func(tx *sqlTx) error {
		a, err := agencyTx(ctx, tx, agencyID)
		if err != nil {
			return err
		}
		if surveyID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM surveys WHERE id = ?`, surveyID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return survey.FieldError("survey", "error.survey.unknown", nil)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agency_surveys (agency_id, from_date, survey_id, set_at, set_by) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (agency_id, from_date) DO UPDATE SET survey_id = excluded.survey_id, set_at = excluded.set_at, set_by = excluded.set_by`,
			agencyID, fromDate, nullStr(surveyID), ts(now), by.Name); err != nil {
			return err
		}
		if _, err := applyDue(ctx, tx, agencyID, survey.Day(now)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, by, now, "agency.survey", "agency:"+a.Code,
			map[string]any{"survey_id": a.SurveyID}, map[string]any{"survey_id": surveyID, "from_date": fromDate})
	})
}

// applyDue sets one agency's survey_id to its latest assignment due by
// today; agencies without history keep theirs. It reports a change.
func applyDue(ctx context.Context, tx *sqlTx, agencyID int64, today string) (bool, error) {
	var sid sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT survey_id FROM agency_surveys WHERE agency_id = ? AND from_date <= ?
		ORDER BY from_date DESC LIMIT 1`, agencyID, today).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE agencies SET survey_id = ? WHERE id = ? AND survey_id IS NOT ?`, sid, agencyID, sid)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ApplyDueSurveys brings every agency's survey_id in step with the
// assignments due by now (assignments may be dated ahead). The admin pages
// call it; a daily job may too. It returns how many agencies changed.
func (db *DB) ApplyDueSurveys(ctx context.Context, now time.Time) (int, error) {
	changed := 0
	err := db.tx(ctx, func(tx *sqlTx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT agency_id FROM agency_surveys`)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, id := range ids {
			ok, err := applyDue(ctx, tx, id, survey.Day(now))
			if err != nil {
				return err
			}
			if ok {
				changed++
			}
		}
		return nil
	})
	return changed, err
}
