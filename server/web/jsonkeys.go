package web

import (
	"bytes"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// duplicateKey returns a key that appears twice in one object of the JSON
// text b ("answers": {"HL": 5, "HL": 1}), or "" when there is none. Keys that
// differ only in case count as the same, as encoding/json matches a struct
// field either way. Go keeps the last of duplicates, another reader (a
// tablet's log, an audit of the request) may keep the first: what a client
// sent must not say something other than what was counted. Text that is not JSON is left to the
// handler, which reports it.
//
// It runs on every API body, so it reads with jsontext's tokenizer, which
// allocates little, instead of encoding/json's Decoder.Token (a fifth of
// a submission's cost, decision 14).
func duplicateKey(b []byte) string {
	// Duplicates are allowed here because finding them is the point; invalid
	// UTF-8 too, as encoding/json accepts it and a later key must still be seen.
	dec := jsontext.NewDecoder(bytes.NewReader(b), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var keys []map[string]struct{} // per open object; nil for an array
	for {
		kind := dec.PeekKind()
		switch kind {
		case 0: // the end or an error
			return ""
		case '{', '[':
			if _, err := dec.ReadToken(); err != nil {
				return ""
			}
			var m map[string]struct{}
			if kind == '{' {
				m = map[string]struct{}{}
			}
			keys = append(keys, m)
			continue
		case '}', ']':
			if _, err := dec.ReadToken(); err != nil {
				return ""
			}
			keys = keys[:len(keys)-1]
			continue
		}
		depth := dec.StackDepth()
		k, n := dec.StackIndex(depth)
		name := k == '{' && n%2 == 0 // next in an object, at an even position: a name
		if !name {
			if err := dec.SkipValue(); err != nil {
				return ""
			}
			continue
		}
		tok, err := dec.ReadToken()
		if err != nil {
			return ""
		}
		key := tok.String()
		lower := strings.ToLower(key)
		top := keys[len(keys)-1]
		if _, seen := top[lower]; seen {
			return key
		}
		top[lower] = struct{}{}
	}
}
