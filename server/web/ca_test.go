package web_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/certs"
)

// With the internal CA, a tablet finds it at /ca (instructions and a QR
// code of that page's plain-HTTP address), /ca.crt (DER) and /ca.pem; and
// HTTPS answers carry HSTS. Without it, those addresses do not exist.
func TestTabletsGetTheInternalCA(t *testing.T) {
	s := newTestServer(t)
	for _, p := range []string{"/ca", "/ca.crt", "/ca.pem", "/ca/qr.svg"} {
		if rec := get(t, s, p); rec.Code != http.StatusNotFound {
			t.Errorf("%s without an internal CA: %d, want 404", p, rec.Code)
		}
	}

	a := newApp(t, app.Config{TLS: certs.Config{Mode: certs.ModeInternal}, PlainURL: "http://khaosat.cantho.test:8080"}, app.Options{})
	s, m := a.Web, a.Certs

	rec := get(t, s, "/ca?lang=vi")
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("/ca: %d", rec.Code)
	}
	for _, want := range []string{"Cài chứng chỉ cho máy tính bảng tại quầy", `href="/ca.crt"`, `src="/ca/qr.svg"`,
		"http://khaosat.cantho.test:8080/ca", "Android", "iPad", "http://example.test/kiosk/"} {
		if !strings.Contains(body, want) {
			t.Errorf("/ca lacks %q", want)
		}
	}
	der := get(t, s, "/ca.crt")
	if c, err := x509.ParseCertificate(der.Body.Bytes()); err != nil || !c.IsCA || der.Header().Get("Content-Type") != "application/x-x509-ca-cert" {
		t.Errorf("/ca.crt: %v, %s", err, der.Header().Get("Content-Type"))
	}
	if blk, _ := pem.Decode(get(t, s, "/ca.pem").Body.Bytes()); blk == nil || string(pem.EncodeToMemory(blk)) != string(m.CACertPEM()) {
		t.Error("/ca.pem is not the CA certificate")
	}
	if qr := get(t, s, "/ca/qr.svg"); qr.Code != http.StatusOK || !strings.Contains(qr.Body.String(), "<svg") {
		t.Errorf("/ca/qr.svg: %d", qr.Code)
	}
	if get(t, s, "/healthz").Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS on a plain-HTTP answer")
	}
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.TLS = &tls.ConnectionState{}
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if h := rec.Header().Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
		t.Errorf("HTTPS answer without HSTS: %q", h)
	}
}

// The admin counter page, where staff pair a tablet, shows the QR code of
// the certificate page when the server has an internal CA, and not otherwise.
func TestAdminCounterPageShowsTheCertificateQR(t *testing.T) {
	_, admin := adminSetup(t)
	if body := admin.get("/admin/counters/1").Body.String(); strings.Contains(body, "/ca/qr.svg") {
		t.Error("certificate QR without an internal CA")
	}
	_, admin = adminOn(t, newApp(t, app.Config{TLS: certs.Config{Mode: certs.ModeInternal}, PlainURL: "http://192.168.1.20"}, app.Options{}).Web)
	body := admin.get("/admin/counters/1?lang=vi").Body.String()
	for _, want := range []string{`src="/ca/qr.svg"`, "http://192.168.1.20/ca", "cài chứng chỉ"} {
		if !strings.Contains(body, want) {
			t.Errorf("admin counter page lacks %q", want)
		}
	}
}
