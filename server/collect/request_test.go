package collect

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	hash := func(r *Request) []byte { return r.contentHash(r.Answers.Canonical()) }
	if !bytes.Equal(hash(a), hash(b)) {
		t.Error("same content, different hash")
	}
	if bytes.Equal(hash(a), hash(c)) {
		t.Error("different content, same hash")
	}
}

// reflectedHash is how content hashes were computed before the canonical
// encoding was made once per request: stored hashes must keep matching, or
// a tablet's retry across an upgrade would read as a conflict.
func reflectedHash(r *Request) []byte {
	answers := make(map[string]json.RawMessage, len(r.Answers))
	for _, a := range r.Answers {
		v := a.Value
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			v = buf.Bytes()
		}
		answers[a.Code] = v
	}
	// The request as it was, its answers a map.
	canon := struct {
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
	}{r.ID, r.Survey, r.Version, r.Channel, r.Counter, r.Token, r.Officer, r.Lang, r.AnsweredAt, r.Seq, r.Partial, answers, r.Comment}
	b, _ := json.Marshal(canon)
	h := sha256.Sum256(b)
	return h[:]
}

func TestCanonicalEncodingMatchesTheStoredHashes(t *testing.T) {
	for _, body := range []string{
		`{"id":"x","survey":"s","version":"v","channel":"kiosk","answers":{"B":[ "p", "q" ],"A":1,"Z":null},"comment":"<b>&</b> Cán bộ\u2028"}`,
		`{"id":"y","answers":{"TXT":"a < b && c > d","HL":5},"seq":3,"partial":true,"answered_at":"2026-12-01T08:00:00+07:00"}`,
		`{"id":"z","answers":{}}`,
		`{"id":"k","answers":{"<a>&":1,"\u00e9\"\\":2,"\u2028":3,"\u007f\u0001":4,"a b":5}}`,
	} {
		r, err := DecodeRequest([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		canon := r.Answers.Canonical()
		if !bytes.Equal(r.contentHash(canon), reflectedHash(r)) {
			t.Errorf("%s: content hash changed", body)
		}
		want, _ := json.Marshal(answersMap(r.Answers))
		if string(canon) != string(want) {
			t.Errorf("canonical answers %s, json.Marshal %s", canon, want)
		}
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
		canon := req.Answers.Canonical()
		if !bytes.Equal(req.contentHash(canon), reflectedHash(req)) {
			t.Errorf("content hash differs from the stored form for %q", body)
		}
		// The same bytes are stored as the answers column (decision 14);
		// no answers at all are stored as {} rather than null.
		if want, _ := json.Marshal(answersMap(req.Answers)); !bytes.Equal(canon, want) {
			t.Errorf("canonical answers %s, json.Marshal %s", canon, want)
		}
		for _, d := range cat.All() {
			if d.ValidateAnswers(req.Answers, req.Comment, req.Partial) == nil {
				for _, a := range req.Answers {
					if d.Question(a.Code) == nil {
						t.Fatalf("%s accepted unknown question %q", d.ID, a.Code)
					}
				}
			}
		}
	})
}

// BenchmarkRequestCPU is a submission's own work before the writer: decode,
// validate against its questionnaire, the canonical answers, content hash
// and burst key, on perf-ratio's body (19 answers and a comment). Decision
// 14 records it as it changes.
func BenchmarkRequestCPU(b *testing.B) {
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		b.Fatal(err)
	}
	def, _ := cat.Get("sipas-dv-2023")
	// In questionnaire order, as tablets and perf-ratio send them.
	var parts []string
	for i, q := range def.Items() {
		if len(parts) < 19 && q.Kind == survey.KindScale {
			parts = append(parts, fmt.Sprintf("%q:%d", q.Code, 1+i%5))
		}
	}
	a := "{" + strings.Join(parts, ",") + "}"
	if slices.IsSorted(parts) {
		b.Fatal("the answers are in code order: not what tablets send")
	}
	body := []byte(`{"id":"0b6f1f5e-8a51-4c55-9a4e-3d4f5a6b7c8d","survey":"sipas-dv-2023","version":"` + def.Version +
		`","channel":"kiosk","lang":"vi","answered_at":"2026-12-04T10:00:00Z","answers":` + a +
		`,"comment":"Cán bộ hướng dẫn tận tình, nhưng phải chờ khá lâu."}`)
	b.ReportAllocs()
	for b.Loop() {
		req, err := DecodeRequest(body)
		if err != nil {
			b.Fatal(err)
		}
		if err := def.ValidateAnswers(req.Answers, req.Comment, req.Partial); err != nil {
			b.Fatal(err)
		}
		canon := req.Answers.Canonical()
		if len(req.contentHash(canon)) == 0 || answersKey(canon) == 0 {
			b.Fatal("no hash")
		}
	}
}

