package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// BatchError says which item of a batch failed (0-based), so that an import
// can name the line; it unwraps to the item's error.
type BatchError struct {
	Index int
	Err   error
}

func (e *BatchError) Error() string { return e.Err.Error() }
func (e *BatchError) Unwrap() error { return e.Err }

// PutDossierCounts stores validated counts in one transaction, each one
// replacing what was stored for its counter and day, with one audit entry
// per count. An unknown counter is an error (a BatchError naming the
// item). Nothing is stored unless everything is.
func (db *DB) PutDossierCounts(ctx context.Context, counts []survey.DossierCount, by survey.Actor, now time.Time) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		ids := map[string]int64{}
		for i, d := range counts {
			id, ok := ids[d.Counter]
			if !ok {
				err := tx.QueryRowContext(ctx, `SELECT id FROM counters WHERE code = ?`, d.Counter).Scan(&id)
				if errors.Is(err, sql.ErrNoRows) {
					return &BatchError{i, survey.FieldError("counter", "error.counter.unknown", map[string]any{"Code": d.Counter})}
				}
				if err != nil {
					return err
				}
				ids[d.Counter] = id
			}
			var before *survey.DossierCount
			var b survey.DossierCount
			var handled, late, complaints sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT received, handled, late, complaints FROM dossier_counts WHERE counter_id = ? AND day = ?`,
				id, d.Date).Scan(&b.Received, &handled, &late, &complaints)
			switch {
			case err == nil:
				b.Counter, b.Date = d.Counter, d.Date
				b.Handled, b.Late, b.Complaints = intPtr(handled), intPtr(late), intPtr(complaints)
				before = &b
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_counts (counter_id, day, month, received, handled, late, complaints, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (counter_id, day) DO UPDATE SET received = excluded.received, handled = excluded.handled,
					late = excluded.late, complaints = excluded.complaints, updated_at = excluded.updated_at`,
				id, d.Date, d.Date[:7], d.Received, d.Handled, d.Late, d.Complaints, ts(now)); err != nil {
				return err
			}
			if err := writeAudit(ctx, tx, by, now, "dossiers.put", "counter:"+d.Counter+"@"+d.Date, before, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

// DossierCounts returns the counts stored for a counter in a month, by day.
func (db *DB) DossierCounts(ctx context.Context, counterID int64, month string) (map[string]survey.DossierCount, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.code, d.day, d.received, d.handled, d.late, d.complaints
		FROM dossier_counts d JOIN counters c ON c.id = d.counter_id WHERE d.counter_id = ? AND d.month = ?`, counterID, month)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]survey.DossierCount{}
	for rows.Next() {
		var d survey.DossierCount
		var handled, late, complaints sql.NullInt64
		if err := rows.Scan(&d.Counter, &d.Date, &d.Received, &handled, &late, &complaints); err != nil {
			return nil, err
		}
		d.Handled, d.Late, d.Complaints = intPtr(handled), intPtr(late), intPtr(complaints)
		out[d.Date] = d
	}
	return out, rows.Err()
}

// DossierTotals sums, over the counters of the agencies and a month: the
// dossier counts reported, the responses counted (every questionnaire,
// flagged ones left out, as the scores count them), and the one-time codes
// issued in the month and how many of them were used.
func (db *DB) DossierTotals(ctx context.Context, agencies []int64, month string) (survey.DossierTotals, error) {
	var t survey.DossierTotals
	ids, err := json.Marshal(agencies)
	if err != nil {
		return t, err
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return t, err
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(d.received), 0), count(d.handled), coalesce(sum(d.handled), 0),
			coalesce(sum(d.late), 0), coalesce(sum(d.complaints), 0)
		FROM dossier_counts d JOIN counters c ON c.id = d.counter_id
		WHERE d.month = ? AND c.agency_id IN (SELECT value FROM json_each(?))`, month, string(ids)).
		Scan(&t.Days, &t.Received, &t.HandledDays, &t.Handled, &t.Late, &t.Complaints)
	if err != nil || t.Days == 0 {
		return t, err
	}
	err = tx.QueryRowContext(ctx, `SELECT coalesce(sum(responses), 0) FROM rollup_responses
		WHERE month = ? AND agency_id IN (SELECT value FROM json_each(?)) AND excluded = 0`, month, string(ids)).Scan(&t.Responses)
	if err != nil {
		return t, err
	}
	// issued_at is UTC; the month is Asia/Ho_Chi_Minh's (UTC+7, no DST).
	err = tx.QueryRowContext(ctx, `SELECT count(*), count(t.used_at) FROM dossier_tokens t JOIN counters c ON c.id = t.counter_id
		WHERE strftime('%Y-%m', t.issued_at, '+7 hours') = ? AND c.agency_id IN (SELECT value FROM json_each(?))`, month, string(ids)).
		Scan(&t.CodesIssued, &t.CodesUsed)
	return t, err
}

