package sqlite

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/safecsv"
	"github.com/sipas-vn/sipas/server/survey"
)

// AgencyCSVHeader is the header of agency import and export files.
var AgencyCSVHeader = []string{"code", "legacy_code", "name_vi", "name_en", "kind", "parent_code"}

// ImportError is one problem in an import file: where, and a message ID
// (admin.import.*) with its data.
type ImportError struct {
	Line    int
	Column  string
	Message string
	Data    map[string]any
}

// ImportErrors is every problem found in an import file; nothing was changed.
type ImportErrors []ImportError

// Error lists the problems on one line, for logs and the terminal.
func (e ImportErrors) Error() string {
	var b strings.Builder
	for i, ie := range e {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "line %d, %s: %s", ie.Line, ie.Column, ie.Message)
	}
	return b.String()
}

// ImportResult says what an import changed.
type ImportResult struct{ Created, Updated, Unchanged int }

type importRow struct {
	line                                 int
	code, legacy, nameVI, nameEN, parent string
	kind                                 survey.AgencyKind
}

// readAgencyCSV reads and checks each row on its own; problems that need the
// whole file (duplicates, parents, cycles) are found by checkAgencyRows.
func readAgencyCSV(r io.Reader) ([]importRow, ImportErrors) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a short row is reported with its line, not as a parse failure
	header, err := cr.Read()
	if err != nil {
		return nil, ImportErrors{{Line: 1, Column: "header", Message: "admin.import.header", Data: map[string]any{"Header": strings.Join(AgencyCSVHeader, ",")}}}
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // spreadsheets save a byte-order mark
	}
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(header[i]))
	}
	if !slices.Equal(header, AgencyCSVHeader) {
		return nil, ImportErrors{{Line: 1, Column: "header", Message: "admin.import.header", Data: map[string]any{"Header": strings.Join(AgencyCSVHeader, ",")}}}
	}
	var rows []importRow
	var errs ImportErrors
	for {
		rec, line, bad, ok := nextRecord(cr)
		if bad != nil {
			errs = append(errs, *bad)
		}
		if !ok {
			break
		}
		if len(rec) != len(AgencyCSVHeader) {
			errs = append(errs, ImportError{Line: line, Message: "admin.import.columns",
				Data: map[string]any{"Want": len(AgencyCSVHeader), "Got": len(rec)}})
			continue
		}
		for i := range rec {
			rec[i] = safecsv.Restore(strings.TrimSpace(rec[i]))
		}
		row := importRow{line: line, code: rec[0], legacy: rec[1], nameVI: rec[2], nameEN: rec[3], kind: survey.AgencyKind(rec[4]), parent: rec[5]}
		if !survey.ValidAgencyCode(row.code) {
			errs = append(errs, ImportError{line, "code", "admin.import.bad_code", map[string]any{"Code": row.code}})
		}
		if row.legacy != "" && !survey.ValidAgencyCode(row.legacy) {
			errs = append(errs, ImportError{line, "legacy_code", "admin.import.bad_code", map[string]any{"Code": row.legacy}})
		}
		if row.nameVI == "" {
			errs = append(errs, ImportError{line, "name_vi", "admin.import.missing_name", nil})
		}
		if !row.kind.Valid() {
			errs = append(errs, ImportError{line, "kind", "admin.import.unknown_kind", map[string]any{"Kind": string(row.kind)}})
		}
		if row.parent != "" && !survey.ValidAgencyCode(row.parent) {
			errs = append(errs, ImportError{line, "parent_code", "admin.import.bad_code", map[string]any{"Code": row.parent}})
		}
		rows = append(rows, row)
	}
	return rows, errs
}

// checkAgencyRows finds what needs the whole file and the stored tree:
// duplicate codes, unknown parents, legacy codes used twice, and cycles in
// the tree as it would be after the import.
func checkAgencyRows(rows []importRow, stored []*survey.Agency) ImportErrors {
	var errs ImportErrors
	parentOf := map[string]string{} // code → parent code, the tree after the import
	legacyOf := map[string]string{}
	byID := map[int64]string{}
	for _, a := range stored {
		byID[a.ID] = a.Code
	}
	for _, a := range stored {
		parentOf[a.Code] = byID[a.ParentID]
		legacyOf[a.Code] = a.LegacyCode
	}
	firstLine := map[string]int{}
	for _, r := range rows {
		if prev, dup := firstLine[r.code]; dup {
			errs = append(errs, ImportError{r.line, "code", "admin.import.duplicate", map[string]any{"Code": r.code, "Line": prev}})
			continue
		}
		firstLine[r.code] = r.line
		parentOf[r.code], legacyOf[r.code] = r.parent, r.legacy
	}
	legacyOwner := map[string]string{}
	for code, l := range legacyOf {
		if l != "" {
			if other, ok := legacyOwner[l]; !ok || code < other {
				legacyOwner[l] = code
			}
		}
	}
	for _, r := range rows {
		if firstLine[r.code] != r.line {
			continue
		}
		if r.legacy != "" && legacyOwner[r.legacy] != r.code {
			errs = append(errs, ImportError{r.line, "legacy_code", "admin.import.legacy_duplicate", map[string]any{"Code": r.legacy, "Other": legacyOwner[r.legacy]}})
		}
		if r.parent == "" {
			continue
		}
		if _, ok := parentOf[r.parent]; !ok {
			errs = append(errs, ImportError{r.line, "parent_code", "admin.import.unknown_parent", map[string]any{"Code": r.parent}})
			continue
		}
		// Walk up from the row: meeting the row again is a cycle. Any new
		// cycle passes through a changed row, so checking these finds all.
		for p, steps := r.parent, 0; p != "" && steps <= len(parentOf); p, steps = parentOf[p], steps+1 {
			if p == r.code {
				errs = append(errs, ImportError{r.line, "parent_code", "admin.import.cycle", map[string]any{"Code": r.parent}})
				break
			}
		}
	}
	slices.SortStableFunc(errs, func(a, b ImportError) int { return a.Line - b.Line })
	return errs
}

