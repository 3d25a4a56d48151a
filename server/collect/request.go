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

// contentHash identifies what a response says, independent of key order and
// white space, so that a retry is told apart from a different response
// reusing an id.
func (r *Request) contentHash() []byte {
	answers := make(map[string]json.RawMessage, len(r.Answers))
	for k, v := range r.Answers {
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			v = buf.Bytes()
		}
		answers[k] = v
	}
	canon := *r
	canon.Answers = answers
	b, _ := json.Marshal(canon) // struct fields in order, map keys sorted
	h := sha256.Sum256(b)
	return h[:]
}
