package sqlite

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/safecsv"
	"github.com/sipas-vn/sipas/server/survey"
)

// DossierCSVColumns are the columns of `sipas dossiers import`: the first
// three are required, the others optional, in any order.
var DossierCSVColumns = []string{"counter", "date", "received", "handled", "late", "complaints"}

// ImportDossierCounts reads a CSV of dossier counts and stores every row or
// none: any problem is reported with its line and column, and nothing is
// changed. A row for a counter and day already stored replaces it.
func (db *DB) ImportDossierCounts(ctx context.Context, r io.Reader, by survey.Actor, now time.Time) (int, error) {
	counts, lines, errs := readDossierCSV(r)
	seen := map[string]int{}
	known := map[string]bool{}
	for i, d := range counts {
		key := strings.ToUpper(d.Counter) + "@" + d.Date
		if first, ok := seen[key]; ok {
			errs = append(errs, ImportError{lines[i], "date", "error.dossiers.duplicate_line", map[string]any{"Line": first}})
			continue
		}
		seen[key] = lines[i]
		ok, cached := known[d.Counter]
		if !cached {
			_, err := db.CounterByCode(ctx, d.Counter)
			if err != nil && !errors.Is(err, survey.ErrNotFound) {
				return 0, err
			}
			ok = err == nil
			known[d.Counter] = ok
		}
		if !ok {
			errs = append(errs, ImportError{lines[i], "counter", "error.counter.unknown", map[string]any{"Code": d.Counter}})
		}
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b ImportError) int { return a.Line - b.Line })
		return 0, errs
	}
	if err := db.PutDossierCounts(ctx, counts, by, now); err != nil {
		var be *BatchError
		var de *survey.Error
		if errors.As(err, &be) && errors.As(be.Err, &de) { // a counter removed meanwhile
			return 0, ImportErrors{{lines[be.Index], de.Field, de.Message, de.Data}}
		}
		return 0, err
	}
	return len(counts), nil
}

// readDossierCSV parses the rows and checks each on its own; lines[i] is
// the line of counts[i].
func readDossierCSV(r io.Reader) (counts []survey.DossierCount, lines []int, errs ImportErrors) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	headerErr := ImportErrors{{Line: 1, Column: "header", Message: "admin.import.header", Data: map[string]any{"Header": strings.Join(DossierCSVColumns, ",")}}}
	header, err := cr.Read()
	if err != nil {
		return nil, nil, headerErr
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; dup || !slices.Contains(DossierCSVColumns, h) {
			return nil, nil, headerErr
		}
		col[h] = i
	}
	for _, h := range DossierCSVColumns[:3] {
		if _, ok := col[h]; !ok {
			return nil, nil, headerErr
		}
	}
	for {
		rec, line, broken, ok := nextRecord(cr)
		if broken != nil {
			errs = append(errs, *broken)
		}
		if !ok {
			break
		}
		if len(rec) != len(header) {
			errs = append(errs, ImportError{Line: line, Message: "admin.import.columns", Data: map[string]any{"Want": len(header), "Got": len(rec)}})
			continue
		}
		cell := func(name string) (string, bool) {
			i, ok := col[name]
			if !ok {
				return "", false
			}
			v := safecsv.Restore(strings.TrimSpace(rec[i]))
			return v, v != ""
		}
		d := survey.DossierCount{}
		d.Counter, _ = cell("counter")
		d.Date, _ = cell("date")
		bad := false
		num := func(name string) *int {
			v, ok := cell(name)
			if !ok {
				if name == "received" {
					errs = append(errs, ImportError{line, name, "error.dossiers.received", nil})
					bad = true
				}
				return nil
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, ImportError{line, name, "error.dossiers.count", map[string]any{"Max": survey.MaxDossiersADay}})
				bad = true
				return nil
			}
			return &n
		}
		if rv := num("received"); rv != nil {
			d.Received = *rv
		}
		d.Handled, d.Late, d.Complaints = num("handled"), num("late"), num("complaints")
		if bad {
			continue
		}
		if err := d.Validate(); err != nil {
			var de *survey.Error
			if errors.As(err, &de) {
				errs = append(errs, ImportError{line, de.Field, de.Message, de.Data})
				continue
			}
			return nil, nil, ImportErrors{{Line: line, Message: "admin.import.unreadable"}}
		}
		counts, lines = append(counts, d), append(lines, line)
	}
	return counts, lines, errs
}
