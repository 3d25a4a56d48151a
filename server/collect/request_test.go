package collect

import (
	"bytes"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

func TestDecodeRequestIsStrict(t *testing.T) {
	ok := `{"id":"0190f0f0-1234-7abc-8def-0123456789ab","survey":"nhanh","channel":"qr","answers":{"HL":4}}`
	if _, err := DecodeRequest([]byte(ok)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{``, `[]`, `{"id":1}`, `{"answers":{"HL":4},"extra":1}`, ok + ` {}`, `{"answers":`} {
		_, err := DecodeRequest([]byte(bad))
		if survey.ErrorCode(err) != survey.CodeMalformed {
			t.Errorf("%q: %v, want malformed", bad, err)
		}
	}
}

func TestContentHashIgnoresKeyOrderAndSpacing(t *testing.T) {
	a, _ := DecodeRequest([]byte(`{"id":"x","answers":{"A":1,"B":[ "p", "q" ]}}`))
	b, _ := DecodeRequest([]byte(`{"answers":{"B":["p","q"],"A":1},"id":"x"}`))
	c, _ := DecodeRequest([]byte(`{"id":"x","answers":{"A":2,"B":["p","q"]}}`))
	if !bytes.Equal(a.contentHash(), b.contentHash()) {
		t.Error("same content, different hash")
	}
	if bytes.Equal(a.contentHash(), c.contentHash()) {
		t.Error("different content, same hash")
	}
}

// FuzzDecodeAndValidate feeds arbitrary bodies through the decoder and the
// validator of every shipped questionnaire: they must never panic, and
// anything they accept must be answers the definition knows.
func FuzzDecodeAndValidate(f *testing.F) {
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		`{"id":"0190f0f0-1234-7abc-8def-0123456789ab","survey":"nhanh","answers":{"HL":4,"LYDO":["cho_lau"]}}`,
		`{"answers":{"HL":null},"comment":"tốt"}`, `{"answers":{"TC1":5,"GT":"nam","UT1":"nhieu"}}`,
		`{"answers":{"ND1":0}}`, `{"answers":{"HL":"4"}}`, `{"answers":{"HL":4.5}}`, `{}`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := DecodeRequest(body)
		if err != nil {
			return
		}
		req.contentHash()
		for _, d := range cat.All() {
			if d.ValidateAnswers(req.Answers, req.Comment, req.Partial) == nil {
				for code := range req.Answers {
					if d.Question(code) == nil {
						t.Fatalf("%s accepted unknown question %q", d.ID, code)
					}
				}
			}
		}
	})
}
