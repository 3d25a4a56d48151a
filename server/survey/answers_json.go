package survey

import (
	"fmt"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// UnmarshalJSONFrom decodes the answers without reflection: the codes share
// one string and the values one buffer, so that a usual questionnaire's
// answers are four allocations (decision 14). The decoder refuses a code
// given twice.
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
	type span struct{ code, end int }
	var room [32]span
	spans := room[:0]
	codes := make([]byte, 0, 128)
	values := make([]byte, 0, 256)
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if codes, err = jsontext.AppendUnquote(codes, name); err != nil {
			return err
		}
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		values = append(values, v...)
		spans = append(spans, span{len(codes), len(values)})
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	all := string(codes)
	out := make(Answers, len(spans))
	codeStart, valueStart := 0, 0
	for i, s := range spans {
		// Each value its own capped slice of values: an append to one
		// cannot run into the next.
		out[i] = Answer{all[codeStart:s.code], values[valueStart:s.end:s.end]}
		codeStart, valueStart = s.code, s.end
	}
	out.sortCodes()
	*a = out
	return nil
}

// UnmarshalJSON decodes answers for encoding/json.
func (a *Answers) UnmarshalJSON(b []byte) error { return jsonv2.Unmarshal(b, a) }

// MarshalJSON encodes the answers as a JSON object, in their one canonical
// form.
func (a Answers) MarshalJSON() ([]byte, error) { return a.Canonical(), nil }
