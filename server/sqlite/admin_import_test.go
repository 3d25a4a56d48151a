package sqlite

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

var adminNow = time.Date(2026, 11, 27, 9, 0, 0, 0, survey.Zone)

const csvHeader = "code,legacy_code,name_vi,name_en,kind,parent_code\n"

func TestImportReportsEveryBadRowAndChangesNothing(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	mustAgency(t, db, &survey.Agency{Code: "H17", Name: survey.Text{"vi": "UBND TP Cần Thơ"}, Kind: survey.KindProvincePC})
	file := csvHeader +
		"H17.1,,Sở Nội vụ,,so,H17\n" + // line 2: fine
		"h17.2,,Sở Tư pháp,,so,H17\n" + // 3: lower case code
		"H17.3,,Sở Y tế,,benh_vien,H17\n" + // 4: unknown kind
		"H17.4,,Sở Xây dựng,,so,H99\n" + // 5: unknown parent
		"H17.1,,Trùng mã,,so,H17\n" + // 6: duplicate code
		"H17.5,,,,so,H17\n" + // 7: missing name
		"H17.6,,Vòng A,,so,H17.7\n" + // 8: cycle with line 9
		"H17.7,,Vòng B,,so,H17.6\n" + // 9: cycle with line 8
		"H17.8,,Thiếu cột,,so\n" + // 10: wrong number of columns
		"H17.9,000.00.00.H30!,Mã cũ sai,,so,H17\n" + // 11: bad legacy code
		strings.Repeat("X", 36) + ",,Quá dài,,so,\n" // 12: code too long
	_, err := db.ImportAgencies(ctx, strings.NewReader(file), survey.CLI, adminNow)
	var ie ImportErrors
	if !errors.As(err, &ie) {
		t.Fatalf("want ImportErrors, got %v", err)
	}
	want := []struct {
		line   int
		column string
		msg    string
	}{
		{3, "code", "admin.import.bad_code"},
		{4, "kind", "admin.import.unknown_kind"},
		{5, "parent_code", "admin.import.unknown_parent"},
		{6, "code", "admin.import.duplicate"},
		{7, "name_vi", "admin.import.missing_name"},
		{8, "parent_code", "admin.import.cycle"},
		{9, "parent_code", "admin.import.cycle"},
		{10, "", "admin.import.columns"},
		{11, "legacy_code", "admin.import.bad_code"},
		{12, "code", "admin.import.bad_code"},
	}
	if len(ie) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(ie), len(want), ie)
	}
	for i, w := range want {
		if ie[i].Line != w.line || ie[i].Column != w.column || ie[i].Message != w.msg {
			t.Errorf("error %d = line %d %s %s, want line %d %s %s", i, ie[i].Line, ie[i].Column, ie[i].Message, w.line, w.column, w.msg)
		}
	}
	// All or nothing: the good row on line 2 was not stored either.
	if n, _ := db.CountAgencies(ctx); n != 1 {
		t.Errorf("%d agencies after a failed import, want 1", n)
	}
	if log, _ := db.AuditLog(ctx, AuditFilter{Action: "agency.import"}); len(log) != 0 {
		t.Errorf("a failed import wrote %d audit entries", len(log))
	}
}

func TestImportHeaderAndCycleThroughStoredTree(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	a := mustAgency(t, db, &survey.Agency{Code: "A", Name: survey.Text{"vi": "A"}, Kind: survey.KindProvincePC})
	mustAgency(t, db, &survey.Agency{Code: "B", Name: survey.Text{"vi": "B"}, Kind: survey.KindDepartment, ParentID: a.ID})
	for name, file := range map[string]string{
		"no header":    "A,,A,,ubnd_tinh,\n",
		"empty":        "",
		"wrong header": "code;name\n",
	} {
		_, err := db.ImportAgencies(ctx, strings.NewReader(file), survey.CLI, adminNow)
		var ie ImportErrors
		if !errors.As(err, &ie) || ie[0].Line != 1 || ie[0].Column != "header" {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Making the stored root A a child of its own child B is a cycle.
	_, err := db.ImportAgencies(ctx, strings.NewReader(csvHeader+"A,,A,,ubnd_tinh,B\n"), survey.CLI, adminNow)
	var ie ImportErrors
	if !errors.As(err, &ie) || len(ie) != 1 || ie[0].Message != "admin.import.cycle" || ie[0].Line != 2 {
		t.Errorf("cycle through the stored tree: %v", err)
	}
}

func TestImportCreatesUpdatesAndExportRoundTrips(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	mustAgency(t, db, &survey.Agency{Code: "H17", Name: survey.Text{"vi": "Cũ"}, Kind: survey.KindProvincePC})
	// A child before its parent, a BOM and a quoted name with a comma.
	file := "\ufeff" + csvHeader +
		"H17.10.1,,\"UBND phường Ninh Kiều, TP Cần Thơ\",Ninh Kieu ward,ubnd_xa,H17.10\n" +
		"H17.10,000.00.10.H17,Trung tâm PVHCC,Public service centre,ttpvhcc_tinh,H17\n" +
		"H17,,UBND TP Cần Thơ,Can Tho City PC,ubnd_tinh,\n"
	res, err := db.ImportAgencies(ctx, strings.NewReader(file), survey.Actor{UserID: 0, Name: "cli"}, adminNow)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.Updated != 1 {
		t.Errorf("result %+v", res)
	}
	ward, err := db.AgencyByCode(ctx, "H17.10.1")
	if err != nil {
		t.Fatal(err)
	}
	centre, _ := db.AgencyByCode(ctx, "H17.10")
	if ward.ParentID != centre.ID || ward.Name["vi"] != "UBND phường Ninh Kiều, TP Cần Thơ" || centre.LegacyCode != "000.00.10.H17" {
		t.Errorf("stored %+v / %+v", ward, centre)
	}
	if root, _ := db.AgencyByCode(ctx, "H17"); root.Name["en"] != "Can Tho City PC" {
		t.Errorf("root not updated: %+v", root)
	}
	if log, _ := db.AuditLog(ctx, AuditFilter{Action: "agency.import"}); len(log) != 3 || log[0].Actor != "cli" {
		t.Errorf("audit: %+v", log)
	}
	var out bytes.Buffer
	if err := db.ExportAgencies(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), csvHeader) || !strings.Contains(out.String(), "H17.10.1,,\"UBND phường Ninh Kiều, TP Cần Thơ\",Ninh Kieu ward,ubnd_xa,H17.10\n") {
		t.Errorf("export:\n%s", out.String())
	}
	res, err = db.ImportAgencies(ctx, bytes.NewReader(out.Bytes()), survey.CLI, adminNow)
	if err != nil || res.Created != 0 || res.Updated != 0 || res.Unchanged != 3 {
		t.Errorf("re-import of the export: %+v %v", res, err)
	}
}
