package web

import (
	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/report"
)

// yearXLSX is GET /dashboard/agency/:code/year.xlsx: the year view's
// figures in full precision, one line per period and agency: the year so
// far, the same months last year, each month, and each child's year with
// its target, verdict and rank.
func (s *Server) yearXLSX(c echo.Context) error {
	t, err := s.yearScope(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	_, n, err := report.YearOf(t.Month)
	if err != nil {
		return err
	}
	st, err := s.Reports.Standing(ctx, t.Agency, t.Def, t.Month)
	if err != nil {
		return err
	}
	series, err := s.Reports.Series(ctx, t.Agency, t.Def, t.Month, n)
	if err != nil {
		return err
	}
	table, err := s.Reports.Year(ctx, t.Agency, t.Def, t.Month)
	if err != nil {
		return err
	}
	l := t.L
	fill := func(w exportRows) error {
		if err := w.row([]xcell{l.T("plan.export.kind"), l.T("dash.export.agency"), l.T("dash.export.name"), l.T("plan.export.from"),
			l.T("plan.export.to"), l.T("dash.export.responses"), l.T("dash.export.index"), l.T("dash.export.ci_lo"), l.T("dash.export.ci_hi"),
			l.T("plan.export.change"), l.T("plan.export.change_lo"), l.T("plan.export.change_hi"), l.T("plan.export.target"),
			l.T("plan.export.target_from"), l.T("plan.export.verdict"), l.T("plan.export.position")}); err != nil {
			return err
		}
		if err := standingRow(w, l, "year", st, 0); err != nil {
			return err
		}
		if err := scoreRow(w, l, "last_year", st.LastYear.Score, st.LastYear.From, st.LastYear.To); err != nil {
			return err
		}
		for _, sc := range series {
			if err := scoreRow(w, l, "month", sc, sc.Month, sc.Month); err != nil {
				return err
			}
		}
		for _, row := range table.Rows {
			pos, _ := table.Position(row.Agency.Code)
			if err := standingRow(w, l, "child", row, pos); err != nil {
				return err
			}
		}
		return nil
	}
	return streamXLSX(c, exportName(t, "nam", "xlsx"), l.T("plan.export.sheet"), fill)
}

// figureCells are a score's responses, index and interval.
func figureCells(sc *report.Score) []xcell {
	idx, ci := sc.Headline()
	out := []xcell{sc.Result.Responses, exportNum(idx), nil, nil}
	if ci != nil {
		out[2], out[3] = ci.Lo, ci.Hi
	}
	return out
}

func scoreRow(w exportRows, l *i18n.Localizer, kind string, sc *report.Score, from, to string) error {
	r := append([]xcell{l.T("plan.export.kind." + kind), sc.Agency.Code, sc.Agency.Name.In(l.Lang()), from, to}, figureCells(sc)...)
	return w.row(append(r, nil, nil, nil, nil, nil, nil, nil))
}

func standingRow(w exportRows, l *i18n.Localizer, kind string, st *report.Standing, pos int) error {
	r := append([]xcell{l.T("plan.export.kind." + kind), st.Agency.Code, st.Agency.Name.In(l.Lang()), st.From, st.To}, figureCells(st.Period.Score)...)
	if st.Change.Valid {
		r = append(r, st.Change.Delta, st.Change.Lo, st.Change.Hi)
	} else {
		r = append(r, nil, nil, nil)
	}
	if st.Target != nil {
		r = append(r, st.Target.Index, st.SetBy.Code, l.T("plan.verdict."+string(st.Verdict)))
	} else {
		r = append(r, nil, nil, l.T("plan.verdict.no_target"))
	}
	var p xcell
	if pos > 0 {
		p = pos
	}
	return w.row(append(r, p))
}
