package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// TestOneCommandTable: every administration command is reachable from the
// table, every command is listed once in the usage text, and a mistyped
// subcommand names its group's commands.
func TestOneCommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commands {
		if seen[c.name] {
			t.Errorf("%q twice in the table", c.name)
		}
		seen[c.name] = true
		if c.run == nil {
			t.Errorf("%q runs nothing", c.name)
		}
	}
	for name := range adminCmds {
		if !seen[name] {
			t.Errorf("administration command %q is not in the table", name)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, &out, io.Discard, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if n := strings.Count(out.String(), "  sipas "+c.name+" ") + strings.Count(out.String(), "  sipas "+c.name+"\n"); n != 1 {
			t.Errorf("usage lists %q %d times:\n%s", c.name, n, out.String())
		}
	}
	err := run(context.Background(), []string{"device", "frobnicate"}, io.Discard, io.Discard, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "sipas device pair --counter CODE") {
		t.Errorf("unknown subcommand: %v", err)
	}
	err = run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %v", err)
	}
}
