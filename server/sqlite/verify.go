package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// TableRows is one table and how many rows it holds.
type TableRows struct {
	Table string
	Rows  int64
}

// CountRows counts the rows of every table, by name: what a restored copy
// is compared with by eye.
func (db *DB) CountRows(ctx context.Context) ([]TableRows, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var out []TableRows
	for rows.Next() {
		var t TableRows
		if err := rows.Scan(&t.Table); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM "`+out[i].Table+`"`).Scan(&out[i].Rows); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rollupTables are the counts the rollup worker keeps, with its map of
// agency months to responses; a rebuild rewrites all of them.
var rollupTables = []string{"rollup_answers", "rollup_scales", "rollup_responses", "rollup_items", "rollup_moments",
	"responses_by_agency_month", "rollup_state"}

// MatchesRebuild brings the counts up to date, then recounts them from the
// raw responses and reports whether the stored counts were already equal
// to the recount. Afterwards the database holds the recount either way.
func (r *Rollup) MatchesRebuild(ctx context.Context) (bool, error) {
	if _, err := r.CatchUp(ctx); err != nil {
		return false, err
	}
	before, err := r.db.digest(ctx, rollupTables)
	if err != nil {
		return false, err
	}
	if _, err := r.Rebuild(ctx); err != nil {
		return false, err
	}
	after, err := r.db.digest(ctx, rollupTables)
	if err != nil {
		return false, err
	}
	return before == after, nil
}

// digest hashes the tables' rows in primary-key order: the order the
// table is stored in, so millions of rows are read without a sort.
func (db *DB) digest(ctx context.Context, tables []string) (string, error) {
	h := sha256.New()
	for _, t := range tables {
		cols, key, err := db.columns(ctx, t)
		if err != nil {
			return "", err
		}
		rows, err := db.read.QueryContext(ctx, `SELECT * FROM "`+t+`" ORDER BY `+strings.Join(key, ", "))
		if err != nil {
			return "", err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		fmt.Fprintf(h, "table %s\n", t)
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", err
			}
			fmt.Fprintf(h, "%q\n", vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// columns returns a table's columns and its primary key's, in key order.
func (db *DB) columns(ctx context.Context, table string) (cols, key []string, err error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY pk`, table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var pk int
		if err := rows.Scan(&c, &pk); err != nil {
			return nil, nil, err
		}
		cols = append(cols, c)
		if pk > 0 {
			key = append(key, `"`+c+`"`)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(key) == 0 {
		return nil, nil, fmt.Errorf("table %s has no primary key to read it in order", table)
	}
	return cols, key, nil
}