// ImportAgencies reads an agency CSV (AgencyCSVHeader) and creates or
// updates every row, matched by code, in one transaction. It checks the
// whole file first and changes nothing unless every row is valid; the
// ImportErrors it returns then list every problem. Parents may come later
// in the file than their children.
func (db *DB) ImportAgencies(ctx context.Context, r io.Reader, by survey.Actor, now time.Time) (ImportResult, error) {
	var res ImportResult
	rows, errs := readAgencyCSV(r)
	err := db.tx(ctx, func(tx *sqlTx) error {
		stored, err := agenciesTx(ctx, tx)
		if err != nil {
			return err
		}
		errs = append(errs, checkAgencyRows(rows, stored)...)
		if len(errs) > 0 {
			slices.SortStableFunc(errs, func(a, b ImportError) int { return a.Line - b.Line })
			return errs
		}
		byCode := map[string]*survey.Agency{}
		for _, a := range stored {
			byCode[a.Code] = a
		}
		// Pass 1: every row exists, without parents; pass 2: parents, now
		// that every code has an id, whatever the order of the file.
		created := map[string]bool{}
		for _, row := range rows {
			if byCode[row.code] != nil {
				continue
			}
			a := &survey.Agency{Code: row.code, Name: survey.Text{"vi": row.nameVI}, Kind: row.kind}
			if a.ID, err = insertAgency(ctx, tx, a, now); err != nil {
				return err
			}
			byCode[row.code], created[row.code] = a, true
			res.Created++
		}
		for _, row := range rows {
			before := *byCode[row.code]
			after := before
			after.LegacyCode, after.Name, after.Kind = row.legacy, survey.Text{"vi": row.nameVI, "en": row.nameEN}, row.kind
			after.ParentID = 0
			if row.parent != "" {
				after.ParentID = byCode[row.parent].ID
			}
			if !created[row.code] && sameAgency(&before, &after) {
				res.Unchanged++
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE agencies SET legacy_code = ?, name_vi = ?, name_en = ?, kind = ?, parent_id = ?, updated_at = ?
				WHERE id = ?`, nullStr(after.LegacyCode), after.Name["vi"], after.Name["en"], after.Kind, nullID(after.ParentID), ts(now), after.ID); err != nil {
				if isUnique(err) { // legacy codes were checked; only a race gets here
					return ImportErrors{{Line: row.line, Column: "legacy_code", Message: "admin.import.legacy_duplicate", Data: map[string]any{"Code": row.legacy, "Other": ""}}}
				}
				return err
			}
			var was any = &before
			if created[row.code] {
				was = nil
			} else {
				res.Updated++
			}
			if err := writeAudit(ctx, tx, by, now, "agency.import", "agency:"+row.code, was, &after); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

func sameAgency(a, b *survey.Agency) bool {
	return a.LegacyCode == b.LegacyCode && a.Name["vi"] == b.Name["vi"] && a.Name["en"] == b.Name["en"] &&
		a.Kind == b.Kind && a.ParentID == b.ParentID
}

func agenciesTx(ctx context.Context, tx *sqlTx) ([]*survey.Agency, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+agencyCols+` FROM agencies ORDER BY code`)
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

// ExportAgencies writes every agency as CSV (AgencyCSVHeader), by code; the
// file imports back unchanged.
func (db *DB) ExportAgencies(ctx context.Context, w io.Writer) error {
	all, err := db.Agencies(ctx)
	if err != nil {
		return err
	}
	code := map[int64]string{}
	for _, a := range all {
		code[a.ID] = a.Code
	}
	cw := safecsv.NewWriter(w) // a name like =HYPERLINK(...) stays text; readAgencyCSV restores it
	if err := cw.Write(AgencyCSVHeader); err != nil {
		return err
	}
	for _, a := range all {
		if err := cw.Write([]string{a.Code, a.LegacyCode, a.Name["vi"], a.Name["en"], string(a.Kind), code[a.ParentID]}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// nextRecord reads one record and its line; ok is false at the end of the
// file, or after a broken record (bad says where), since the reader cannot
// resynchronise after a broken quote.
func nextRecord(cr *csv.Reader) (rec []string, line int, bad *ImportError, ok bool) {
	rec, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, nil, false
	}
	line, _ = cr.FieldPos(0)
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.Line
		}
		return nil, line, &ImportError{Line: line, Message: "admin.import.unreadable"}, false
	}
	return rec, line, nil, true
}
