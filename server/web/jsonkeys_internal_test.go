package web

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestDuplicateKey(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1,"b":2}`:                        "",
		`{"a":1,"a":2}`:                        "a",
		`{"answers":{"HL":5,"HL":1}}`:          "HL",
		`{"a":{"x":1},"b":{"x":1}}`:            "",
		`{"a":[{"x":1,"y":2},{"x":1,"x":3}]}`:  "x",
		`{"comment":"a","Comment":"b"}`:        "Comment",
		`{"a":"\u0062","\u0061":1}`:            "a",
		`[{"a":1},{"a":1}]`:                    "",
		`{"a":[1,"a",{"a":1}],"b":"a","c":{}}`: "",
		`{"a":1,"a"`:                           "a",
		`not json`:                             "",
		``:                                     "",
	} {
		if got := duplicateKey([]byte(in)); got != want {
			t.Errorf("duplicateKey(%s) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkDuplicateKey: the check runs on every API body, the submission
// first (decision 14), so its cost per request counts.
func BenchmarkDuplicateKey(b *testing.B) {
	body := []byte(`{"id":"0b6f1f5e-8a51-4c55-9a4e-3d4f5a6b7c8d","survey":"sipas-dv-2023","version":"2023.1","channel":"kiosk","lang":"vi","answered_at":"2026-12-04T10:00:00Z","answers":{"TC1":4,"TC2":5,"TC3":3,"TC4":4,"TT1":5,"TT2":4,"TT3":2,"TT4":4,"CC1":5,"CC2":4,"CC3":3,"CC4":4,"CC5":5,"KQ1":4,"KQ2":5,"KQ3":4,"PA1":3,"PA2":4,"PA3":5},"comment":"C\u00e1n b\u1ed9 h\u01b0\u1edbng d\u1eabn t\u1eadn t\u00ecnh, nh\u01b0ng ph\u1ea3i ch\u1edd kh\u00e1 l\u00e2u."}`)
	b.ReportAllocs()
	for b.Loop() {
		if duplicateKey(body) != "" {
			b.Fatal("no key is repeated")
		}
	}
}

// FuzzDuplicateKeyAgreesWithEncodingJSON: the jsontext reader finds the same
// repeated key as the encoding/json one it replaced (kept below as the
// reference), on valid JSON; broken text the handler reports anyway.
func FuzzDuplicateKeyAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":2}`, `{"a":1,"A":2}`, `{"answers":{"HL":5,"HL":1}}`, `{"a":[{"x":1},{"x":1,"x":3}]}`,
		`{"a":"\u0062","\u0061":1}`, `[{"a":1},{"a":1}]`, `{"a":{"b":{"c":[1,{"d":1,"D":2}]}}}`, `{"\u00c9":1,"\u00e9":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, want := duplicateKey(b), referenceDuplicateKey(b)
		if json.Valid(b) && got != want {
			t.Fatalf("duplicateKey(%q) = %q, encoding/json finds %q", b, got, want)
		}
	})
}

// referenceDuplicateKey is the encoding/json implementation duplicateKey
// replaced, kept as the fuzz test's reference.
func referenceDuplicateKey(b []byte) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type level struct {
		keys    map[string]bool // nil for an array
		wantKey bool
	}
	var stack []*level
	done := func() { // a value ended: in an object, a key comes next
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			stack[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &level{keys: map[string]bool{}, wantKey: true})
			case '[':
				stack = append(stack, &level{})
			default:
				stack = stack[:len(stack)-1]
				done()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].wantKey {
				top := stack[n-1]
				k := strings.ToLower(t)
				if top.keys[k] {
					return t
				}
				top.keys[k], top.wantKey = true, false
				continue
			}
			done()
		default:
			done()
		}
	}
}
