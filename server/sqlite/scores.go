package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// Scope selects rolled-up counts: agencies (already expanded to a subtree),
// one questionnaire, and a range of months.
type Scope struct {
	Agencies        []int64
	Survey          string
	From, To        string // months YYYY-MM, inclusive
	IncludeExcluded bool   // count flagged responses too
}

// GroupBy splits a tally by one dimension.
type GroupBy string

// Dimensions a tally can be split by.
const (
	ByNone    GroupBy = ""
	ByMonth   GroupBy = "month"
	ByCounter GroupBy = "counter_id"
	ByOfficer GroupBy = "officer_id"
	ByAgency  GroupBy = "agency_id"
	ByChannel GroupBy = "channel"
	ByDay     GroupBy = "day" // responses only
)

// TallyRow is what the rollups hold for one group of a scope, summed. The
// report package reads it as its Tally; the formulas never see storage.
type TallyRow struct {
	Responses   int
	Excluded    int // flagged responses left out
	Partial     int
	Unsatisfied int
	WithComment int
	Answers     map[string]map[string]int // question → value ("1".."5", "NA", option code) → answers
	Moments     map[string]score.Moments  // plan node → per-respondent sums (score.Plan)
}

// args lists the months of the scope one by one: with month IN (…) and
// agency_id IN (…) SQLite seeks the primary key (month, agency_id, …)
// straight to each pair, where a month range would scan whole months.
func (sc Scope) args() ([]any, error) {
	from, err := survey.ParseMonth(sc.From)
	if err != nil {
		return nil, err
	}
	to, err := survey.ParseMonth(sc.To)
	if err != nil {
		return nil, err
	}
	var months []string
	for m := from; !m.After(to) && len(months) < 600; m = m.AddDate(0, 1, 0) {
		months = append(months, m.Format("2006-01"))
	}
	ms, err := json.Marshal(months)
	if err != nil {
		return nil, err
	}
	ids, err := json.Marshal(sc.Agencies)
	if err != nil {
		return nil, err
	}
	return []any{string(ms), string(ids), sc.Survey}, nil
}

const scopeWhere = `month IN (SELECT value FROM json_each(?)) AND agency_id IN (SELECT value FROM json_each(?)) AND survey_id = ?`

