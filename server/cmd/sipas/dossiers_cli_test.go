package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/sqlite"
)

func TestDossiersImportIsAllOrNothingWithLineErrors(t *testing.T) {
	dir, sipas := adminCLIEnv(t)
	for _, args := range [][]string{
		{"agency", "add", "--code", "H17", "--name-vi", "UBND TP Cần Thơ", "--kind", "ubnd_tinh"},
		{"counter", "add", "--agency", "H17", "--code", "CT-TT-01", "--name-vi", "Quầy 1"},
	} {
		if _, err := sipas(args...); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.csv", "counter,date,received,handled,late\n"+
		"CT-TT-01,2026-11-26,40,38,2\n"+ // fine, but must not be stored
		"CT-TT-01,27/11/2026,40,,\n"+
		"CT-XX-99,2026-11-27,12,,\n"+
		"CT-TT-01,2026-11-28,mười,,\n"+
		"CT-TT-01,2026-11-29,5,3,4\n"+
		"CT-TT-01,2026-11-26,41,,\n")
	_, err := sipas("dossiers", "import", bad)
	for _, want := range []string{"nothing imported; 5 problems",
		"line 3, column date: The date must read YYYY-MM-DD",
		"line 4, column counter:", "line 5, column received: A number of dossiers",
		"line 6, column late: This cannot be more than the dossiers handled",
		"line 7, column date:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("import of a bad file: %v\nwant %q", err, want)
		}
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.CounterByCode(context.Background(), "CT-TT-01")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := db.DossierCounts(context.Background(), c.ID, "2026-11"); len(got) != 0 {
		t.Fatalf("a refused file stored %v", got)
	}
	good := write("good.csv", "\ufeffCounter,Date,Received,Complaints,Handled\n"+
		"CT-TT-01,2026-11-26,40,1,38\n"+
		"ct-tt-01,2026-11-27,12,,\n")
	if out, err := sipas("dossiers", "import", good); err != nil || !strings.Contains(out, "2 counter-days stored") {
		t.Fatalf("import: %q %v", out, err)
	}
	got, err := db.DossierCounts(context.Background(), c.ID, "2026-11")
	if d := got["2026-11-26"]; err != nil || len(got) != 2 || d.Received != 40 || *d.Handled != 38 || *d.Complaints != 1 || d.Late != nil {
		t.Errorf("stored %+v %v", got, err)
	}
	if _, err := sipas("dossiers", "import", write("hdr.csv", "quay,ngay,so\n")); err == nil || !strings.Contains(err.Error(), "line 1, column header") {
		t.Errorf("a wrong header: %v", err)
	}
}
