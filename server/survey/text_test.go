package survey

import "testing"

func TestCleanTextDropsNULAndBidiControls(t *testing.T) {
	for in, want := range map[string]string{
		"Cán bộ nhiệt tình":                       "Cán bộ nhiệt tình",
		"tốt\x00 lắm":                             "tốt lắm",
		"chờ lâu \u202egnol oot\u202c":            "chờ lâu gnol oot",
		"\u2066a\u2067b\u2068c\u2069\u202a\u202b": "abc",
		"dòng 1\ndòng 2\t.":                       "dòng 1\ndòng 2\t.",
		"\u061cx\u202dy":                          "xy",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
