package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// agencyRow is one line of the agency tree as listed.
type agencyRow struct {
	*survey.Agency
	Depth     int // 0–6; deeper levels are shown at 6 (CSS classes, no inline style)
	Successor string
}

type agencyForm struct {
	Code, LegacyCode, NameVI, NameEN, Kind, Parent string
}

type importProblem struct {
	Line   int
	Column string
	Reason string
}

type adminAgenciesPage struct {
	adminBase
	Rows     []agencyRow
	Kinds    []survey.AgencyKind
	Parents  []agencyOption
	Form     agencyForm
	Problems []importProblem
}

// agencyTree orders agencies depth-first from the roots, children by code.
func agencyTree(all []*survey.Agency) []agencyRow {
	children := map[int64][]*survey.Agency{}
	code := map[int64]string{}
	for _, a := range all { // all is sorted by code, so children stay sorted
		children[a.ParentID] = append(children[a.ParentID], a)
		code[a.ID] = a.Code
	}
	var out []agencyRow
	seen := map[int64]bool{}
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, a := range children[parent] {
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			out = append(out, agencyRow{Agency: a, Depth: min(depth, 6), Successor: code[a.SuccessorID]})
			walk(a.ID, depth+1)
		}
	}
	walk(0, 0)
	return out
}

func (s *Server) agenciesPage(c echo.Context) (adminAgenciesPage, error) {
	p := adminAgenciesPage{adminBase: s.base(c, "admin.agencies.title"), Kinds: survey.AgencyKinds}
	all, err := s.DB.Agencies(c.Request().Context())
	if err != nil {
		return p, err
	}
	p.Rows = agencyTree(all)
	p.Parents, err = s.agencyOptions(c)
	return p, err
}

// adminAgencies is GET /admin/agencies: the tree, a form to add one, CSV import and export.
func (s *Server) adminAgencies(c echo.Context) error {
	p, err := s.agenciesPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_agencies", p)
}

// adminAgencyCreate is POST /admin/agencies.
func (s *Server) adminAgencyCreate(c echo.Context) error {
	f := agencyForm{Code: strings.ToUpper(strings.TrimSpace(c.FormValue("code"))), LegacyCode: strings.TrimSpace(c.FormValue("legacy_code")),
		NameVI: strings.TrimSpace(c.FormValue("name_vi")), NameEN: strings.TrimSpace(c.FormValue("name_en")),
		Kind: c.FormValue("kind"), Parent: c.FormValue("parent")}
	a := &survey.Agency{Code: f.Code, LegacyCode: f.LegacyCode, Name: survey.Text{"vi": f.NameVI, "en": f.NameEN}, Kind: survey.AgencyKind(f.Kind)}
	var err error
	if a.ParentID, err = s.agencyIDByCode(c, f.Parent, "parent"); err == nil {
		err = s.DB.CreateAgency(c.Request().Context(), a, s.actor(c), s.Clock.Now())
	}
	if err == nil {
		return s.done(c, "/admin/agencies/"+a.Code, "admin.flash.agency_created", a.Code)
	}
	errs, err := s.formErrors(c, err, "", "code")
	if err != nil {
		return err
	}
	p, err := s.agenciesPage(c)
	if err != nil {
		return err
	}
	p.Errors, p.Form = errs, f
	return s.render(c, http.StatusUnprocessableEntity, "admin_agencies", p)
}

// maxImport bounds an uploaded CSV: 3,321 communes are about 400 KB.
const maxImport = 8 << 20

// adminAgencyImport is POST /admin/agencies/import: a CSV file; every bad
// row is listed and nothing changes unless all are valid.
func (s *Server) adminAgencyImport(c echo.Context) error {
	l := s.localizer(c)
	var data []byte
	fh, err := c.FormFile("file")
	if err == nil && fh.Size <= maxImport {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		data, err = io.ReadAll(io.LimitReader(f, maxImport))
		f.Close()
		if err != nil {
			return err
		}
	}
	var res sqlite.ImportResult
	if len(data) == 0 {
		err = survey.FieldError("file", "admin.import.no_file", nil)
	} else {
		res, err = s.DB.ImportAgencies(c.Request().Context(), bytes.NewReader(data), s.actor(c), s.Clock.Now())
	}
	if err == nil {
		return s.done(c, "/admin/agencies", "admin.flash.imported", l.Int(res.Created)+"/"+l.Int(res.Updated))
	}
	p, perr := s.agenciesPage(c)
	if perr != nil {
		return perr
	}
	var ie sqlite.ImportErrors
	if errors.As(err, &ie) {
		p.Errors = []fieldError{{ID: "file", Message: l.T("admin.import.failed", map[string]any{"Count": l.Int(len(ie))})}}
		for _, e := range ie {
			p.Problems = append(p.Problems, importProblem{Line: e.Line, Column: e.Column, Reason: l.T(e.Message, localizeData(l, e.Data))})
		}
		return s.render(c, http.StatusUnprocessableEntity, "admin_agencies", p)
	}
	if p.Errors, err = s.formErrors(c, err, "", "file"); err != nil {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, "admin_agencies", p)
}

// adminAgencyExport is GET /admin/agencies/export.csv.
func (s *Server) adminAgencyExport(c echo.Context) error {
	var buf bytes.Buffer
	if err := s.DB.ExportAgencies(c.Request().Context(), &buf); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="agencies.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
