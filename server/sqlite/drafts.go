package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

const draftCols = `id, survey_id, survey_version, counter_id, token, answers, comment, lang, client,
	created_at, updated_at, finished_at, response_uid`

func scanDraft(row interface{ Scan(...any) error }) (*survey.Draft, error) {
	var d survey.Draft
	var answers, created, updated string
	var finished, uid sql.NullString
	err := row.Scan(&d.ID, &d.SurveyID, &d.SurveyVersion, &d.CounterID, &d.Token, &answers, &d.Comment, &d.Lang,
		&d.Client, &created, &updated, &finished, &uid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(answers), &d.Answers); err != nil {
		return nil, err
	}
	if d.Answers == nil {
		d.Answers = map[string]json.RawMessage{}
	}
	d.CreatedAt, d.UpdatedAt, d.FinishedAt = parseTS(created), parseTS(updated), parseTSPtr(finished)
	if uid.Valid {
		d.ResponseUID = &uid.String
	}
	return &d, nil
}

// sortTS writes a time with a fixed number of fractional digits, so that
// comparing the stored text orders times correctly (RFC 3339 with trimmed
// fractions would put 10:00:00.5Z before 10:00:00Z).
func sortTS(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00") }

func marshalAnswers(a map[string]json.RawMessage) (string, error) {
	if a == nil {
		return "{}", nil
	}
	b, err := json.Marshal(a)
	return string(b), err
}

// CreateDraft stores a new draft with a fresh random ID (set on d) and
// CreatedAt = UpdatedAt = now. The ID is 128 random bits: it is the only key
// to the draft's answers, carried in the page URLs.
func (db *DB) CreateDraft(ctx context.Context, d *survey.Draft, now time.Time) error {
	id, err := randomToken(16)
	if err != nil {
		return err
	}
	answers, err := marshalAnswers(d.Answers)
	if err != nil {
		return err
	}
	_, err = db.write.ExecContext(ctx, `INSERT INTO form_drafts
		(id, survey_id, survey_version, counter_id, token, answers, comment, lang, client, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, d.SurveyID, d.SurveyVersion, d.CounterID, d.Token, answers, d.Comment, d.Lang, d.Client, sortTS(now), sortTS(now))
	if err != nil {
		return err
	}
	d.ID, d.CreatedAt, d.UpdatedAt = id, now, now
	return nil
}

// Draft returns the draft with the given ID, done or not.
func (db *DB) Draft(ctx context.Context, id string) (*survey.Draft, error) {
	return scanDraft(db.read.QueryRowContext(ctx, `SELECT `+draftCols+` FROM form_drafts WHERE id = ?`, id))
}

// SaveDraft writes a draft's answers, comment, language and questionnaire
// version. A draft that is done is left alone and reported as not found, so
// a late page cannot change what was already submitted.
func (db *DB) SaveDraft(ctx context.Context, d *survey.Draft, now time.Time) error {
	answers, err := marshalAnswers(d.Answers)
	if err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, `UPDATE form_drafts SET answers = ?, comment = ?, lang = ?, survey_version = ?,
		client = ?, updated_at = ? WHERE id = ? AND response_uid IS NULL`,
		answers, d.Comment, d.Lang, d.SurveyVersion, d.Client, sortTS(now), d.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return survey.ErrNotFound
	}
	d.UpdatedAt = now
	return nil
}

// FinishDraft fixes the time a draft was finished, the first time it is
// called, and returns the fixed time: a repeated submission then carries the
// same answered_at, which makes it a duplicate rather than a conflict.
func (db *DB) FinishDraft(ctx context.Context, id string, at time.Time) (time.Time, error) {
	var s string
	err := db.write.QueryRowContext(ctx, `UPDATE form_drafts SET finished_at = COALESCE(finished_at, ?)
		WHERE id = ? RETURNING finished_at`, sortTS(at), id).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, survey.ErrNotFound
	}
	if err != nil {
		return time.Time{}, err
	}
	return parseTS(s), nil
}

// CloseDraft marks a draft done with the response it became ("" when nothing
// was stored) and forgets its dossier code, which must not outlive its use.
func (db *DB) CloseDraft(ctx context.Context, id, responseUID string, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE form_drafts SET response_uid = ?, token = '', updated_at = ?
		WHERE id = ? AND response_uid IS NULL`, responseUID, sortTS(now), id)
	return err
}

// StaleDrafts returns the drafts not done and last saved before the given
// time, oldest first: abandoned forms, for the sweeper.
func (db *DB) StaleDrafts(ctx context.Context, before time.Time) ([]*survey.Draft, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+draftCols+` FROM form_drafts
		WHERE response_uid IS NULL AND updated_at < ? ORDER BY updated_at`, sortTS(before))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Draft
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// PurgeDrafts deletes done drafts last touched before the given time and
// returns how many went. Until then a done draft answers a repeated post
// or a back button with the thank-you page.
func (db *DB) PurgeDrafts(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM form_drafts WHERE response_uid IS NOT NULL AND updated_at < ?`, sortTS(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// OpenDraftsFrom counts the drafts not done whose last page came from a
// client address: a bound on what one address can make the server keep.
func (db *DB) OpenDraftsFrom(ctx context.Context, client string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM form_drafts WHERE client = ? AND response_uid IS NULL`, client).Scan(&n)
	return n, err
}
