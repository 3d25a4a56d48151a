package sqlite

import (
	"context"
	"encoding/json"

	"github.com/sipas-vn/sipas/server/survey"
)

// RegisterSurveys records each definition's version the first time it is
// seen, so responses always point at the exact definition they answered.
func (db *DB) RegisterSurveys(ctx context.Context, defs []*survey.Definition) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		for _, d := range defs {
			js, err := json.Marshal(d)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO surveys (id, version, method, definition, first_seen)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, d.ID, d.Version, d.Method, string(js), now()); err != nil {
				return err
			}
		}
		return nil
	})
}

// SurveyVersion is one stored version of a questionnaire.
type SurveyVersion struct {
	ID, Version, Method, FirstSeen string
}

// SurveyVersions lists every stored version of the questionnaire id, oldest first.
func (db *DB) SurveyVersions(ctx context.Context, id string) ([]SurveyVersion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, version, method, first_seen FROM surveys WHERE id = ? ORDER BY first_seen, version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SurveyVersion
	for rows.Next() {
		var v SurveyVersion
		if err := rows.Scan(&v.ID, &v.Version, &v.Method, &v.FirstSeen); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
