// Package collect is the submission path: every response, from a tablet, a
// phone or a paper form, goes through Service.Submit, which validates it
// against its questionnaire, places it in an agency and month, flags
// suspicious patterns, and hands it to the group-commit writer.
package collect

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sipas-vn/sipas/server/survey"
)

// Request is the JSON body of POST /api/v1/responses. It is a request, not a
// domain object: Submit turns it into a survey.Response.
type Request struct {
	ID         string         `json:"id"`
	Survey     string         `json:"survey"`
	Version    string         `json:"version"`
	Channel    string         `json:"channel"`
	Counter    string         `json:"counter,omitempty"`
	Token      string         `json:"token,omitempty"`
	Officer    string         `json:"officer,omitempty"`
	Lang       string         `json:"lang,omitempty"`
	AnsweredAt string         `json:"answered_at,omitempty"`
	Seq        int64          `json:"seq,omitempty"`
	Partial    bool           `json:"partial,omitempty"`
	Answers    survey.Answers `json:"answers"`
	Comment    string         `json:"comment,omitempty"`
}

// MaxBody is the largest accepted request body: a full questionnaire with a
// 1,000-character comment is about 3 KB.
const MaxBody = 64 << 10

// DecodeRequest reads one JSON object strictly (see DecodeStrict).
func DecodeRequest(body []byte) (*Request, error) {
	var r Request
	if err := DecodeStrict(body, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DecodeStrict reads every API body: one JSON object into v, where an
// unknown name, a name given twice in one object ("answers": {"HL": 5,
// "HL": 1}), trailing data, invalid UTF-8 or a wrong type are a 400, not a
// guess. Names match exactly. Refusing repeated names matters: Go would keep
// the last, another reader the first, and the body stored with a response
// must not say something other than what was counted. It is one pass of
// json v2, which checks all of that while decoding (decision 14: the
// separate duplicate scan and encoding/json were a sixth of a submission).
func DecodeStrict(body []byte, v any) error {
	err := jsonv2.Unmarshal(body, v, jsonv2.RejectUnknownMembers(true))
	if err == nil {
		return nil
	}
	if se, ok := errors.AsType[*jsontext.SyntacticError](err); ok && se.Err == jsontext.ErrDuplicateName {
		return survey.Errorf(survey.CodeMalformed, "error.json.duplicate_key", map[string]any{"Key": se.JSONPointer.LastToken()})
	}
	return &survey.Error{Code: survey.CodeMalformed, Message: "error.malformed", Err: err}
}

// contentHash identifies what a response says, independent of key order and
// white space, so that a retry is told apart from a different response
// reusing an id. canon is r.Answers.Canonical(). The bytes hashed
// are those of json.Marshal on the request with its answers canonical, as
// stored hashes have always been.
func (r *Request) contentHash(canon []byte) []byte {
	// On the stack for any usual response (a full questionnaire with a
	// comment is ~600 bytes): the heap buffer was 8 % of the bytes a
	// submission allocated.
	var stack [1024]byte
	b := stack[:0]
	b = appendField(b, `{"id":`, r.ID, false)
	b = appendField(b, `,"survey":`, r.Survey, false)
	b = appendField(b, `,"version":`, r.Version, false)
	b = appendField(b, `,"channel":`, r.Channel, false)
	b = appendField(b, `,"counter":`, r.Counter, true)
	b = appendField(b, `,"token":`, r.Token, true)
	b = appendField(b, `,"officer":`, r.Officer, true)
	b = appendField(b, `,"lang":`, r.Lang, true)
	b = appendField(b, `,"answered_at":`, r.AnsweredAt, true)
	if r.Seq != 0 {
		b = strconv.AppendInt(append(b, `,"seq":`...), r.Seq, 10)
	}
	if r.Partial {
		b = append(b, `,"partial":true`...)
	}
	b = append(append(b, `,"answers":`...), canon...)
	b = appendField(b, `,"comment":`, r.Comment, true)
	h := sha256.Sum256(append(b, '}'))
	return h[:]
}

// appendField appends name and s as json.Marshal encodes a string field
// of canonicalRequest (omitempty: nothing when s is empty), by hand: the
// reflective Marshal was a tenth of a request.
func appendField(b []byte, name, s string, omitEmpty bool) []byte {
	if omitEmpty && s == "" {
		return b
	}
	b = append(b, name...)
	if !plainString(s) {
		q, _ := json.Marshal(s)
		return append(b, q...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainString reports whether json.Marshal writes s as it is between
// quotes: valid UTF-8 without control characters, quote, backslash, the
// HTML-escaped <, > and &, or U+2028 and U+2029.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return utf8.ValidString(s) && !strings.Contains(s, "\u2028") && !strings.Contains(s, "\u2029")
}
