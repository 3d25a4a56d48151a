// Package collect is the submission path: every response, from a tablet, a
// phone or a paper form, goes through Service.Submit, which validates it
// against its questionnaire, places it in an agency and month, flags
// suspicious patterns, and hands it to the group-commit writer.
package collect

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"slices"

	"github.com/sipas-vn/sipas/server/survey"
)

// Request is the JSON body of POST /api/v1/responses. It is a request, not a
// domain object: Submit turns it into a survey.Response.
type Request struct {
	ID         string                     `json:"id"`
	Survey     string                     `json:"survey"`
	Version    string                     `json:"version"`
	Channel    string                     `json:"channel"`
	Counter    string                     `json:"counter,omitempty"`
	Token      string                     `json:"token,omitempty"`
	Officer    string                     `json:"officer,omitempty"`
	Lang       string                     `json:"lang,omitempty"`
	AnsweredAt string                     `json:"answered_at,omitempty"`
	Seq        int64                      `json:"seq,omitempty"`
	Partial    bool                       `json:"partial,omitempty"`
	Answers    map[string]json.RawMessage `json:"answers"`
	Comment    string                     `json:"comment,omitempty"`
}

// MaxBody is the largest accepted request body: a full questionnaire with a
// 1,000-character comment is about 3 KB.
const MaxBody = 64 << 10

// DecodeRequest reads one JSON object strictly: unknown fields, trailing
// data or a wrong type are a 400, not a guess.
func DecodeRequest(body []byte) (*Request, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var r Request
	if err := dec.Decode(&r); err != nil {
		return nil, &survey.Error{Code: survey.CodeMalformed, Message: "error.malformed", Err: err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &survey.Error{Code: survey.CodeMalformed, Message: "error.malformed", Err: errors.New("trailing data after the JSON object")}
	}
	return &r, nil
}

// canonicalRequest is Request, field for field and in the same order, with
// the answers already encoded.
type canonicalRequest struct {
	ID         string          `json:"id"`
	Survey     string          `json:"survey"`
	Version    string          `json:"version"`
	Channel    string          `json:"channel"`
	Counter    string          `json:"counter,omitempty"`
	Token      string          `json:"token,omitempty"`
	Officer    string          `json:"officer,omitempty"`
	Lang       string          `json:"lang,omitempty"`
	AnsweredAt string          `json:"answered_at,omitempty"`
	Seq        int64           `json:"seq,omitempty"`
	Partial    bool            `json:"partial,omitempty"`
	Answers    json.RawMessage `json:"answers"`
	Comment    string          `json:"comment,omitempty"`
}

// canonicalAnswers encodes the answers as json.Marshal would: keys sorted,
// values compacted and HTML-escaped. It is computed once per request and
// serves both the content hash and the burst key, which used to marshal
// the map twice by reflection.
func canonicalAnswers(a map[string]json.RawMessage) []byte {
	keys := make([]string, 0, len(a))
	size := 2
	for k, v := range a {
		keys = append(keys, k)
		size += len(k) + len(v) + 4
	}
	slices.Sort(keys)
	var out, compact bytes.Buffer
	out.Grow(size)
	out.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			out.WriteByte(',')
		}
		if plainKey(k) {
			out.WriteByte('"')
			out.WriteString(k)
			out.WriteByte('"')
		} else {
			kb, _ := json.Marshal(k)
			out.Write(kb)
		}
		out.WriteByte(':')
		compact.Reset()
		if json.Compact(&compact, a[k]) != nil {
			compact.Reset()
			compact.WriteString("null") // unreachable after decoding: a RawMessage is valid JSON
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

// contentHash identifies what a response says, independent of key order and
// white space, so that a retry is told apart from a different response
// reusing an id. canon is canonicalAnswers(r.Answers). The bytes hashed
// are those of json.Marshal on the request with its answers canonical, as
// stored hashes have always been.
func (r *Request) contentHash(canon []byte) []byte {
	b, _ := json.Marshal(canonicalRequest{ID: r.ID, Survey: r.Survey, Version: r.Version, Channel: r.Channel, Counter: r.Counter,
		Token: r.Token, Officer: r.Officer, Lang: r.Lang, AnsweredAt: r.AnsweredAt, Seq: r.Seq, Partial: r.Partial,
		Answers: canon, Comment: r.Comment})
	h := sha256.Sum256(b)
	return h[:]
}
