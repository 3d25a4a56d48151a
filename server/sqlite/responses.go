package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/uuid"

	"github.com/sipas-vn/sipas/server/survey"
)

// A response is stored compactly (decision 20): what follows is the one
// place that turns its fields into stored values and back.

// uidKey is a response uid as stored: its 16 bytes. A uid that is not a UUID
// cannot be stored (collect parses every one) and matches nothing.
func uidKey(uid string) []byte {
	u, err := uuid.Parse(uid)
	if err != nil {
		return nil
	}
	return u[:]
}

// uidText is the canonical text of a stored uid.
func uidText(b []byte) string {
	u, err := uuid.FromBytes(b)
	if err != nil {
		return ""
	}
	return u.String()
}

// nanos is a time as stored in responses: nanoseconds since 1970 UTC, an
// integer that sorts and compares as the time does.
func nanos(t time.Time) int64 { return t.UnixNano() }

// fromNanos is the UTC time of a stored nanos value.
func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// nullNanos is an optional time as stored: NULL for nil.
func nullNanos(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: nanos(*t), Valid: true}
}

// fromNullNanos reads back what nullNanos stored.
func fromNullNanos(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromNanos(n.Int64)
	return &t
}

// hashKey is the stored part of a content hash: 16 bytes are plenty to tell
// a retry from different content sent under the same id.
func hashKey(h []byte) []byte { return h[:min(len(h), 16)] }

// Answers are stored as SQLite's binary JSON (JSONB), which json_each and
// json_extract read directly. answersIn wraps the parameter that carries
// them, made by jsonbOf (or, should that fail, as JSON text for SQLite to
// convert); answersOut reads them back as JSON text.
const (
	answersIn  = `jsonb(?)`
	answersOut = `json(answers)`
)

// encodeAnswers is the JSON text of the answers: their one canonical form.
func encodeAnswers(a survey.Answers) string { return string(a.Canonical()) }

// decodeAnswers parses what answersOut read.
func decodeAnswers(s string) (survey.Answers, error) {
	var a survey.Answers
	err := jsonv2.Unmarshal([]byte(s), &a)
	return a, err
}

// inAgencyMonths is a condition on responses r: counted at one of the
// agencies in a month from..to. Its parameters (inAgencyMonthsArgs) are
// the agency ids as a JSON array and the months, twice. Responses are found
// through the rollup worker's responses_by_agency_month, and those it has
// not filed yet (after rollup_state.last_id) by id; the conditions on r
// itself sort the latter out.
const inAgencyMonths = `r.id IN (SELECT id FROM responses_by_agency_month
		WHERE agency_id IN (SELECT value FROM json_each(?)) AND month BETWEEN ? AND ?
		UNION ALL SELECT id FROM responses WHERE id > (SELECT last_id FROM rollup_state WHERE id = 1))
	AND r.agency_id IN (SELECT value FROM json_each(?)) AND r.month BETWEEN ? AND ?`

func inAgencyMonthsArgs(agencies []byte, from, to string) []any {
	return []any{string(agencies), from, to, string(agencies), from, to}
}

const insertColumns = `(uid, survey_id, survey_version, agency_id, counter_id, officer_id, device_id, device_seq, channel, dossier,
	 answered_at, claimed_at, received_at, month, lang, answers, comment, partial, flags, excluded, content_hash, entered_by)`

// insertValues is one row's placeholders for insertColumns.
const insertValues = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ` + answersIn + `, ?, ?, ?, ?, ?, ?)`

// insertArgs is how many parameters one row takes.
const insertArgs = 22

const insertResponse = `INSERT INTO responses ` + insertColumns + ` VALUES ` + insertValues

// responseArgs are the insertResponse parameters for r.
func responseArgs(r *survey.Response) []any {
	v := responseValues(r, nil)
	return v[:]
}

// responseValues are the insertResponse parameters for r, with the answers
// already encoded as json.Marshal encodes them if answers is not nil (the
// submission path has them: Writer.pend). Every value is of a type the
// driver takes as it is (int64, string, []byte, bool or nil): the writer
// hands them to the driver without database/sql, and nothing converts them
// (decision 14). An array: the pending write holds it, and the writer makes
// the driver's parameters from it as it inserts.
func responseValues(r *survey.Response, answers []byte) [insertArgs]any {
	if answers == nil {
		answers = []byte(encodeAnswers(r.Answers))
	}
	var stored any = string(answers)
	if b, err := jsonbOf(answers); err == nil {
		stored = b // jsonb(?) takes it as it is; text it would parse
	}
	var seq any
	if r.DeviceID != 0 && r.DeviceSeq != 0 {
		seq = r.DeviceSeq
	}
	var dossier any
	if r.Dossier != "" {
		dossier = r.Dossier
	}
	return [insertArgs]any{uidKey(r.UID), r.SurveyID, r.SurveyVersion, r.AgencyID, idArg(r.CounterID),
		idArg(r.OfficerID), idArg(r.DeviceID), seq, string(r.Channel), dossier,
		nanosArg(r.AnsweredAt), nanosArg(r.ClaimedAt), nanos(r.ReceivedAt), r.Month, r.Lang, stored, r.Comment,
		r.Partial, strings.Join(r.Flags, ","), r.Excluded, hashKey(r.ContentHash), idArg(r.EnteredBy)}
}

// idArg is an optional id as a parameter: NULL for 0.
func idArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nanosArg is an optional time as a parameter: NULL for nil.
func nanosArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return nanos(*t)
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
	var answers, flags string
	var uidB []byte
	var received int64
	var answered, claimed, counter, officer, device, seq, enteredBy sql.NullInt64
	var dossier sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT id, uid, survey_id, survey_version, agency_id, counter_id, officer_id,
		device_id, device_seq, channel, dossier, answered_at, claimed_at, received_at, month, lang, `+answersOut+`, comment, partial,
		flags, excluded, content_hash, entered_by FROM responses WHERE uid = ?`, uidKey(uid)).
		Scan(&r.ID, &uidB, &r.SurveyID, &r.SurveyVersion, &r.AgencyID, &counter, &officer, &device, &seq,
			&r.Channel, &dossier, &answered, &claimed, &received, &r.Month, &r.Lang, &answers, &r.Comment, &r.Partial,
			&flags, &r.Excluded, &r.ContentHash, &enteredBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.CounterID, r.OfficerID, r.DeviceID, r.DeviceSeq, r.EnteredBy = counter.Int64, officer.Int64, device.Int64, seq.Int64, enteredBy.Int64
	r.UID, r.Dossier = uidText(uidB), dossier.String
	r.AnsweredAt, r.ClaimedAt, r.ReceivedAt = fromNullNanos(answered), fromNullNanos(claimed), fromNanos(received)
	if flags != "" {
		r.Flags = strings.Split(flags, ",")
	}
	if r.Answers, err = decodeAnswers(answers); err != nil {
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
	rows, err := db.read.QueryContext(ctx, `SELECT uid FROM responses ORDER BY uid`) // bytes sort as their hex does
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, uidText(b))
	}
	return out, closeRows(rows)
}
