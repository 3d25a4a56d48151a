package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestJSONWithADuplicatedKeyIsRefused: every API body, the submission
// first, is refused with a 400 in the reader's language when a key repeats,
// because the raw body kept with a response would say something other than
// what was counted.
func TestJSONWithADuplicatedKeyIsRefused(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	for _, c := range []struct{ path, body string }{
		{"/api/v1/responses", `{"id":"0b6f1f5e-8a51-4c55-9a4e-3d4f5a6b7c8d","survey":"nhanh","channel":"qr","counter":"CT-01","answers":{"HL":5,"HL":1}}`},
		{"/api/v1/responses", `{"id":"0b6f1f5e-8a51-4c55-9a4e-3d4f5a6b7c8e","id":"0b6f1f5e-8a51-4c55-9a4e-3d4f5a6b7c8f","survey":"nhanh","channel":"qr","counter":"CT-01","answers":{"HL":5}}`},
		{"/api/v1/kiosk/pair", `{"code":"123456","code":"654321"}`},
	} {
		for lang, want := range map[string]string{"vi": "lặp lại", "en": "more than once"} {
			rec := post(t, s, c.path, c.body, "Accept-Language", lang)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"code":"malformed"`) ||
				!strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s %s (%s): %d %s", c.path, c.body, lang, rec.Code, rec.Body)
			}
		}
	}
	// Names match exactly: a case variant is an unknown name, not a second
	// spelling of a known one (encoding/json matched them either way).
	for lang, want := range map[string]string{"vi": "không đọc được", "en": "could not be read"} {
		rec := post(t, s, "/api/v1/kiosk/pair", `{"code":"123456","Code":"654321"}`, "Accept-Language", lang)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("case variant (%s): %d %s", lang, rec.Code, rec.Body)
		}
	}
	if n, err := s.DB.CountResponses(t.Context()); err != nil || n != 0 {
		t.Errorf("%d responses stored (%v)", n, err)
	}
}
