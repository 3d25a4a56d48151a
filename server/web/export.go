package web

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/safecsv"
	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// Exports give the figures behind the scorecard to people who work in
// Excel. Numbers keep full precision ("." decimals in CSV, numeric cells in
// XLSX); the page rounds, the file does not. CSV starts with a UTF-8 BOM so
// that Excel reads Vietnamese correctly, and uses commas.

const (
	utf8BOM  = "\xEF\xBB\xBF"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// xcell is one value of an export row: text or a number (nil = empty).
type xcell = any

// exportRows writes a header and rows; CSV and XLSX share it.
type exportRows interface {
	row(cells []xcell) error
}

// scoreLevels are the scale values across the questionnaire's items, low
// to high: the count columns of the export.
func scoreLevels(def *survey.Definition) []int {
	seen := map[int]bool{}
	var out []int
	for _, q := range def.Items() {
		if q.Scale == nil {
			continue
		}
		for _, o := range q.Scale.Options {
			if !seen[o.Value] {
				seen[o.Value] = true
				out = append(out, o.Value)
			}
		}
	}
	sort.Ints(out)
	return out
}

func exportNum(f score.Figure) xcell {
	if !f.Valid {
		return nil
	}
	return f.Value
}

// writeScore writes the scorecard's table: the headline, then aspects,
// elements and items in official order (nd61: its criteria), each with n,
// NA, counts per level, satisfied answers, index, mean and interval.
func writeScore(w exportRows, l *i18n.Localizer, sc *report.Score) error {
	def, res := sc.Definition, sc.Result
	levels := scoreLevels(def)
	scale := commonScale(def)
	header := []xcell{l.T("dash.export.agency"), l.T("dash.export.month"), l.T("dash.export.survey"), l.T("dash.export.version"),
		l.T("dash.export.level"), l.T("dash.export.code"), l.T("dash.export.name"), l.T("dash.export.responses"),
		l.T("dash.export.excluded"), l.T("dash.export.n"), l.T("dash.export.na")}
	for _, v := range levels {
		header = append(header, l.T("dash.export.count", map[string]any{"Level": levelLabel(l, scale, v), "Value": v}))
	}
	header = append(header, l.T("dash.export.satisfied"), l.T("dash.export.index"), l.T("dash.export.mean"),
		l.T("dash.export.ci_lo"), l.T("dash.export.ci_hi"))
	if err := w.row(header); err != nil {
		return err
	}
	lang := l.Lang()
	line := func(kind, code, name string, idx score.Figure, t score.Tally) error {
		r := []xcell{sc.Agency.Code, sc.Month, def.ID, def.Version, l.T("dash.export.kind." + kind), code, name,
			res.Responses, sc.Excluded, t.N, t.NA}
		byValue := map[int]int{}
		for _, c := range t.Counts {
			byValue[c.Value] = c.Count
		}
		for _, v := range levels {
			r = append(r, byValue[v])
		}
		r = append(r, t.Satisfied, exportNum(idx), exportNum(t.Mean))
		if t.CI95 != nil {
			r = append(r, t.CI95.Lo, t.CI95.Hi)
		} else {
			r = append(r, nil, nil)
		}
		return w.row(r)
	}
	index, _ := res.Headline()
	if err := line("index", def.ID, indexLabel(l, def.Method), index, res.MainTally()); err != nil {
		return err
	}
	switch {
	case res.SIPAS != nil:
		for ai, a := range res.SIPAS.Aspects {
			if err := line("aspect", a.Code, def.Aspects[ai].Title.In(lang), a.Index, a.Tally); err != nil {
				return err
			}
			for _, e := range a.Elements {
				if err := line("element", e.Code, elementTitle(def, e.Code, lang), e.Index, e.Tally); err != nil {
					return err
				}
				for _, it := range e.Items {
					if err := line("item", it.Code, def.Question(it.Code).Text.In(lang), it.Index, it.Tally); err != nil {
						return err
					}
				}
			}
		}
	case res.Quick != nil:
		return line("item", res.Quick.Item, def.Question(res.Quick.Item).Text.In(lang), res.Quick.Index, res.Quick.Tally)
	case res.ND61 != nil:
		for _, c := range res.ND61.Criteria {
			if err := line("item", c.Code, def.Question(c.Code).Text.In(lang), c.Pooled, c.Tally); err != nil {
				return err
			}
		}
	}
	return writeDossierRows(w, l, sc, len(levels))
}

// writeDossierRows adds, where dossier counts exist, the response rate,
// the codes used and the QĐ 766 indicator in the same columns: the
// denominator under n, the numerator under satisfied, the rate as index
// (QĐ 766: dossiers handled under n, no numerator).
func writeDossierRows(w exportRows, l *i18n.Localizer, sc *report.Score, levels int) error {
	d := sc.Dossiers
	if d == nil {
		return nil
	}
	row := func(kind, code, name string, n int, num xcell, v score.Figure) error {
		r := []xcell{sc.Agency.Code, sc.Month, sc.Definition.ID, sc.Definition.Version, l.T("counts.export.kind." + kind), code, name,
			sc.Result.Responses, sc.Excluded, n, nil}
		r = append(r, make([]xcell, levels)...)
		return w.row(append(r, num, exportNum(v), nil, nil, nil))
	}
	if r := d.Responses; r != nil {
		if err := row("rate", "response_rate", l.T("counts.export.response_rate"), r.Den, r.Num, r.Value); err != nil {
			return err
		}
	}
	if r := d.Codes; r != nil {
		if err := row("rate", "code_rate", l.T("counts.export.code_rate"), r.Den, r.Num, r.Value); err != nil {
			return err
		}
	}
	if q := d.QD766; q != nil {
		return row("qd766", "qd766", l.T("counts.export.qd766"), q.Handled, nil, q.Index) // not a share of one count
	}
	return nil
}

// csvRows writes rows as CSV; numbers in full precision with "." decimals,
// text never as a formula (safecsv: a citizen's comment could be one).
type csvRows struct{ w *safecsv.Writer }

func (c csvRows) row(cells []xcell) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		switch x := v.(type) {
		case nil:
		case string:
			rec[i] = x
		case int:
			rec[i] = strconv.Itoa(x)
		case int64:
			rec[i] = strconv.FormatInt(x, 10)
		case float64:
			rec[i] = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			rec[i] = fmt.Sprint(x)
		}
	}
	return c.w.Write(rec)
}

