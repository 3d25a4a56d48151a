package survey

import (
	"bytes"
	"encoding/json"
)

// Canonical encodes the answers as json.Marshal would encode them as a map:
// keys sorted, values compacted and HTML-escaped. It is the one canonical
// form: the submission path makes it once per request for the content hash,
// the burst key and the stored answers, and storage uses it for every other
// write (by hand: json.Marshal's reflection was a tenth of a request and of
// a bulk load).
func (a Answers) Canonical() []byte {
	size := 2
	for _, x := range a {
		size += len(x.Code) + len(x.Value) + 4
	}
	var out, compact bytes.Buffer
	out.Grow(size)
	out.WriteByte('{')
	for i, x := range a {
		if i > 0 {
			out.WriteByte(',')
		}
		if plainKey(x.Code) {
			out.WriteByte('"')
			out.WriteString(x.Code)
			out.WriteByte('"')
		} else {
			kb, _ := json.Marshal(x.Code)
			out.Write(kb)
		}
		out.WriteByte(':')
		if plainValue(x.Value) {
			out.Write(x.Value) // already compact, nothing to escape: most answers
			continue
		}
		compact.Reset()
		if json.Compact(&compact, x.Value) != nil {
			compact.Reset()
			compact.WriteString("null") // an empty or invalid value: what an absent answer means
		}
		json.HTMLEscape(&out, compact.Bytes())
	}
	out.WriteByte('}')
	return out.Bytes()
}

// plainKey reports whether json.Marshal writes k as it is between quotes:
// printable ASCII without quote, backslash or the HTML-escaped <, > and &.
// Question codes are; anything else takes the slow road.
func plainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// plainValue reports whether json.Marshal writes the valid JSON value v as
// it is: printable ASCII outside strings' escapes, no white space, nothing
// it HTML-escapes.
func plainValue(v []byte) bool {
	for _, c := range v {
		if c <= ' ' || c >= 0x7f || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return len(v) > 0
}
