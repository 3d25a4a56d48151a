package certs_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/certs"
	"github.com/sipas-vn/sipas/server/sqlite"
)

// serveTLS serves "ok" over HTTPS with m's certificates on a loopback port
// (the given one, or any).
func serveTLS(t *testing.T, m *certs.Manager, port ...string) string {
	t.Helper()
	addr := "127.0.0.1:0"
	if len(port) > 0 {
		addr = "127.0.0.1:" + port[0]
	}
	ln, err := tls.Listen("tcp", addr, m.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }),
		ErrorLog: log.New(io.Discard, "", 0)} // the refused handshakes below are the point
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, got, _ := net.SplitHostPort(ln.Addr().String())
	return got
}

// client trusts only the given PEM certificates and dials every name to
// 127.0.0.1, as a tablet on the LAN resolves the server's name.
func client(t *testing.T, trust ...[]byte) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	for _, p := range trust {
		if !pool.AppendCertsFromPEM(p) {
			t.Fatal("no certificate in PEM")
		}
	}
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			_, port, _ := net.SplitHostPort(addr)
			return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
		},
	}}
}

func openDB(t *testing.T, dir string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// The internal CA is made once and kept in the database: a client that
// trusts it (and only it) reaches the server by its name, by 127.0.0.1 and
// by localhost; a client that does not, does not; a restart keeps the CA.
func TestInternalCAIsTrustedByWhoeverInstallsIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openDB(t, dir)
	m, err := certs.New(ctx, certs.Config{Mode: certs.ModeInternal, Hosts: []string{"khaosat.cantho.test", "192.168.1.20"}, Store: db})
	if err != nil {
		t.Fatal(err)
	}
	ca := m.CACertPEM()
	if blk, _ := pem.Decode(ca); blk == nil || blk.Type != "CERTIFICATE" || strings.Contains(string(ca), "PRIVATE") {
		t.Fatalf("CA PEM is not a lone certificate:\n%s", ca)
	}
	port := serveTLS(t, m)
	c := client(t, ca)
	for _, host := range []string{"khaosat.cantho.test", "127.0.0.1", "localhost", "192.168.1.20"} {
		resp, err := c.Get("https://" + net.JoinHostPort(host, port) + "/")
		if err != nil {
			t.Errorf("%s: %v", host, err)
			continue
		}
		resp.Body.Close()
	}
	if _, err := client(t).Get("https://localhost:" + port + "/"); err == nil {
		t.Error("a client without the CA was served")
	}
	if _, err := c.Get("https://other.test:" + port + "/"); err == nil {
		t.Error("a name the certificate does not cover was accepted")
	}
	again, err := certs.New(ctx, certs.Config{Mode: certs.ModeInternal, Hosts: []string{"khaosat.cantho.test"}, Store: db})
	if err != nil {
		t.Fatal(err)
	}
	if string(again.CACertPEM()) != string(ca) {
		t.Error("a restart made a new CA: every tablet would have to install it again")
	}
	if x, err := x509.ParseCertificate(m.CACertDER()); err != nil || !x.IsCA {
		t.Errorf("DER form: %v", err)
	}
}

// The server certificate is renewed well before it expires, by the same CA,
// so tablets notice nothing.
func TestInternalCertificateRenewsBeforeExpiry(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, t.TempDir())
	clk := &clock{t: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	m, err := certs.New(ctx, certs.Config{Mode: certs.ModeInternal, Store: db, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	get := m.TLSConfig().GetCertificate
	first, err := get(&tls.ClientHelloInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if life := first.Leaf.NotAfter.Sub(first.Leaf.NotBefore); life > 200*24*time.Hour {
		t.Errorf("server certificate valid %v", life)
	}
	clk.add(100 * 24 * time.Hour)
	if c, _ := get(&tls.ClientHelloInfo{}); c.Leaf.SerialNumber.Cmp(first.Leaf.SerialNumber) != 0 {
		t.Error("renewed too early")
	}
	clk.add(30 * 24 * time.Hour) // 130 days in: within 60 days of the end
	second, _ := get(&tls.ClientHelloInfo{})
	if second.Leaf.SerialNumber.Cmp(first.Leaf.SerialNumber) == 0 {
		t.Fatal("not renewed 50 days before expiry")
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(m.CACertPEM())
	if _, err := second.Leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost", CurrentTime: clk.now()}); err != nil {
		t.Errorf("renewed certificate does not verify under the same CA: %v", err)
	}
}

// Own certificates are read from files and read again on Reload; a broken
// pair is refused and the working one kept.
func TestFilesAreReloaded(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	// Two certificate authorities stand in for two certificates a province bought.
	issue := func(db *sqlite.DB) []byte {
		m, err := certs.New(ctx, certs.Config{Mode: certs.ModeInternal, Store: db})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := m.TLSConfig().GetCertificate(&tls.ClientHelloInfo{})
		var certPEM []byte
		for _, der := range c.Certificate {
			certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
		}
		kder, _ := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
		os.WriteFile(cert, certPEM, 0o600)
		os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
		return m.CACertPEM()
	}
	ca1 := issue(openDB(t, t.TempDir()))
	m, err := certs.New(ctx, certs.Config{Mode: certs.ModeFiles, CertFile: cert, KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	port := serveTLS(t, m)
	url := "https://localhost:" + port + "/"
	if _, err := client(t, ca1).Get(url); err != nil {
		t.Fatalf("first certificate: %v", err)
	}
	ca2 := issue(openDB(t, t.TempDir()))
	if err := m.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := client(t, ca2).Get(url); err != nil {
		t.Errorf("after reload: %v", err)
	}
	os.WriteFile(key, []byte("not a key"), 0o600)
	if err := m.Reload(); err == nil {
		t.Error("a broken key was accepted")
	}
	if _, err := client(t, ca2).Get(url); err != nil {
		t.Errorf("the working certificate was dropped: %v", err)
	}
	if _, err := certs.New(ctx, certs.Config{Mode: certs.ModeFiles, CertFile: cert, KeyFile: key}); err == nil {
		t.Error("start with a broken key pair succeeded")
	}
}

func TestModesAndHSTS(t *testing.T) {
	for in, want := range map[string]certs.Mode{"": certs.ModeOff, "off": certs.ModeOff, "Internal": certs.ModeInternal, "acme": certs.ModeACME, "files": certs.ModeFiles} {
		if got, err := certs.ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := certs.ParseMode("on"); err == nil {
		t.Error(`"on" accepted`)
	}
	db := openDB(t, t.TempDir())
	m, err := certs.New(context.Background(), certs.Config{Mode: certs.ModeInternal, Store: db})
	if err != nil {
		t.Fatal(err)
	}
	if !m.HSTS("khaosat.cantho.test") || m.HSTS("192.168.1.20") {
		t.Error("internal: HSTS for a name, not for a bare IP")
	}
	off, _ := certs.New(context.Background(), certs.Config{Mode: certs.ModeOff})
	if off.HSTS("khaosat.cantho.test") || off.TLSConfig() != nil || off.Enabled() {
		t.Error("off mode speaks TLS")
	}
	if _, err := certs.New(context.Background(), certs.Config{Mode: certs.ModeACME, Hosts: []string{"127.0.0.1"}, ACMECacheDir: t.TempDir()}); err == nil {
		t.Error("acme for a bare IP accepted")
	}
}
