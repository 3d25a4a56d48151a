package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// FlagDecision is an admin's decision on a flagged response.
type FlagDecision struct {
	Excluded bool // true = kept out of scores
	Actor    string
	Reason   string
	At       time.Time
}

// FlaggedResponse is a response with integrity flags, for review.
type FlaggedResponse struct {
	ID          int64
	ReceivedAt  time.Time
	Month       string
	SurveyID    string
	AgencyCode  string
	CounterCode string
	Channel     string
	Flags       []string
	Excluded    bool
	Comment     string
	Answers     survey.Answers
	Decisions   []FlagDecision // latest first; empty = pending
}

const flaggedCols = `r.id, r.received_at, r.month, r.survey_id, a.code, COALESCE(c.code, ''), r.channel, r.flags, r.excluded, r.comment, json(r.answers)
	FROM responses r JOIN agencies a ON a.id = r.agency_id LEFT JOIN counters c ON c.id = r.counter_id`

func scanFlagged(row interface{ Scan(...any) error }) (*FlaggedResponse, error) {
	var f FlaggedResponse
	var flags, answers string
	var received int64
	err := row.Scan(&f.ID, &received, &f.Month, &f.SurveyID, &f.AgencyCode, &f.CounterCode, &f.Channel, &flags, &f.Excluded, &f.Comment, &answers)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	f.ReceivedAt, f.Flags = fromNanos(received), strings.Split(flags, ",")
	if f.Answers, err = decodeAnswers(answers); err != nil {
		return nil, fmt.Errorf("response %d: answers: %w", f.ID, err)
	}
	return &f, nil
}

