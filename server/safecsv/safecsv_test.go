package safecsv

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCellsNeverStartAFormula(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil.example","Bấm vào đây")`: `'=HYPERLINK("http://evil.example","Bấm vào đây")`,
		"+1+cmd|' /C calc'!A0":                            "'+1+cmd|' /C calc'!A0", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)",
		"\t=1": "'\t=1", "\r=1": "'\r=1", "＝1+1": "'＝1+1",
		"-0.25": "-0.25", "+3": "+3", "1e-5": "1e-5", "-1E+3": "-1E+3", "Sở Nội vụ": "Sở Nội vụ", "": "", "a=b": "a=b",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
		if got := Restore(Cell(in)); got != in {
			t.Errorf("Restore(Cell(%q)) = %q", in, got)
		}
	}
	if got := Restore("'quoted"); got != "'quoted" {
		t.Errorf("Restore keeps an apostrophe it did not add: %q", got)
	}
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Write([]string{"=1+1", "ok"})
	w.Flush()
	rec, err := csv.NewReader(&b).Read()
	if err != nil || rec[0] != "'=1+1" || rec[1] != "ok" || w.Error() != nil {
		t.Errorf("written: %q %v", rec, err)
	}
}

var ownWriter = regexp.MustCompile(`(^|[^\w])csv\.NewWriter\(`)

// TestEveryCSVGoesThroughSafeCSV keeps it so: no other package makes a
// csv.Writer of its own, which would write formulas raw.
func TestEveryCSVGoesThroughSafeCSV(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || path == filepath.Join(root, "server", "safecsv")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if ownWriter.Match(b) {
			t.Errorf("%s makes its own csv.Writer; use safecsv.NewWriter", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
