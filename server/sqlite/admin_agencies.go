package sqlite

import (
	"context"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// CreateAgency creates an agency and logs it, in one transaction.
func (db *DB) CreateAgency(ctx context.Context, a *survey.Agency, by survey.Actor, now time.Time) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sqlTx) error {
		if a.ParentID != 0 {
			if _, err := agencyTx(ctx, tx, a.ParentID); err != nil {
				return survey.FieldError("parent", "admin.error.parent_unknown", nil)
			}
		}
		id, err := insertAgency(ctx, tx, a, now)
		if err != nil {
			return err
		}
		a.ID = id
		return writeAudit(ctx, tx, by, now, "agency.create", "agency:"+a.Code, nil, a)
	})
}

func insertAgency(ctx context.Context, tx *sqlTx, a *survey.Agency, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO agencies
		(code, legacy_code, name_vi, name_en, kind, parent_id, valid_from, valid_to, successor_id, survey_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Code, nullStr(a.LegacyCode), a.Name["vi"], a.Name["en"], a.Kind, nullID(a.ParentID),
		nullStr(a.ValidFrom), nullStr(a.ValidTo), nullID(a.SuccessorID), nullStr(a.SurveyID), ts(now), ts(now))
	if err != nil {
		if isUnique(err) {
			return 0, survey.FieldError("code", "error.agency.duplicate", map[string]any{"Code": a.Code})
		}
		return 0, err
	}
	return res.LastInsertId()
}

func agencyTx(ctx context.Context, tx *sqlTx, id int64) (*survey.Agency, error) {
	return scanAgency(tx.QueryRowContext(ctx, `SELECT `+agencyCols+` FROM agencies WHERE id = ?`, id))
}

// changeAgency loads an agency in a transaction, lets change edit a copy,
// validates and stores it, and logs before → after under action.
func (db *DB) changeAgency(ctx context.Context, id int64, by survey.Actor, now time.Time, action string,
	change func(tx *sqlTx, a *survey.Agency) error) error {
	return db.tx(ctx, func(tx *sqlTx) error {
		before, err := agencyTx(ctx, tx, id)
		if err != nil {
			return err
		}
		after := *before
		after.Name = survey.Text{"vi": before.Name["vi"], "en": before.Name["en"]}
		if err := change(tx, &after); err != nil {
			return err
		}
		if err := after.Validate(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE agencies SET legacy_code = ?, name_vi = ?, name_en = ?, kind = ?, parent_id = ?,
			valid_from = ?, valid_to = ?, successor_id = ?, updated_at = ? WHERE id = ?`,
			nullStr(after.LegacyCode), after.Name["vi"], after.Name["en"], after.Kind, nullID(after.ParentID),
			nullStr(after.ValidFrom), nullStr(after.ValidTo), nullID(after.SuccessorID), ts(now), id)
		if err != nil {
			if isUnique(err) {
				return survey.FieldError("legacy_code", "admin.error.legacy_duplicate", map[string]any{"Code": after.LegacyCode})
			}
			return err
		}
		return writeAudit(ctx, tx, by, now, action, "agency:"+before.Code, before, &after)
	})
}

// AgencyEdit is what the rename form may change.
type AgencyEdit struct {
	NameVI, NameEN, LegacyCode string
	Kind                       survey.AgencyKind
	ValidFrom                  string
}

// UpdateAgency renames an agency and corrects its legacy code, kind and start date.
func (db *DB) UpdateAgency(ctx context.Context, id int64, e AgencyEdit, by survey.Actor, now time.Time) error {
	return db.changeAgency(ctx, id, by, now, "agency.update", func(_ *sqlTx, a *survey.Agency) error {
		a.Name = survey.Text{"vi": e.NameVI, "en": e.NameEN}
		a.LegacyCode, a.Kind, a.ValidFrom = e.LegacyCode, e.Kind, e.ValidFrom
		return nil
	})
}

// inTree reports whether candidate is id itself or below it, following
// children and merged agencies: a parent or successor there would make a cycle.
func inTree(ctx context.Context, tx *sqlTx, id, candidate int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `
		WITH RECURSIVE tree(id) AS (
			SELECT ?
			UNION
			SELECT a.id FROM agencies a JOIN tree t ON a.parent_id = t.id OR a.successor_id = t.id
		)
		SELECT count(*) FROM tree WHERE id = ?`, id, candidate).Scan(&n)
	return n > 0, err
}

// MoveAgency gives an agency a new parent (0 = a root). A parent inside the
// agency's own subtree is refused: the tree would become a cycle.
func (db *DB) MoveAgency(ctx context.Context, id, parentID int64, by survey.Actor, now time.Time) error {
	return db.changeAgency(ctx, id, by, now, "agency.move", func(tx *sqlTx, a *survey.Agency) error {
		if parentID != 0 {
			if _, err := agencyTx(ctx, tx, parentID); err != nil {
				return survey.FieldError("parent", "admin.error.parent_unknown", nil)
			}
			cyc, err := inTree(ctx, tx, id, parentID)
			if err != nil {
				return err
			}
			if cyc {
				return survey.FieldError("parent", "admin.error.cycle", nil)
			}
		}
		a.ParentID = parentID
		return nil
	})
}

// CloseAgency records the last day an agency existed. Its history stays.
func (db *DB) CloseAgency(ctx context.Context, id int64, date string, by survey.Actor, now time.Time) error {
	return db.changeAgency(ctx, id, by, now, "agency.close", func(_ *sqlTx, a *survey.Agency) error {
		if date == "" {
			return survey.FieldError("valid_to", "admin.error.date_required", nil)
		}
		a.ValidTo = date
		return nil
	})
}

// MergeAgency closes an agency on date and names its successor: from then on
// every report of the successor includes the merged agency's history
// (Subtree follows successor links). The successor must be open and may not
// lie inside the merged agency's own tree.
func (db *DB) MergeAgency(ctx context.Context, id, successorID int64, date string, by survey.Actor, now time.Time) error {
	return db.changeAgency(ctx, id, by, now, "agency.merge", func(tx *sqlTx, a *survey.Agency) error {
		succ, err := agencyTx(ctx, tx, successorID)
		if err != nil {
			return survey.FieldError("successor", "admin.error.successor_unknown", nil)
		}
		if succ.ValidTo != "" {
			return survey.FieldError("successor", "admin.error.successor_closed", map[string]any{"Code": succ.Code})
		}
		cyc, err := inTree(ctx, tx, id, successorID)
		if err != nil {
			return err
		}
		if cyc {
			return survey.FieldError("successor", "admin.error.cycle", nil)
		}
		if date == "" {
			return survey.FieldError("valid_to", "admin.error.date_required", nil)
		}
		a.SuccessorID, a.ValidTo = successorID, date
		return nil
	})
}