// xlsxRows streams rows into one sheet.
type xlsxRows struct {
	sw *excelize.StreamWriter
	n  int
}

func (x *xlsxRows) row(cells []xcell) error {
	x.n++
	ref, err := excelize.CoordinatesToCellName(1, x.n)
	if err != nil {
		return err
	}
	return x.sw.SetRow(ref, cells)
}

// exportHeaders sets the download headers.
func exportHeaders(c echo.Context, mime, name string) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, mime)
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	h.Set("Cache-Control", "private, no-store")
	c.Response().WriteHeader(http.StatusOK)
}

// streamCSV writes a BOM and lets fill write rows, flushing as it goes.
func streamCSV(c echo.Context, name string, fill func(exportRows) error) error {
	exportHeaders(c, "text/csv; charset=utf-8", name)
	if _, err := io.WriteString(c.Response(), utf8BOM); err != nil {
		return err
	}
	w := safecsv.NewWriter(c.Response())
	if err := fill(&flushing{csvRows: csvRows{w}, c: c}); err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}

// flushing flushes the CSV writer and the response every few hundred rows,
// so a large export streams instead of building up in memory.
type flushing struct {
	csvRows
	c echo.Context
	n int
}

func (f *flushing) row(cells []xcell) error {
	if err := f.csvRows.row(cells); err != nil {
		return err
	}
	if f.n++; f.n%500 == 0 {
		f.w.Flush()
		if err := f.w.Error(); err != nil {
			return err
		}
		f.c.Response().Flush()
	}
	return nil
}

// streamXLSX builds one sheet with excelize's stream writer and sends it.
func streamXLSX(c echo.Context, name, sheet string, fill func(exportRows) error) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := fill(&xlsxRows{sw: sw}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	exportHeaders(c, mimeXLSX, name)
	_, err = x.WriteTo(c.Response())
	return err
}

func exportName(t *dashScope, kind, ext string) string {
	return fmt.Sprintf("sipas-%s-%s-%s-%s.%s", t.Agency.Code, t.Def.ID, t.Month, kind, ext)
}

func (s *Server) exportScore(c echo.Context, xlsx bool) error {
	t, err := s.dashTarget(c)
	if err != nil {
		return err
	}
	sc, err := s.Reports.Score(c.Request().Context(), t.Agency, t.Def, t.Month)
	if err != nil {
		return err
	}
	fill := func(w exportRows) error { return writeScore(w, t.L, sc) }
	if xlsx {
		return streamXLSX(c, exportName(t, "chiso", "xlsx"), t.L.T("dash.export.sheet.score"), fill)
	}
	return streamCSV(c, exportName(t, "chiso", "csv"), fill)
}

func (s *Server) exportScoreCSV(c echo.Context) error  { return s.exportScore(c, false) }
func (s *Server) exportScoreXLSX(c echo.Context) error { return s.exportScore(c, true) }
