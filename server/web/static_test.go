package web_test

import (
	"net/http"
	"testing"
)

// Browsers ask every site for /favicon.ico: it answers with the embedded icon.
func TestFaviconIsServed(t *testing.T) {
	s := newTestServer(t)
	rec := (&adminClient{t: t, s: s}).get("/favicon.ico")
	b := rec.Body.Bytes()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/x-icon" || len(b) < 22 || string(b[:4]) != "\x00\x00\x01\x00" {
		t.Errorf("/favicon.ico: %d %q, %d bytes", rec.Code, rec.Header().Get("Content-Type"), len(b))
	}
}
