package survey

import (
	"encoding/json"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"
)

// UnmarshalJSONFrom decodes the answers without reflection, the values
// sharing one buffer: the map was two fifths of decoding a submission (decision 14). The
// decoder still refuses a code given twice.
func (a *Answers) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*a = nil
		return nil
	case '{':
	default:
		return fmt.Errorf("answers: want an object, got %v", tok.Kind())
	}
	m := make(Answers, 24)
	buf := make([]byte, 0, 256)
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		code := name.String()
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		// Each value its own capped slice of buf: a later append that
		// moves buf leaves the earlier values where they are.
		start := len(buf)
		buf = append(buf, v...)
		m[code] = json.RawMessage(buf[start:len(buf):len(buf)])
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	*a = m
	return nil
}
