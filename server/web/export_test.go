package web_test

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// TestExportsMatchThePage reads the CSV back with encoding/csv and the XLSX
// with excelize, and finds the page's headline and element figures in both
// at full precision.
func TestExportsMatchThePage(t *testing.T) {
	f := newDashFixture(t)
	rs := f.sipasReplies("2026-10", 64)
	rs[0].excluded = true
	f.insert(t, "H17.50", survey.DefaultID, rs)
	page := f.get(t, "head", "/dashboard/agency/H17.50?month=2026-10").Body.String()
	headline := headlineOf(t, page)

	rec := f.get(t, "head", "/dashboard/agency/H17.50/export.csv?month=2026-10")
	if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("csv headers: %v", rec.Header())
	}
	raw := rec.Body.Bytes()
	if !bytes.HasPrefix(raw, []byte(web.UTF8BOM)) {
		t.Fatal("CSV has no UTF-8 BOM: Excel would garble Vietnamese")
	}
	rows, err := csv.NewReader(bytes.NewReader(raw[len(web.UTF8BOM):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(header []string, name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %q in %v", name, header)
		}
		return i
	}
	h := rows[0]
	idx, levelEntry, code, excluded := col(h, "Chỉ số (%)"), col(h, "Cấp"), col(h, "Mã"), col(h, "Số phiếu bị loại")
	if len(rows) != 1+1+1+5+19 {
		t.Errorf("%d CSV rows, want header + index + aspect + 5 elements + 19 items", len(rows))
	}
	shown := func(xcell string) string {
		v, err := strconv.ParseFloat(xcell, 64)
		if err != nil {
			t.Fatalf("index cell %q: %v", xcell, err)
		}
		return formatPct(v, 2, ",")
	}
	if rows[1][levelEntry] != "Chỉ số chung" || shown(rows[1][idx]) != headline || rows[1][excluded] != "1" {
		t.Errorf("CSV headline row %v; page says %s", rows[1], headline)
	}
	if !strings.ContainsAny(rows[1][idx], "0123456789") || len(rows[1][idx]) < 6 {
		t.Errorf("index not at full precision: %q", rows[1][idx])
	}
	for _, r := range rows[1:] {
		if r[levelEntry] == "Yếu tố" && !strings.Contains(page, `id="el-`+r[code]+`"`) {
			t.Errorf("element %s in the CSV, not on the page", r[code])
		}
		if r[levelEntry] == "Yếu tố" && !strings.Contains(page, `<span class="el-index">`+shown(r[idx])+`</span>`) {
			t.Errorf("element %s: CSV %s not on the page", r[code], shown(r[idx]))
		}
	}

	rec = f.get(t, "head", "/dashboard/agency/H17.50/export.xlsx?month=2026-10")
	x, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("xlsx: %v (%s)", err, rec.Header())
	}
	defer x.Close()
	xrows, err := x.GetRows("Chỉ số")
	if err != nil {
		t.Fatal(err)
	}
	if len(xrows) != len(rows) || xrows[1][levelEntry] != "Chỉ số chung" || shown(xrows[1][idx]) != headline {
		t.Errorf("XLSX headline row %v; page says %s", xrows[1], headline)
	}
	ref, _ := excelize.CoordinatesToCellName(idx+1, 2)
	if typ, _ := x.GetCellType("Chỉ số", ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("index cell is stored as %v, not a number", typ)
	}
}

// TestRawExportHasEveryResponse checks the raw export: one row per
// response of the month in the subtree, flagged ones marked, answers per
// question, and a formula-looking comment defused in CSV.
func TestRawExportHasEveryResponse(t *testing.T) {
	f := newDashFixture(t)
	rs := f.sipasReplies("2026-10", 5)
	rs[1].excluded = true
	rs[2].comment = "=HYPERLINK(\"http://x\")"
	rs[3].comment = "Đất đai chờ lâu, cán bộ hướng dẫn tận tình"
	rs[4].answers["GT"] = json.RawMessage(`"nu"`)
	f.insert(t, "H17.50.1", survey.DefaultID, rs)
	f.insert(t, "H17.51", survey.DefaultID, f.sipasReplies("2026-10", 2)) // outside the subtree
	f.insert(t, "H17.50", survey.DefaultID, f.sipasReplies("2026-09", 2)) // another month

	raw := f.get(t, "head", "/dashboard/agency/H17.50/responses.csv?month=2026-10").Body.Bytes()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte(web.UTF8BOM)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows, want header + 5", len(rows))
	}
	h := rows[0]
	excl, comment, tc1, gt := slices.Index(h, "Bị loại khỏi chỉ số"), slices.Index(h, "Ý kiến khác"), slices.Index(h, "TC1"), slices.Index(h, "GT")
	if excl < 0 || comment < 0 || tc1 < 0 || gt < 0 {
		t.Fatalf("header %v", h)
	}
	if rows[2][excl] != "Có" || rows[1][excl] != "Không" || rows[2][slices.Index(h, "Cờ")] != "burst" {
		t.Errorf("excluded column: %v / %v", rows[1], rows[2])
	}
	if rows[3][comment] != "'=HYPERLINK(\"http://x\")" || rows[4][comment] != rs[3].comment {
		t.Errorf("comments: %q %q", rows[3][comment], rows[4][comment])
	}
	want := map[string]string{"null": "NA"}
	if v := string(rs[0].answers["TC1"]); rows[1][tc1] != cmp.Or(want[v], v) {
		t.Errorf("TC1 %q, stored %s", rows[1][tc1], v)
	}
	if rows[5][gt] != "nu" || rows[1][gt] != "" {
		t.Errorf("profile answer column: %q %q", rows[5][gt], rows[1][gt])
	}
	if rows[1][slices.Index(h, "Mã quầy")] != f.counters["H17.50.1"].Code {
		t.Errorf("counter code %v", rows[1])
	}

	rec := f.get(t, "head", "/dashboard/agency/H17.50/responses.xlsx?month=2026-10")
	x, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	xrows, err := x.GetRows("Phiếu")
	if err != nil || len(xrows) != 6 || xrows[3][comment] != rs[2].comment {
		t.Errorf("xlsx rows %d, err %v, comment %q (kept as text, not a formula)", len(xrows), err, xrows[3][comment])
	}
}
