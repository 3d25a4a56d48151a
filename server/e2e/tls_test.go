package e2e

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/certs"
)

// tlsServer serves the env's handler over HTTPS with the internal CA on a
// fixed loopback port, and can be stopped and started again on that port,
// as the real server is when it restarts.
type tlsServer struct {
	t    *testing.T
	e    *env
	m    *certs.Manager
	addr string
	srv  *http.Server
}

func newTLSServer(t *testing.T, e *env) *tlsServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &tlsServer{t: t, e: e, m: e.app.Certs, addr: ln.Addr().String()}
	s.serve(ln)
	t.Cleanup(s.stop)
	return s
}

func (s *tlsServer) serve(ln net.Listener) {
	s.srv = &http.Server{Handler: s.e.net, TLSConfig: s.m.TLSConfig(), ErrorLog: log.New(io.Discard, "", 0)}
	go s.srv.ServeTLS(ln, "", "")
}

// stop closes the listener and every connection: the server is gone.
func (s *tlsServer) stop() {
	if s.srv != nil {
		s.srv.Close()
		s.srv = nil
	}
}

// start serves again on the same port.
func (s *tlsServer) start() {
	s.t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	s.serve(ln)
}

// spkiPin is the base64 SHA-256 of the CA's public key, the form
// Chromium's --ignore-certificate-errors-spki-list takes: with it, the
// browser trusts certificates that chain to this CA, and only those.
func spkiPin(t *testing.T, caPEM []byte) string {
	t.Helper()
	blk, _ := pem.Decode(caPEM)
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// TestKioskOverHTTPSStartsOffline proves the internal CA on a real browser:
// Chromium, trusting only the server's own CA, opens the kiosk over
// https:// on a name mapped to 127.0.0.1, pairs and answers once online;
// then the server stops, the tablet reloads and still starts (a secure
// context: the service worker serves the app), three citizens answer; the
// server comes back and exactly three new rows arrive.
func TestKioskOverHTTPSStartsOffline(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, func(c *app.Config) {
		c.TLS = certs.Config{Mode: certs.ModeInternal, Hosts: []string{"kiosk.sipas.test"}}
		c.BaseURL = "https://kiosk.sipas.test"
	})
	s := newTLSServer(t, e)
	_, port, _ := net.SplitHostPort(s.addr)
	e.URL = "https://kiosk.sipas.test:" + port
	b := newTabWith(t, e,
		chromedp.Flag("host-resolver-rules", "MAP kiosk.sipas.test 127.0.0.1"),
		chromedp.Flag("ignore-certificate-errors-spki-list", spkiPin(t, s.m.CACertPEM())))
	b.open()
	if !eval[bool](b, `window.isSecureContext && location.protocol === 'https:'`) {
		t.Fatalf("not a secure context over HTTPS: %s", eval[string](b, `location.href`))
	}
	if strings.Contains(b.text(), "không bảo mật") {
		t.Error("the pairing screen warns about an insecure connection over HTTPS")
	}
	eval[chromedp.Void](b, `localStorage.setItem('sipas.kiosk.tuning', JSON.stringify({retry_base_ms: 300, retry_cap_ms: 1500, heartbeat_ms: 1000}))`)
	b.pair(quickCounter)
	b.waitJS(`navigator.serviceWorker.controller !== null`, 15*time.Second)
	b.reload()
	b.waitQuestion("HL")
	b.tapValue("5")
	b.waitScreen("thanks")
	b.tap("#done") // at once: the thank-you screen goes home by itself after a while
	b.waitQuestion("HL")
	e.waitResponses(1, 30*time.Second)

	s.stop()
	if _, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
		t.Fatal("the server still accepts connections")
	}
	b.reload() // the tablet restarts with no server: the shell comes from the service worker
	b.waitQuestion("HL")
	for i, v := range []string{"4", "5", "1"} {
		if i > 0 {
			b.tap("#done")
			b.waitQuestion("HL")
			b.waitGuard() // the repeat guard
		}
		b.tapValue(v)
		if v == "1" {
			b.waitScreen("followup")
			b.tapValue("cho_lau")
			b.tap("#send")
		}
		b.waitScreen("thanks")
	}
	if q, _ := b.outbox(); q != 3 {
		t.Fatalf("outbox holds %d, want 3", q)
	}
	if n := len(e.responses()); n != 1 {
		t.Fatalf("%d responses stored while the server was down, want the 1 from before", n)
	}

	s.start()
	rs := e.waitResponses(4, 30*time.Second)
	b.waitJS(`window.kiosk.outbox.counts().then(c => c.queued === 0)`, 15*time.Second)
	rs = e.waitResponses(4, time.Second) // and no more
	sameAnswers(t, "after restart 1", rs[1], map[string]string{"HL": "4"})
	sameAnswers(t, "after restart 2", rs[2], map[string]string{"HL": "5"})
	sameAnswers(t, "after restart 3", rs[3], map[string]string{"HL": "1", "LYDO": `["cho_lau"]`})
}

// TestKioskOverHTTPWarnsItCannotStartOffline: on plain HTTP (not a secure
// context) the pairing screen says the tablet will not start offline and
// links to the certificate instructions.
func TestKioskOverHTTPWarnsItCannotStartOffline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(e.URL, "http://"))
	e.URL = "http://kiosk.sipas.test:" + port // a name, not localhost: an insecure context
	b := newTabWith(t, e, chromedp.Flag("host-resolver-rules", "MAP kiosk.sipas.test 127.0.0.1"))
	b.open()
	b.waitScreen("pair")
	if !strings.Contains(b.text(), "không bảo mật") {
		t.Errorf("no warning on an insecure connection: %q", b.text())
	}
	if href := eval[string](b, `document.querySelector('#pair-insecure a')?.getAttribute('href') || ''`); href != "/ca" {
		t.Errorf("link to the certificate instructions: %q", href)
	}
}
