package survey_test

import (
	"cmp"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sipas-vn/sipas/server/survey"
)

// brokenFiles lists, for each file under testdata/broken, every message the
// loader must print, in order. Positions are the ones an editor shows.
var brokenFiles = []struct {
	file string
	want []string
}{
	{"unknown_field.yaml", []string{
		`1:1: missing field "title"`,
		`2:1: unknown field "tittle"`,
	}},
	{"duplicate_code.yaml", []string{`18:20: duplicate code "TC1" (first at line 17)`}},
	{"unknown_scale.yaml", []string{`17:32: unknown scale "hl7"`}},
	{"missing_vi.yaml", []string{
		`15:16: missing Vietnamese text (vi)`,
		`17:41: unknown language "vn" (Vietnamese is "vi")`,
	}},
	{"show_if_later.yaml", []string{
		`25:29: show_if points at a later question "LYDO"`,
		`29:29: show_if points at an unknown question "XX"`,
	}},
	{"show_if_values.yaml", []string{
		`25:45: value 7 in show_if is not on scale "hl5"`,
		`32:49: code "xa" in show_if is not an option of "LYDO"`,
		`36:35: show_if on choice question "LYDO" needs codes, not values`,
	}},
	{"show_if_kinds.yaml", []string{
		`18:67: show_if on scale question "TC1" needs values, not codes`,
		`19:61: show_if points at the question itself`,
		`20:51: show_if needs values or codes`,
		`26:140: show_if cannot point at a text question "YK"`,
	}},
	{"empty_element.yaml", []string{
		`16:16: element "TC" has no items`,
		`17:9: element "TT" has no items`,
	}},
	{"unknown_method.yaml", []string{
		`3:9: unknown method "foo" (want sipas, nd61 or quick)`,
		`4:9: unknown rollup "median" (want mean or pooled)`,
	}},
	{"scale_values.yaml", []string{
		`8:26: face must be between 1 and 5`,
		`9:17: scale values must go from low to high (2 after 3)`,
		`10:17: duplicate value 2 (first at line 9)`,
		`11:20: satisfied value 6 is not on scale "hl5"`,
		`12:22: value 3 is both satisfied and unsatisfied`,
	}},
	{"duplicate_option.yaml", []string{
		`14:16: duplicate option code "nam" (first at line 13)`,
		`27:44: unknown choice set "gioi_tinh"`,
	}},
	{"required.yaml", []string{
		`24:19: integrity questions can never be required`,
		`34:19: profile questions can never be required`,
	}},
	{"kinds.yaml", []string{
		`11:3: a quick survey has exactly one scored question (found 2)`,
		`18:31: scored items are always of kind "scale"`,
		`23:25: unknown kind "choice" (want scale, single, multi, text or profile)`,
		`24:46: options apply only to single, multi and profile questions`,
		`24:96: max_length must be between 1 and 5000`,
		`25:9: missing field "options"`,
		`25:48: max_length applies only to text questions`,
		`26:9: missing field "options"`,
	}},
	{"misc.yaml", []string{
		`2:9: missing Vietnamese text (vi)`,
		`3:14: expected texts by language, e.g. {vi: "...", en: "..."}`,
		`8:39: unknown language "english" (use a language code such as vi or en)`,
		`9:36: empty "en" text`,
		`10:16: scale "hl5" has no satisfied values`,
		`12:14: scale "co_khong" needs at least two options`,
		`17:31: invalid icon name "Clock" (use lowercase letters, digits and "-")`,
		`21:5: field "title" is empty`,
		`23:7: expected a list`,
		`28:9: missing field "scale" (the file defines several scales)`,
		`29:35: scale applies only to scale questions`,
	}},
	{"no_aspects.yaml", []string{
		`4:9: the questionnaire has no scales`,
		`5:10: the questionnaire has no aspects`,
		`9:12: part "followup" has no items`,
	}},
	{"many.yaml", []string{
		`2:5: invalid survey id "Mini Survey" (use lowercase letters, digits and "-")`,
		`5:9: expected true or false, got "yes"`,
		`12:11: duplicate scale "hl5" (first at line 7)`,
		`15:17: expected a whole number, got "2"`,
		`16:17: satisfied value 2 is not on scale "hl5"`,
		`24:20: invalid code "1TC" (start with a letter; use letters, digits and "_", at most 32)`,
		`25:20: duplicate code "DV" (first at line 18)`,
		`28:15: max_length must be between 1 and 5000`,
		`29:3: field "label" appears twice (first at line 27)`,
	}},
	// YAML syntax errors carry a line but no column.
	{"bad_syntax.yaml", []string{
		`7: bad YAML: did not find expected ',' or '}' (a bracket not closed, or text with , : ? # [ ] { } that needs quotes)`,
	}},
	{"tab.yaml", []string{`3: bad YAML: found character that cannot start any token (indent with spaces, not tabs)`}},
	{"two_docs.yaml", []string{`2: bad YAML: only one questionnaire per file (remove the "---")`}},
	{"empty.yaml", []string{`file is empty`}},
}