// Tallies returns the counts of a scope split by one dimension (the key is
// the dimension's value as text; "" for ByNone). Its queries read one
// snapshot: the rollup worker commits every second, and responses read
// before one of its commits with answers read after would not add up.
func (db *DB) Tallies(ctx context.Context, sc Scope, by GroupBy) (map[string]*TallyRow, error) {
	args, err := sc.args()
	if err != nil {
		return nil, err
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	group := "''"
	if by != ByNone {
		group = string(by)
	}
	out := map[string]*TallyRow{}
	get := func(k string) *TallyRow {
		t := out[k]
		if t == nil {
			t = &TallyRow{Answers: map[string]map[string]int{}, Moments: map[string]score.Moments{}}
			out[k] = t
		}
		return t
	}
	// Responses: the per-response figures, and how many flagged ones are left out.
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT %s, excluded, sum(responses), sum(partial), sum(unsatisfied), sum(with_comment)
		FROM rollup_responses WHERE `+scopeWhere+` GROUP BY 1, 2`, group), args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k string
		var excluded bool
		var n, partial, unsat, comments int
		if err := rows.Scan(&k, &excluded, &n, &partial, &unsat, &comments); err != nil {
			rows.Close()
			return nil, err
		}
		t := get(k)
		if excluded && !sc.IncludeExcluded {
			t.Excluded += n
			continue
		}
		t.Responses += n
		t.Partial += partial
		t.Unsatisfied += unsat
		t.WithComment += comments
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}
	if by == ByDay {
		return out, nil
	}
	excl := " AND excluded = 0"
	if sc.IncludeExcluded {
		excl = ""
	}
	rows, err = tx.QueryContext(ctx, fmt.Sprintf(`SELECT %s, question, value, sum(n) FROM rollup_answers
		WHERE `+scopeWhere+excl+` GROUP BY 1, 2, 3`, group), args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k, q, v string
		var n int
		if err := rows.Scan(&k, &q, &v, &n); err != nil {
			rows.Close()
			return nil, err
		}
		t := get(k)
		if t.Answers[q] == nil {
			t.Answers[q] = map[string]int{}
		}
		t.Answers[q][v] += n
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, fmt.Sprintf(`SELECT %s, question, sum(na), sum(v0), sum(v1), sum(v2), sum(v3), sum(v4),
		sum(v5), sum(v6), sum(v7), sum(v8), sum(v9), sum(v10) FROM rollup_scales
		WHERE `+scopeWhere+excl+` GROUP BY 1, 2`, group), args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k, q string
		var c [scaleSlots]int
		if err := rows.Scan(&k, &q, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8], &c[9], &c[10], &c[11]); err != nil {
			rows.Close()
			return nil, err
		}
		t := get(k)
		if t.Answers[q] == nil {
			t.Answers[q] = map[string]int{}
		}
		for slot, n := range c {
			if n != 0 {
				t.Answers[q][scaleValueText(slot)] += n
			}
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, fmt.Sprintf(`SELECT %s, node, sum(n), sum(t), sum(v), sum(tt), sum(tv), sum(vv)
		FROM rollup_moments WHERE `+scopeWhere+excl+` GROUP BY 1, 2`, group), args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k, node string
		var m score.Moments
		if err := rows.Scan(&k, &node, &m.N, &m.T, &m.V, &m.TT, &m.TV, &m.VV); err != nil {
			rows.Close()
			return nil, err
		}
		t := get(k)
		cur := t.Moments[node]
		cur.Merge(m)
		t.Moments[node] = cur
	}
	return out, closeRows(rows)
}

// scaleValueText is the answer value a rollup_scales slot counts, as
// rollup_answers writes it: "NA", or the value.
func scaleValueText(slot int) string {
	if slot == 0 {
		return "NA"
	}
	return scaleText[slot-1]
}

func closeRows(rows interface {
	Err() error
	Close() error
}) error {
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	return rows.Close()
}

// Shares are an agency's per-item satisfied counts for a month, from
// rollup_items: all a ranking needs.
type Shares struct {
	Responses int
	Excluded  int
	Items     map[string][2]int // question → {valid answers, satisfied answers}
	Index     score.Moments     // the index's per-respondent sums
}

// ItemShares returns the shares of every agency for one month and
// questionnaire, flagged responses left out. A ranking of thousands of
// agencies waits on it, so it reads no more than it uses: rollup_items'
// key is exactly (month, survey, agency, question, excluded), one row
// each and nothing to group; the moments are read only from the
// responses rows (the empty question), and the items only where counted.
func (db *DB) ItemShares(ctx context.Context, month, surveyID string) (map[int64]*Shares, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // both reads from one snapshot
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT agency_id, excluded, valid, mn, mt, mv, mtt, mtv, mvv FROM rollup_items
		WHERE month = ? AND survey_id = ? AND question = ''`, month, surveyID)
	if err != nil {
		return nil, err
	}
	out := map[int64]*Shares{}
	for rows.Next() {
		var agency int64
		var excluded bool
		var valid int
		var m score.Moments
		if err := rows.Scan(&agency, &excluded, &valid, &m.N, &m.T, &m.V, &m.TT, &m.TV, &m.VV); err != nil {
			rows.Close()
			return nil, err
		}
		sh := out[agency]
		if sh == nil {
			sh = &Shares{Items: map[string][2]int{}}
			out[agency] = sh
		}
		if excluded {
			sh.Excluded += valid
		} else {
			sh.Responses += valid
			sh.Index.Merge(m)
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT agency_id, question, valid, satisfied FROM rollup_items
		WHERE month = ? AND survey_id = ? AND question <> '' AND excluded = 0`, month, surveyID)
	if err != nil {
		return nil, err
	}
	codes := map[string]string{} // each question's code, allocated once
	for rows.Next() {
		var agency int64
		var raw sql.RawBytes
		var valid, sat int
		if err := rows.Scan(&agency, &raw, &valid, &sat); err != nil {
			rows.Close()
			return nil, err
		}
		q, ok := codes[string(raw)]
		if !ok {
			q = string(raw)
			codes[q] = q
		}
		sh := out[agency]
		if sh == nil { // answers counted without their responses row: cannot happen, kept whole anyway
			sh = &Shares{Items: map[string][2]int{}}
			out[agency] = sh
		}
		v := sh.Items[q]
		sh.Items[q] = [2]int{v[0] + valid, v[1] + sat}
	}
	return out, closeRows(rows)
}
