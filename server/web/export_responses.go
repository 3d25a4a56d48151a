package web

import (
	"encoding/json"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// The raw export: every response of the month within the agency's subtree
// for one questionnaire, flagged ones included and marked, one row each.
// Like the comments page it reads raw responses; it streams them.

// rawHeader is the export's first row: fixed columns, then one column per
// question of the questionnaire in display order.
func rawHeader(l *i18n.Localizer, def *survey.Definition) []xcell {
	h := []xcell{l.T("dash.export.id"), l.T("dash.export.time"), l.T("dash.export.channel"), l.T("dash.export.counter"),
		l.T("dash.export.survey"), l.T("dash.export.version")}
	for _, q := range def.Questions() {
		h = append(h, q.Code)
	}
	return append(h, l.T("dash.export.comment"), l.T("dash.export.flags"), l.T("dash.export.excluded_flag"))
}

// answerCell writes one answer: a scale value as a number, option codes as
// text (several joined by "|"), "NA" for "Không trả lời / Không áp dụng",
// and nothing for a question not shown or not reached.
func answerCell(q *survey.Question, v json.RawMessage, ok bool) xcell {
	if !ok {
		return nil
	}
	s := strings.TrimSpace(string(v))
	if s == "" || s == "null" {
		if q.Kind == survey.KindText {
			return nil
		}
		return "NA"
	}
	switch q.Kind {
	case survey.KindScale:
		if n, ok := survey.ScaleValue(v); ok {
			return n
		}
	case survey.KindMulti:
		var codes []string
		if json.Unmarshal(v, &codes) == nil {
			return strings.Join(codes, "|")
		}
	default:
		var str string
		if json.Unmarshal(v, &str) == nil {
			return str
		}
	}
	return s
}

// rawRow is one response as cells.
func rawRow(l *i18n.Localizer, def *survey.Definition, r *sqlite.ExportRow) []xcell {
	row := []xcell{r.ID, r.At.In(survey.Zone).Format("02/01/2006 15:04"), string(r.Channel), r.CounterCode, r.SurveyID, r.Version}
	for _, q := range def.Questions() {
		v, ok := r.Answers.Lookup(q.Code)
		row = append(row, answerCell(q, v, ok))
	}
	excluded := l.T("label.no")
	if r.Excluded {
		excluded = l.T("label.yes")
	}
	return append(row, r.Comment, strings.Join(r.Flags, ","), excluded)
}

func (s *Server) exportResponses(c echo.Context, xlsx bool) error {
	t, err := s.dashTarget(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ids, err := s.DB.SubtreeIn(ctx, t.Agency.ID, t.Month) // the responses behind the month's figures
	if err != nil {
		return err
	}
	fill := func(w exportRows) error {
		if err := w.row(rawHeader(t.L, t.Def)); err != nil {
			return err
		}
		return s.DB.EachResponse(ctx, ids, t.Def.ID, t.Month, func(r *sqlite.ExportRow) error {
			return w.row(rawRow(t.L, t.Def, r))
		})
	}
	if xlsx {
		return streamXLSX(c, exportName(t, "phieu", "xlsx"), t.L.T("dash.export.sheet.responses"), fill)
	}
	return streamCSV(c, exportName(t, "phieu", "csv"), fill)
}

func (s *Server) exportResponsesCSV(c echo.Context) error  { return s.exportResponses(c, false) }
func (s *Server) exportResponsesXLSX(c echo.Context) error { return s.exportResponses(c, true) }
