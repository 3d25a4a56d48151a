package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"maps"

	"github.com/sipas-vn/sipas/server/survey"
)

const agencyCols = `id, code, COALESCE(legacy_code, ''), name_vi, name_en, kind, COALESCE(parent_id, 0),
	COALESCE(valid_from, ''), COALESCE(valid_to, ''), COALESCE(successor_id, 0), COALESCE(survey_id, '')`

func scanAgency(row interface{ Scan(...any) error }) (*survey.Agency, error) {
	var a survey.Agency
	var vi, en string
	err := row.Scan(&a.ID, &a.Code, &a.LegacyCode, &vi, &en, &a.Kind, &a.ParentID,
		&a.ValidFrom, &a.ValidTo, &a.SuccessorID, &a.SurveyID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	a.Name = survey.Text{"vi": vi, "en": en}
	return &a, nil
}

// AgencyByCode returns the agency with the given code (mã định danh).
func (db *DB) AgencyByCode(ctx context.Context, code string) (*survey.Agency, error) {
	return scanAgency(db.read.QueryRowContext(ctx, `SELECT `+agencyCols+` FROM agencies WHERE code = ?`, code))
}

// Agency returns the agency with the given ID.
func (db *DB) Agency(ctx context.Context, id int64) (*survey.Agency, error) {
	return scanAgency(db.read.QueryRowContext(ctx, `SELECT `+agencyCols+` FROM agencies WHERE id = ?`, id))
}

// Agencies returns every agency ordered by code, as copies the caller may
// change.
func (db *DB) Agencies(ctx context.Context) ([]*survey.Agency, error) {
	tree, err := db.AgencyTree(ctx)
	if err != nil {
		return nil, err
	}
	cached := tree.All()
	out := make([]*survey.Agency, len(cached))
	for i, a := range cached {
		c := *a
		c.Name = maps.Clone(a.Name)
		out[i] = &c
	}
	return out, nil
}

// AgencyTree returns the agency tree with its history, shared and
// read-only. Scorecards, pickers and rankings all walk it, so it is kept in
// memory and reloaded only when the agencies_version counter (bumped by
// triggers on every change) moves.
func (db *DB) AgencyTree(ctx context.Context) (*survey.Tree, error) {
	var version int64
	if err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'agencies_version'`).Scan(&version); err != nil {
		return nil, err
	}
	db.agencyMu.Lock()
	cached := db.agencyCache
	db.agencyMu.Unlock()
	if cached != nil && cached.Version == version {
		return cached, nil
	}
	loaded, err := db.loadAgencies(ctx)
	if err != nil {
		return nil, err
	}
	tree := survey.NewTree(loaded, version)
	db.agencyMu.Lock()
	db.agencyCache = tree
	db.agencyMu.Unlock()
	return tree, nil
}

func (db *DB) loadAgencies(ctx context.Context) ([]*survey.Agency, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+agencyCols+` FROM agencies ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Agency
	for rows.Next() {
		a, err := scanAgency(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Subtree returns the IDs of the agency and everything below it, plus the
// agencies merged into any of them, at any time: whose responses the agency
// may see. Figures for a month use SubtreeIn, the tree as it was then.
func (db *DB) Subtree(ctx context.Context, id int64) ([]int64, error) {
	tree, err := db.AgencyTree(ctx)
	if err != nil {
		return nil, err
	}
	return tree.Subtree(id), nil
}

// SubtreeIn returns the IDs of the agency and everything below it as the
// tree stood in month (see survey.Tree.SubtreeIn): whose responses make the
// agency's figures for that month.
func (db *DB) SubtreeIn(ctx context.Context, id int64, month string) ([]int64, error) {
	tree, err := db.AgencyTree(ctx)
	if err != nil {
		return nil, err
	}
	return tree.SubtreeIn(id, month), nil
}

// SurveyFor returns the questionnaire an agency uses: its own assignment or
// the nearest ancestor's; "" when none in the chain has one.
func (db *DB) SurveyFor(ctx context.Context, agencyID int64) (string, error) {
	var id string
	err := db.read.QueryRowContext(ctx, `
		WITH RECURSIVE up(id, parent_id, survey_id, depth) AS (
			SELECT id, parent_id, survey_id, 0 FROM agencies WHERE id = ?
			UNION ALL
			SELECT a.id, a.parent_id, a.survey_id, up.depth + 1 FROM agencies a JOIN up ON a.id = up.parent_id
		)
		SELECT COALESCE((SELECT survey_id FROM up WHERE survey_id IS NOT NULL ORDER BY depth LIMIT 1), '')`,
		agencyID).Scan(&id)
	return id, err
}

// CountAgencies returns how many agencies exist.
func (db *DB) CountAgencies(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM agencies`).Scan(&n)
	return n, err
}