func TestBrokenFilesReportEveryProblemWithItsPosition(t *testing.T) {
	for _, tt := range brokenFiles {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/broken", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			d, err := survey.LoadFile(tt.file, data)
			if d != nil {
				t.Error("got a definition despite errors")
			}
			var want []string
			for _, w := range tt.want {
				sep := ":"
				if w == "file is empty" {
					sep = ": "
				}
				want = append(want, tt.file+sep+w)
			}
			got := []string{}
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if !slices.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// Every file under testdata/broken is in the table, and Load reports the
// problems of all of them at once, sorted, instead of stopping at the first.
func TestLoadReportsProblemsAcrossAllFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/broken/*.yaml")
	if len(files) != len(brokenFiles) {
		t.Errorf("%d files in testdata/broken, %d in the table", len(files), len(brokenFiles))
	}
	_, err := survey.Load(os.DirFS("testdata/broken"))
	var errs survey.LoadErrors
	if !errors.As(err, &errs) {
		t.Fatalf("Load error %T %v, want LoadErrors", err, err)
	}
	n := 0
	for _, tt := range brokenFiles {
		n += len(tt.want)
	}
	if len(errs) != n {
		t.Errorf("%d problems reported, want %d", len(errs), n)
	}
	if !slices.IsSortedFunc(errs, func(a, b survey.LoadError) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	}) {
		t.Error("problems not sorted by file and position")
	}
}

// A file with many unrelated problems yields all of them as structured values.
func TestLoadFileKeepsGoingAfterTheFirstProblem(t *testing.T) {
	data, err := os.ReadFile("testdata/broken/many.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = survey.LoadFile("many.yaml", data)
	var errs survey.LoadErrors
	if !errors.As(err, &errs) || len(errs) != 9 {
		t.Fatalf("got %d problems (%v), want 9", len(errs), err)
	}
	want := survey.LoadError{File: "many.yaml", Line: 12, Column: 11, Message: `duplicate scale "hl5" (first at line 7)`}
	if errs[2] != want {
		t.Errorf("errs[2] = %+v, want %+v", errs[2], want)
	}
}

func TestDuplicateSurveyIDAcrossFiles(t *testing.T) {
	_, err := survey.Load(os.DirFS("testdata/dupid"))
	want := `b.yaml:2:5: duplicate survey id "mini" (first in a.yaml)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestLoadNeedsAtLeastOneQuestionnaire(t *testing.T) {
	_, err := survey.Load(fstest.MapFS{"README.md": {Data: []byte("# nothing")}})
	if err == nil || err.Error() != "no questionnaires (*.yaml) found" {
		t.Errorf("got %v", err)
	}
}

func TestLoadRejectsYmlExtension(t *testing.T) {
	valid, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = survey.Load(fstest.MapFS{"a.yaml": {Data: valid}, "b.yml": {Data: valid}})
	if want := "b.yml: rename to .yaml: only *.yaml files are loaded"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestLoadErrorPrintsOnlyKnownParts(t *testing.T) {
	tests := []struct {
		err  survey.LoadError
		want string
	}{
		{survey.LoadError{File: "a.yaml", Line: 3, Column: 7, Message: "m"}, "a.yaml:3:7: m"},
		{survey.LoadError{File: "a.yaml", Line: 3, Message: "m"}, "a.yaml:3: m"},
		{survey.LoadError{File: "a.yaml", Message: "m"}, "a.yaml: m"},
		{survey.LoadError{Message: "m"}, "m"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%+v printed %q, want %q", tt.err, got, tt.want)
		}
	}
}