// DossierBoundRatings counts the responses of a questionnaire in the
// agencies and month that were bound to a dossier by a one-time code
// (flagged ones left out), and how many of those scored one of the values
// in zero on any of the items named: the ratings QĐ 766 counts as "not
// satisfied" (docs/decisions/0015).
func (db *DB) DossierBoundRatings(ctx context.Context, agencies []int64, surveyID, month string, items []string, zero []int) (rated, notSatisfied int, err error) {
	ids, err := json.Marshal(agencies)
	if err != nil {
		return 0, 0, err
	}
	its, err := json.Marshal(items)
	if err != nil {
		return 0, 0, err
	}
	zs, err := json.Marshal(zero)
	if err != nil {
		return 0, 0, err
	}
	err = db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM json_each(r.answers) a
			WHERE a.key IN (SELECT value FROM json_each(?)) AND a.type = 'integer' AND a.value IN (SELECT value FROM json_each(?)))), 0)
		FROM responses r WHERE `+inAgencyMonths+` AND r.survey_id = ?
			AND r.excluded = 0 AND coalesce(r.dossier, '') <> ''`,
		append([]any{string(its), string(zs)}, append(inAgencyMonthsArgs(ids, month, month), surveyID)...)...).Scan(&rated, &notSatisfied)
	return rated, notSatisfied, err
}

// DossierTotalsByAgency is DossierTotals for every agency with dossier
// counts in the month, each agency on its own (not its subtree): a ranking
// sums them over each ranked agency's subtree.
func (db *DB) DossierTotalsByAgency(ctx context.Context, month string) (map[int64]*survey.DossierTotals, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := map[int64]*survey.DossierTotals{}
	get := func(id int64) *survey.DossierTotals {
		if out[id] == nil {
			out[id] = &survey.DossierTotals{}
		}
		return out[id]
	}
	scan := func(query string, fn func(id int64, a, b int)) error {
		rows, err := tx.QueryContext(ctx, query, month)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var a, b int
			if err := rows.Scan(&id, &a, &b); err != nil {
				return err
			}
			fn(id, a, b)
		}
		return rows.Err()
	}
	if err := scan(`SELECT c.agency_id, count(*), sum(d.received) FROM dossier_counts d JOIN counters c ON c.id = d.counter_id
		WHERE d.month = ? GROUP BY 1`, func(id int64, days, received int) { t := get(id); t.Days, t.Received = days, received }); err != nil {
		return nil, err
	}
	if err := scan(`SELECT agency_id, sum(responses), 0 FROM rollup_responses WHERE month = ? AND excluded = 0 GROUP BY 1`,
		func(id int64, n, _ int) { get(id).Responses = n }); err != nil {
		return nil, err
	}
	err = scan(`SELECT c.agency_id, count(*), count(t.used_at) FROM dossier_tokens t JOIN counters c ON c.id = t.counter_id
		WHERE strftime('%Y-%m', t.issued_at, '+7 hours') = ? GROUP BY 1`, func(id int64, issued, used int) {
		t := get(id)
		t.CodesIssued, t.CodesUsed = issued, used
	})
	return out, err
}

// SeedDossierCounts stores counts without audit entries, in one
// transaction: for the demo seeder only, whose tens of thousands of
// counter-days would otherwise flood the audit log. Counts are by counter ID.
func (db *DB) SeedDossierCounts(ctx context.Context, counts map[int64][]survey.DossierCount, now time.Time) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO dossier_counts (counter_id, day, month, received, handled, late, complaints, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (counter_id, day) DO UPDATE SET received = excluded.received,
			handled = excluded.handled, late = excluded.late, complaints = excluded.complaints, updated_at = excluded.updated_at`)
		if err != nil {
			return err
		}
		defer st.Close()
		for id, cs := range counts {
			for _, d := range cs {
				if _, err := st.ExecContext(ctx, id, d.Date, d.Date[:7], d.Received, d.Handled, d.Late, d.Complaints, ts(now)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
