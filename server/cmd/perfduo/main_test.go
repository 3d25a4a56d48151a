package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseWrk(t *testing.T) {
	out := `Running 10s test @ http://127.0.0.1:40000
  1 threads and 32 connections
  Latency Distribution
     50%    6.10ms
     75%    8.02ms
     90%   11.31ms
     99%   29.12ms
  43210 requests in 10.00s, 9.12MB read
  Non-2xx or 3xx responses: 7
Requests/sec:   4321.09
`
	r, err := parseWrk(out)
	if err != nil || r.rate != 4321.09 || r.p99 != 29.12 || r.bad != 7 {
		t.Errorf("parseWrk = %+v, %v; want 4321.09/s, 29.12 ms, 7 non-2xx", r, err)
	}
	r, err = parseWrk(strings.Replace(strings.Replace(out, "29.12ms", "1.50s", 1), "  Non-2xx or 3xx responses: 7\n", "", 1))
	if err != nil || r.p99 != 1500 || r.bad != 0 {
		t.Errorf("p99 in seconds, no non-2xx line: %+v, %v", r, err)
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Error("a wrk that measured nothing parsed without an error")
	}
}

// The script is perf-ratio's load: each tablet's token, every item code
// and the questionnaire's version must reach it as Lua and JSON expect.
func TestLuaScript(t *testing.T) {
	s := luaScript([]string{"tok-1", "tok-2"}, []string{"TC1", "HS2"}, `"2023.1"`, time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC))
	for _, want := range []string{`{"tok-1","tok-2"}`, `{"TC1","HS2"}`, `"version":"2023.1"`,
		`"answered_at":"2026-12-05T03:00:00Z"`, `-4%03x-8%03x-`, `n % #toks + 1`} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %s:\n%s", want, s)
		}
	}
}
