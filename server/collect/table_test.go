package collect

import (
	"os"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
)

// decisionRecord is the integrity decision, relative to this package's directory.
const decisionRecord = "../../docs/decisions/0005-integrity-flags.md"

// TestRuleTableMatchesTheDecisionRecord reads the rule table of decision 5
// and requires DefaultTable and the default exclusions to be exactly it,
// cell for cell: the record is the specification, not a description.
func TestRuleTableMatchesTheDecisionRecord(t *testing.T) {
	b, err := os.ReadFile(decisionRecord)
	if err != nil {
		t.Fatal(err)
	}
	table, rules := DefaultTable(), DefaultRules()
	methods := []survey.Method{survey.MethodSIPAS, survey.MethodND61, survey.MethodQuick}
	vias := []Via{ViaTablet, ViaPhone, ViaPaper}
	seen := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 8 { // | flag | method | tablet | phone | paper | why |
			continue
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		flag, method := cells[1], survey.Method(cells[2])
		if method != survey.MethodSIPAS && method != survey.MethodND61 && method != survey.MethodQuick {
			continue
		}
		if cells[6] == "" {
			t.Errorf("%s × %s: no reason given", flag, method)
		}
		for j, v := range vias {
			want := cells[3+j]
			got := "—"
			if table.Raises(flag, method, v) {
				got = "flag"
				if rules.Exclude[flag] {
					got = "exclude"
				}
			}
			if got != want {
				t.Errorf("%s × %s × %s: the record says %q, the code does %q", flag, method, v, want, got)
			}
			seen[flag+"|"+string(method)] = true
		}
	}
	for _, f := range KnownFlags() {
		for _, m := range methods {
			if !seen[f+"|"+string(m)] {
				t.Errorf("the record's rule table has no row for %s × %s", f, m)
			}
		}
	}
	// Nothing raised outside the record's rows either.
	for f, byMethod := range table {
		for m, byVia := range byMethod {
			if !seen[f+"|"+string(m)] && len(byVia) > 0 {
				t.Errorf("the code raises %s on %s, which the record does not list", f, m)
			}
		}
	}
}
