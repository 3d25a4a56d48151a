package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestJSONBAsSQLiteMakesIt: jsonbOf gives the bytes SQLite's jsonb() gives
// for the same text, on answers as they come and on every kind of value.
func TestJSONBAsSQLiteMakesIt(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	texts := []string{`{}`, `[]`, ` { "a" : [ 1 , 2 ] , "b":{ } } `, `{"n":-0.5e-3,"m":0,"k":-0,"j":10E+2}`, `{"HL":5}`, `{"A":null,"B":true,"C":false}`, `{"N":-12,"F":1.5,"E":2e10,"Z":0}`,
		`{"T":"nam","Q":"it's","J":"a \"b\" \u00e9\n","U":"Cán bộ"}`, `{"M":["x","y",[1,[]],{}],"O":{"k":{"k":1}}}`,
		`{"L":"` + strings.Repeat("x", 300) + `"}`, `{"W":"` + strings.Repeat("ý", 40000) + `"}`, `"s"`, `7`, `null`}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var b strings.Builder
		b.WriteByte('{')
		for i := range rng.IntN(40) {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"Q%d":`, i)
			switch rng.IntN(5) {
			case 0:
				b.WriteString("null")
			case 1:
				fmt.Fprint(&b, rng.IntN(11))
			case 2:
				fmt.Fprintf(&b, `%q`, strings.Repeat("ab'c", rng.IntN(8)))
			case 3:
				fmt.Fprintf(&b, `["o%d","p"]`, rng.IntN(3))
			default:
				fmt.Fprintf(&b, `"%s"`, strings.Repeat("đ", rng.IntN(100)))
			}
		}
		b.WriteByte('}')
		texts = append(texts, b.String())
	}
	for _, text := range texts {
		got, err := jsonbOf([]byte(text))
		if err != nil {
			t.Fatalf("%.60s: %v", text, err)
		}
		var want []byte
		if err := db.Reader().QueryRowContext(ctx, `SELECT jsonb(?)`, text).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%.60s: jsonbOf %x, SQLite %x", text, got[:min(len(got), 40)], want[:min(len(want), 40)])
		}
		// Bound to the INSERT's jsonb(?), the bytes are stored as they are.
		var again []byte
		if err := db.Reader().QueryRowContext(ctx, `SELECT jsonb(?)`, got).Scan(&again); err != nil || !bytes.Equal(again, got) {
			t.Errorf("%.60s: jsonb(blob) changed it (%v)", text, err)
		}
	}
	for _, bad := range []string{``, `{`, `{"a":1}x`, `{"a":1} {}`, `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`, `{"a" 1}`,
		`{"a":1,}`, `[1 2]`, `{a:1}`, `"\x"`, "\"\x01\"", `"abc`, `nul`, `{"a":[}`} {
		if _, err := jsonbOf([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func BenchmarkJSONB(b *testing.B) {
	text := []byte(`{"CC1":4,"CC2":5,"CC3":3,"CC4":4,"CC5":5,"KQ1":4,"KQ2":5,"KQ3":4,"PA1":3,"PA2":4,"PA3":5,"TC1":4,"TC2":5,"TC3":3,"TC4":4,"TT1":5,"TT2":4,"TT3":2,"TT4":4}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jsonbOf(text); err != nil {
			b.Fatal(err)
		}
	}
}
