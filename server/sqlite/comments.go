package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/sipas-vn/sipas/server/survey"
)

// The two places that read raw responses for people rather than for the
// formulas: the comments page and the raw export. Scorecards read the
// rollups only.

// Comment states for CommentQuery.State.
const (
	CommentsAll     = ""
	CommentsOpen    = "open"    // not yet marked as handled
	CommentsHandled = "handled" // marked as handled
)

// CommentQuery selects free-text comments of a scope, newest first.
type CommentQuery struct {
	Agencies []int64 // already expanded to a subtree
	Survey   string  // "" = every questionnaire
	From, To string  // months YYYY-MM, inclusive
	// Answers keeps only responses with at least one of these answers, as
	// "ITEM:value" pairs (the unsatisfied values of an element's items).
	Answers []string
	Search  string // case-insensitive substring of the comment; "" = any
	State   string // CommentsAll, CommentsOpen or CommentsHandled
	Offset  int
	Limit   int // 0 = no limit
}

// Comment is one response's free text with where and when it was given.
type Comment struct {
	ResponseID  int64
	At          time.Time // when the citizen answered, by the clock rule
	Month       string
	Channel     survey.Channel
	CounterCode string
	CounterName survey.Text
	SurveyID    string
	Text        string
	Flags       []string
	Excluded    bool
	HandledBy   string     // display name of who marked it handled
	HandledAt   *time.Time // nil while open
}

// Comments returns one page of the comments matching q and how many match in
// all. The search is done here rather than with LIKE, whose case folding is
// ASCII-only in SQLite: "ĐẤT" must find "đất". Both sides are NFC-normalised,
// so a comment typed with combining accents matches one typed precomposed.
func (db *DB) Comments(ctx context.Context, q CommentQuery) ([]*Comment, int, error) {
	ids, err := json.Marshal(q.Agencies)
	if err != nil {
		return nil, 0, err
	}
	query := `SELECT r.id, r.received_at, r.answered_at, r.month, r.channel, COALESCE(c.code, ''), COALESCE(c.name_vi, ''),
		COALESCE(c.name_en, ''), r.survey_id, r.comment, r.flags, r.excluded, COALESCE(u.display_name, ''), m.handled_at
		FROM responses r
		LEFT JOIN counters c ON c.id = r.counter_id
		LEFT JOIN comment_marks m ON m.response_id = r.id
		LEFT JOIN users u ON u.id = m.handled_by
		WHERE r.comment <> '' AND ` + inAgencyMonths
	args := inAgencyMonthsArgs(ids, q.From, q.To)
	if q.Survey != "" {
		query += ` AND r.survey_id = ?`
		args = append(args, q.Survey)
	}
	if q.Answers != nil {
		pairs, err := json.Marshal(q.Answers)
		if err != nil {
			return nil, 0, err
		}
		query += ` AND EXISTS (SELECT 1 FROM json_each(r.answers) j WHERE j.key || ':' || j.value IN (SELECT value FROM json_each(?)))`
		args = append(args, string(pairs))
	}
	switch q.State {
	case CommentsOpen:
		query += ` AND m.response_id IS NULL`
	case CommentsHandled:
		query += ` AND m.response_id IS NOT NULL`
	}
	query += ` ORDER BY r.received_at DESC, r.id DESC`
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	needle := fold(q.Search)
	var out []*Comment
	total := 0
	for rows.Next() {
		var cm Comment
		var flags, vi, en string
		var received int64
		var answered sql.NullInt64
		var handled sql.NullString
		if err := rows.Scan(&cm.ResponseID, &received, &answered, &cm.Month, &cm.Channel, &cm.CounterCode, &vi, &en,
			&cm.SurveyID, &cm.Text, &flags, &cm.Excluded, &cm.HandledBy, &handled); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if needle != "" && !strings.Contains(fold(cm.Text), needle) {
			continue
		}
		total++
		if total <= q.Offset || (q.Limit > 0 && len(out) >= q.Limit) {
			continue
		}
		cm.At = countedAt(received, answered, flags)
		cm.CounterName = survey.Text{"vi": vi, "en": en}
		cm.Flags = splitFlags(flags)
		if handled.Valid {
			t := parseTS(handled.String)
			cm.HandledAt = &t
		}
		out = append(out, &cm)
	}
	return out, total, closeRows(rows)
}

