package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

const insertResponse = `INSERT INTO responses
	(uid, survey_id, survey_version, agency_id, counter_id, officer_id, device_id, device_seq, channel, dossier,
	 answered_at, received_at, month, lang, answers, comment, partial, flags, excluded, content_hash, raw, entered_by)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// responseArgs are the insertResponse parameters for r.
func responseArgs(r *survey.Response) []any { return responseArgsEncoded(r, nil) }

// responseArgsEncoded is responseArgs with the answers already encoded as
// json.Marshal encodes them, if answers is not nil.
func responseArgsEncoded(r *survey.Response, answers []byte) []any {
	if answers == nil {
		var err error
		if answers, err = json.Marshal(r.Answers); err != nil {
			answers = []byte("{}") // RawMessage values were validated JSON; cannot happen
		}
	}
	var answered sql.NullString
	if r.AnsweredAt != nil {
		answered = sql.NullString{String: ts(*r.AnsweredAt), Valid: true}
	}
	seq := sql.NullInt64{Int64: r.DeviceSeq, Valid: r.DeviceID != 0 && r.DeviceSeq != 0}
	return []any{r.UID, r.SurveyID, r.SurveyVersion, r.AgencyID, nullID(r.CounterID),
		nullID(r.OfficerID), nullID(r.DeviceID), seq, r.Channel, nullStr(r.Dossier),
		answered, ts(r.ReceivedAt), r.Month, r.Lang, string(answers), r.Comment,
		r.Partial, strings.Join(r.Flags, ","), r.Excluded, r.ContentHash, r.Raw, nullID(r.EnteredBy)}
}

// InsertResponses stores responses in one transaction: all or none. Used by
// the demo seeder and bulk paths; the submission path has its own writer.
func (db *DB) InsertResponses(ctx context.Context, rs []*survey.Response) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		stmt, err := tx.PrepareContext(ctx, insertResponse)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rs {
			res, err := stmt.ExecContext(ctx, responseArgs(r)...)
			if err != nil {
				return err
			}
			if r.ID, err = res.LastInsertId(); err != nil {
				return err
			}
		}
		return nil
	})
}

// ResponseByUID returns the stored response with the client's id.
func (db *DB) ResponseByUID(ctx context.Context, uid string) (*survey.Response, error) {
	var r survey.Response
	var answers, flags, received string
	var answered sql.NullString
	var counter, officer, device, seq, enteredBy sql.NullInt64
	var dossier sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT id, uid, survey_id, survey_version, agency_id, counter_id, officer_id,
		device_id, device_seq, channel, dossier, answered_at, received_at, month, lang, answers, comment, partial,
		flags, excluded, content_hash, raw, entered_by FROM responses WHERE uid = ?`, uid).
		Scan(&r.ID, &r.UID, &r.SurveyID, &r.SurveyVersion, &r.AgencyID, &counter, &officer, &device, &seq,
			&r.Channel, &dossier, &answered, &received, &r.Month, &r.Lang, &answers, &r.Comment, &r.Partial,
			&flags, &r.Excluded, &r.ContentHash, &r.Raw, &enteredBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.CounterID, r.OfficerID, r.DeviceID, r.DeviceSeq, r.EnteredBy = counter.Int64, officer.Int64, device.Int64, seq.Int64, enteredBy.Int64
	r.Dossier = dossier.String
	if answered.Valid {
		t, err := time.Parse(time.RFC3339Nano, answered.String)
		if err == nil {
			r.AnsweredAt = &t
		}
	}
	r.ReceivedAt, _ = time.Parse(time.RFC3339Nano, received)
	if flags != "" {
		r.Flags = strings.Split(flags, ",")
	}
	if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
		return nil, err
	}
	return &r, nil
}

// CountResponses returns how many responses are stored.
func (db *DB) CountResponses(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM responses`).Scan(&n)
	return n, err
}

// ResponseUIDs returns every stored response id, sorted; backups and crash tests compare them.
func (db *DB) ResponseUIDs(ctx context.Context) ([]string, error) {
	return db.column(ctx, `SELECT uid FROM responses ORDER BY uid`)
}