// TestDecodeStrict: every API body is one JSON object whose names are all
// known, none given twice in one object, nothing after it.
func TestDecodeStrict(t *testing.T) {
	type inner struct {
		X int `json:"x"`
	}
	type body struct {
		A       int            `json:"a"`
		B       []inner        `json:"b"`
		Comment string         `json:"comment"`
		Answers survey.Answers `json:"answers"`
	}
	for in, want := range map[string]string{
		`{"a":1,"comment":"x"}`:              "",
		`{"a":1,"a":2}`:                      "duplicate:a",
		`{"answers":{"HL":5,"HL":1}}`:        "duplicate:HL",
		`{"answers":{"HL":5,"hl":1}}`:        "", // two codes; validation refuses the unknown one
		`{"answers":{"HL":5,"H\u004c":1}}`:   "duplicate:HL",
		`{"b":[{"x":1},{"x":1,"x":3}]}`:      "duplicate:x",
		`{"comment":"a","\u0063omment":"b"}`: "duplicate:comment",
		`{"comment":"a","Comment":"b"}`:      "malformed", // names match exactly: an unknown name
		`{"z":1}`:                            "malformed",
		`{"a":1} {"a":2}`:                    "malformed",
		`{"a":"1"}`:                          "malformed",
		"{\"comment\":\"\xff\"}":             "malformed",
		`not json`:                           "malformed",
		``:                                   "malformed",
	} {
		var v body
		err := DecodeStrict([]byte(in), &v)
		got := ""
		var se *survey.Error
		switch {
		case err == nil:
		case !errors.As(err, &se):
			got = "other: " + err.Error()
		case se.Message == "error.json.duplicate_key":
			got = "duplicate:" + fmt.Sprint(se.Data["Key"])
		case se.Message == "error.malformed" && se.Code == survey.CodeMalformed:
			got = "malformed"
		default:
			got = se.Message
		}
		if got != want {
			t.Errorf("DecodeStrict(%s) = %q, want %q", in, got, want)
		}
	}
}

// TestAnswersDecodeAsEncodingJSONDid: the hand-written answers decoder gives
// the codes and values encoding/json gave, each unchanged and in code order,
// and keeps them apart even when the shared buffers grow.
func TestAnswersDecodeAsEncodingJSONDid(t *testing.T) {
	var long strings.Builder
	long.WriteString(`{"answers":{`)
	for i := range 60 {
		if i > 0 {
			long.WriteByte(',')
		}
		fmt.Fprintf(&long, `"Q%d":[%q, %d, {"k" : null}]`, i, strings.Repeat("á", i), i)
	}
	long.WriteString(`}}`)
	for _, in := range []string{long.String(), `{"answers":{}}`, `{"answers":null}`, `{"answers":{"HL":5,"TXT":"a\"b","M":["x","y"]}}`,
		`{"answers":{"Z":1,"\u00e9\"\\":2,"A":3,"\u0041B":4}}`} {
		r, err := DecodeRequest([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var want struct {
			Answers map[string]json.RawMessage `json:"answers"`
		}
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		if len(r.Answers) != len(want.Answers) || (r.Answers == nil) != (want.Answers == nil) {
			t.Fatalf("%s: %d answers, want %d", in, len(r.Answers), len(want.Answers))
		}
		for k, v := range want.Answers {
			if got, ok := r.Answers.Lookup(k); !ok || string(got) != string(v) {
				t.Errorf("%s: %s = %s, want %s", in, k, got, v)
			}
		}
		if codes := answerCodes(r.Answers); !slices.IsSorted(codes) {
			t.Errorf("%s: codes %q out of order", in, codes)
		}
		// Each value is its own: growing one leaves the next alone.
		for i := range r.Answers {
			if i+1 < len(r.Answers) {
				next := string(r.Answers[i+1].Value)
				_ = append(r.Answers[i].Value, '!')
				if string(r.Answers[i+1].Value) != next {
					t.Fatalf("%s: appending to %s changed %s", in, r.Answers[i].Code, r.Answers[i+1].Code)
				}
			}
		}
	}
	if _, err := DecodeRequest([]byte(`{"answers":[1]}`)); err == nil {
		t.Error("answers as an array accepted")
	}
}

// FuzzAnswersDecodeAsEncodingJSON: whatever answers the strict decoder
// accepts, encoding/json reads as the same codes and values, and they come
// out in code order.
func FuzzAnswersDecodeAsEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"HL":5}`, `{"B":[ "p", "q" ],"A":1,"Z":null}`, `{"\u00e9\"\\":2,"a b":{"k" : [1, 2.5e3]}}`,
		`{"TC1":4,"CC4":null,"LYDO":["cham","khac"]}`, `{}`, `null`, `{"x":"\ud83d\ude00"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, answers []byte) {
		body := append(append([]byte(`{"answers":`), answers...), '}')
		r, err := DecodeRequest(body)
		if err != nil {
			return
		}
		var want struct {
			Answers map[string]json.RawMessage `json:"answers"`
		}
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("%s: accepted, but encoding/json says %v", body, err)
		}
		if len(r.Answers) != len(want.Answers) {
			t.Fatalf("%s: %d answers, encoding/json %d", body, len(r.Answers), len(want.Answers))
		}
		for k, v := range want.Answers {
			if got, ok := r.Answers.Lookup(k); !ok || !bytes.Equal(got, v) {
				t.Fatalf("%s: %q = %s, encoding/json %s", body, k, got, v)
			}
		}
		if codes := answerCodes(r.Answers); !slices.IsSorted(codes) {
			t.Fatalf("%s: codes %q out of order", body, codes)
		}
	})
}

// answersMap is a as the map it used to be.
func answersMap(a survey.Answers) map[string]json.RawMessage {
	m := make(map[string]json.RawMessage, len(a))
	for _, x := range a {
		m[x.Code] = x.Value
	}
	return m
}

// answerCodes are a's codes, in its order.
func answerCodes(a survey.Answers) []string {
	codes := make([]string, len(a))
	for i, x := range a {
		codes[i] = x.Code
	}
	return codes
}