// FlaggedResponses lists flagged responses, newest first: only those nobody
// has decided on yet when pending is true.
func (db *DB) FlaggedResponses(ctx context.Context, pending bool, limit int) ([]*FlaggedResponse, error) {
	q := `SELECT ` + flaggedCols + ` WHERE r.flags <> ''`
	if pending {
		q += ` AND NOT EXISTS (SELECT 1 FROM flag_decisions d WHERE d.response_id = r.id)`
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY r.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*FlaggedResponse
	for rows.Next() {
		f, err := scanFlagged(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// CountPendingFlags returns how many flagged responses await a decision.
func (db *DB) CountPendingFlags(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM responses r WHERE r.flags <> ''
		AND NOT EXISTS (SELECT 1 FROM flag_decisions d WHERE d.response_id = r.id)`).Scan(&n)
	return n, err
}

// FlaggedResponseByID returns one flagged response with its decisions.
func (db *DB) FlaggedResponseByID(ctx context.Context, id int64) (*FlaggedResponse, error) {
	f, err := scanFlagged(db.read.QueryRowContext(ctx, `SELECT `+flaggedCols+` WHERE r.id = ? AND r.flags <> ''`, id))
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT excluded, actor, reason, decided_at FROM flag_decisions WHERE response_id = ? ORDER BY id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d FlagDecision
		var at string
		if err := rows.Scan(&d.Excluded, &d.Actor, &d.Reason, &at); err != nil {
			return nil, err
		}
		d.At = parseTS(at)
		f.Decisions = append(f.Decisions, d)
	}
	return f, rows.Err()
}

// DecideFlag includes a flagged response in scores or keeps it excluded,
// recording who decided and why. When the rollup worker has already
// counted the response, its counts move between the excluded=1 and
// excluded=0 keys in the same transaction, computed by the worker's own
// countOne, so the rollups stay equal to a rebuild from the raw rows.
func (r *Rollup) DecideFlag(ctx context.Context, responseID int64, include bool, reason string, by survey.Actor, now time.Time) error {
	return r.DecideFlags(ctx, []int64{responseID}, include, reason, by, now)
}

// DecideFlags is DecideFlag for many responses at once, with one reason:
// all of them or none (one transaction), each decision recorded and
// audited on its own response.
func (r *Rollup) DecideFlags(ctx context.Context, responseIDs []int64, include bool, reason string, by survey.Actor, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return survey.FieldError("reason", "admin.error.reason_required", nil)
	}
	return r.db.tx(ctx, func(tx *sqlTx) error {
		for _, id := range responseIDs {
			if err := r.decideOne(ctx, tx, id, include, reason, by, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// decideOne records one decision inside the caller's transaction.
func (r *Rollup) decideOne(ctx context.Context, tx *sqlTx, responseID int64, include bool, reason string, by survey.Actor, now time.Time) error {
	var rr rawResponse
	err := tx.QueryRowContext(ctx, `SELECT id, survey_id, survey_version, agency_id, COALESCE(counter_id, 0),
		COALESCE(officer_id, 0), channel, answered_at, received_at, month, `+answersOut+`, comment, partial, flags, excluded
		FROM responses WHERE id = ? AND flags <> ''`, responseID).Scan(&rr.id, &rr.surveyID, &rr.version, &rr.agency, &rr.counter,
		&rr.officer, &rr.channel, &rr.answered, &rr.received, &rr.month, &rr.answers, &rr.comment, &rr.partial, &rr.flags, &rr.excluded)
	if errors.Is(err, sql.ErrNoRows) {
		return survey.ErrNotFound
	}
	if err != nil {
		return err
	}
	was, excluded := rr.excluded, !include
	if was != excluded {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT last_id FROM rollup_state WHERE id = 1`).Scan(&last); err != nil {
			return err
		}
		if rr.id <= last { // counted already: move it; otherwise the worker will count it as stored below
			if err := r.moveCounts(ctx, tx, &rr, excluded); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE responses SET excluded = ? WHERE id = ?`, excluded, rr.id); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO flag_decisions (response_id, excluded, user_id, actor, reason, decided_at)
		VALUES (?, ?, ?, ?, ?, ?)`, rr.id, excluded, nullID(by.UserID), by.Name, reason, ts(now)); err != nil {
		return err
	}
	return writeAudit(ctx, tx, by, now, "response.decide", fmt.Sprintf("response:%d", rr.id),
		map[string]any{"excluded": was}, map[string]any{"excluded": excluded, "reason": reason})
}

// moveCounts takes one response's counts out under its current key and adds
// them under the new excluded value, then drops rows left at zero so the
// tables look exactly as a rebuild would leave them.
func (r *Rollup) moveCounts(ctx context.Context, tx *sqlTx, rr *rawResponse, excluded bool) error {
	for _, step := range []struct {
		excluded bool
		sign     int64
	}{{rr.excluded, -1}, {excluded, 1}} {
		cs := newCounts()
		one := *rr
		one.excluded = step.excluded
		if err := r.count(ctx, tx, &one, cs); err != nil {
			return err
		}
		if err := applyCounts(ctx, tx, nil, cs, step.sign); err != nil { // rare: compiled in tx
			return err
		}
	}
	// The tables' keys start with (month, agency_id): these deletes stay in one small range.
	if _, err := tx.ExecContext(ctx, `DELETE FROM rollup_answers WHERE month = ? AND agency_id = ? AND n = 0`, rr.month, rr.agency); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rollup_scales WHERE month = ? AND agency_id = ? AND na = 0 AND v0 = 0
		AND v1 = 0 AND v2 = 0 AND v3 = 0 AND v4 = 0 AND v5 = 0 AND v6 = 0 AND v7 = 0 AND v8 = 0 AND v9 = 0 AND v10 = 0`, rr.month, rr.agency); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rollup_responses WHERE month = ? AND agency_id = ? AND responses = 0
		AND partial = 0 AND unsatisfied = 0 AND with_comment = 0`, rr.month, rr.agency); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rollup_moments WHERE month = ? AND agency_id = ? AND n = 0 AND v = 0`, rr.month, rr.agency); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM rollup_items WHERE month = ? AND survey_id = ? AND agency_id = ? AND valid = 0 AND satisfied = 0`,
		rr.month, rr.surveyID, rr.agency)
	return err
}
