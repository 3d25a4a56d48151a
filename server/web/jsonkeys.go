package web

import (
	"bytes"
	"encoding/json"
	"strings"
)

// duplicateKey returns a key that appears twice in one object of the JSON
// text b ("answers": {"HL": 5, "HL": 1}), or "" when there is none. Keys that
// differ only in case count as the same, as encoding/json matches a struct
// field either way. Go keeps the last of duplicates, another reader may keep
// the first: the raw body stored with a response must not say something
// other than what was counted. Text that is not JSON is left to the
// handler, which reports it.
func duplicateKey(b []byte) string {
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
