package survey

import (
	"encoding/json"
	"os"
	"testing"
)

// showIfCases is the table shared with the tablet's JS (server/e2e
// TestKioskShowIfSharedCases), so the two implementations of show_if agree.
type showIfCases struct {
	Cases []struct {
		Name    string    `json:"name"`
		ShowIf  Condition `json:"show_if"`
		Answers Answers   `json:"answers"`
		Met     bool      `json:"met"`
	} `json:"cases"`
}

func TestShowIfSharedCases(t *testing.T) {
	b, err := os.ReadFile("testdata/show_if_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var table showIfCases
	if err := json.Unmarshal(b, &table); err != nil {
		t.Fatal(err)
	}
	if len(table.Cases) < 10 {
		t.Fatalf("only %d cases", len(table.Cases))
	}
	for _, c := range table.Cases {
		if got := c.ShowIf.Met(c.Answers); got != c.Met {
			t.Errorf("%s: Met = %v, want %v", c.Name, got, c.Met)
		}
	}
}