func fold(s string) string { return strings.ToLower(norm.NFC.String(strings.TrimSpace(s))) }

func splitFlags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// countedAt is the time a response counts at: the citizen's, unless the
// clock rule replaced it (flag "clock") or it is after the server received
// it. The rollups' day follows the same rule.
func countedAt(received int64, answered sql.NullInt64, flags string) time.Time {
	at := fromNanos(received)
	if answered.Valid && !slices.Contains(splitFlags(flags), "clock") {
		if a := fromNanos(answered.Int64); a.Before(at) {
			at = a
		}
	}
	return at
}

// ResponseAgency returns the agency a stored response belongs to, so that a
// mark can be scope-checked before it is written.
func (db *DB) ResponseAgency(ctx context.Context, responseID int64) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT agency_id FROM responses WHERE id = ? AND comment <> ''`, responseID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, survey.ErrNotFound
	}
	return id, err
}

// commentMark is a comment's handled mark as the audit log records it.
type commentMark struct {
	HandledBy int64  `json:"handled_by"`
	HandledAt string `json:"handled_at"`
}

// MarkComment marks a response's comment as handled by a user, or clears
// the mark, and writes the audit log in the same transaction: who marked a
// citizen's comment, and when, is the record that an agency answered it.
// Marking twice keeps the first who and when.
func (db *DB) MarkComment(ctx context.Context, responseID int64, by survey.Actor, handled bool, now time.Time) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		var before, after *commentMark
		var m commentMark
		err := tx.QueryRowContext(ctx, `SELECT handled_by, handled_at FROM comment_marks WHERE response_id = ?`, responseID).
			Scan(&m.HandledBy, &m.HandledAt)
		switch {
		case err == nil:
			before = &m
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		action := "comment.reopen"
		if handled {
			action, after = "comment.handle", before
			if after == nil {
				after = &commentMark{HandledBy: by.UserID, HandledAt: ts(now)}
				if _, err := tx.ExecContext(ctx, `INSERT INTO comment_marks (response_id, handled_by, handled_at) VALUES (?, ?, ?)`,
					responseID, by.UserID, after.HandledAt); err != nil {
					return err
				}
			}
		} else if _, err := tx.ExecContext(ctx, `DELETE FROM comment_marks WHERE response_id = ?`, responseID); err != nil {
			return err
		}
		var b, a any // typed nil pointers would be logged as "null", not as nothing
		if before != nil {
			b = before
		}
		if after != nil {
			a = after
		}
		return writeAudit(ctx, tx, by, now, action, "response:"+strconv.FormatInt(responseID, 10), b, a)
	})
}

// ExportRow is one raw response as the export writes it.
type ExportRow struct {
	ID          int64
	At          time.Time // by the clock rule, as on the comments page
	Channel     survey.Channel
	CounterCode string
	SurveyID    string
	Version     string
	Answers     survey.Answers
	Comment     string
	Flags       []string
	Excluded    bool
}

// EachResponse streams the raw responses to one questionnaire counted in
// month (YYYY-MM) at the agencies in id order, flagged ones included (the
// export says which are excluded). fn's error stops it.
func (db *DB) EachResponse(ctx context.Context, agencies []int64, surveyID, month string, fn func(*ExportRow) error) error {
	ids, err := json.Marshal(agencies)
	if err != nil {
		return err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.received_at, r.answered_at, r.channel, COALESCE(c.code, ''),
		r.survey_id, r.survey_version, json(r.answers), r.comment, r.flags, r.excluded
		FROM responses r LEFT JOIN counters c ON c.id = r.counter_id
		WHERE `+inAgencyMonths+` AND r.survey_id = ?
		ORDER BY r.id`, append(inAgencyMonthsArgs(ids, month, month), surveyID)...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r ExportRow
		var answers, flags string
		var received int64
		var answered sql.NullInt64
		if err := rows.Scan(&r.ID, &received, &answered, &r.Channel, &r.CounterCode, &r.SurveyID, &r.Version,
			&answers, &r.Comment, &flags, &r.Excluded); err != nil {
			rows.Close()
			return err
		}
		r.At = countedAt(received, answered, flags)
		r.Flags = splitFlags(flags)
		if r.Answers, err = decodeAnswers(answers); err != nil {
			rows.Close()
			return err
		}
		if err := fn(&r); err != nil {
			rows.Close()
			return err
		}
	}
	return closeRows(rows)
}
