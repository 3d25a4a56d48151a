package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// multipartBody is a form with one file field of n bytes.
func multipartBody(t *testing.T, n int) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("csrf", "x")
	f, err := w.CreateFormFile("file", "big.csv")
	if err != nil {
		t.Fatal(err)
	}
	f.Write(bytes.Repeat([]byte("a"), n))
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// TestEveryRouteLimitsItsBodyBeforeParsing sends bodies over each kind of
// limit, with and without a declared length (a chunked upload declares
// none), to routes that take them before any sign-in: each is a 413, and a
// body under the limit still reaches the handler.
func TestEveryRouteLimitsItsBodyBeforeParsing(t *testing.T) {
	s, admin := adminSetup(t)
	form := func(n int) ([]byte, string) {
		return []byte("csrf=x&comment=" + strings.Repeat("a", n)), "application/x-www-form-urlencoded"
	}
	mp := func(n int) ([]byte, string) { return multipartBody(t, n) }
	json := func(n int) ([]byte, string) {
		return []byte(`{"comment":"` + strings.Repeat("a", n) + `"}`), "application/json"
	}
	cases := []struct {
		path   string
		body   func(int) ([]byte, string)
		size   int
		cookie bool
		want   int // 0: anything but 413
	}{
		{"/login", mp, 1 << 20, false, http.StatusRequestEntityTooLarge},
		{"/login", form, 100 << 10, false, http.StatusRequestEntityTooLarge},
		{"/login", form, 1 << 10, false, 0},
		{"/logout", mp, 1 << 20, false, http.StatusRequestEntityTooLarge},
		{"/invite/abc", mp, 1 << 20, false, http.StatusRequestEntityTooLarge},
		{"/q/CT-01", mp, 1 << 20, false, http.StatusRequestEntityTooLarge},
		{"/q/CT-01", form, 40 << 10, false, http.StatusRequestEntityTooLarge},
		{"/admin/users", form, 40 << 10, false, http.StatusRequestEntityTooLarge},
		{"/admin/users", form, 40 << 10, true, http.StatusRequestEntityTooLarge},
		{"/dashboard/agency/H17/comments/1", mp, 1 << 20, false, http.StatusRequestEntityTooLarge},
		{"/api/v1/responses", json, 70 << 10, false, http.StatusRequestEntityTooLarge},
		{"/api/v1/kiosk/pair", json, 70 << 10, false, http.StatusRequestEntityTooLarge},
		{"/admin/agencies/import", mp, 9 << 20, false, http.StatusRequestEntityTooLarge},
		{"/admin/agencies/import", mp, 9 << 20, true, http.StatusRequestEntityTooLarge},
		{"/admin/agencies/import", mp, 1 << 20, true, 0}, // a large CSV is still taken
	}
	for _, tc := range cases {
		for _, declared := range []bool{true, false} {
			b, ct := tc.body(tc.size)
			var r io.Reader = bytes.NewReader(b)
			if !declared {
				r = io.MultiReader(r) // hides the length: sent chunked
			}
			req := httptest.NewRequest(http.MethodPost, tc.path, r)
			req.Header.Set("Content-Type", ct)
			if tc.cookie {
				req.AddCookie(admin.ck)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if tc.want != 0 && rec.Code != tc.want || tc.want == 0 && rec.Code == http.StatusRequestEntityTooLarge {
				t.Errorf("POST %s, %d bytes (%s, length declared %v, signed in %v): %d, want %d",
					tc.path, len(b), ct[:min(len(ct), 20)], declared, tc.cookie, rec.Code, tc.want)
			}
		}
	}
}
