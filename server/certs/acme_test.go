package certs_test

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/letsencrypt/pebble/v2/ca"
	pebbledb "github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
	"github.com/miekg/dns"

	"github.com/sipas-vn/sipas/server/certs"
)

// fakeDNS answers every A question with 127.0.0.1 over TCP, so that the
// ACME server's validation of "khaosat.sipas.test" reaches this machine.
func fakeDNS(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{Listener: ln, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		for _, qu := range q.Question {
			if qu.Qtype == dns.TypeA {
				m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: qu.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(127, 0, 0, 1)})
			}
		}
		w.WriteMsg(m)
	})}
	go srv.ActivateAndServe()
	t.Cleanup(func() { srv.Shutdown() })
	return ln.Addr().String()
}

// freePort reserves a loopback port number.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestACMEWithARealACMEServer gets a certificate from Pebble, Let's
// Encrypt's ACME test server, run here in-process with its real validation
// (a tls-alpn-01 challenge on the HTTPS port itself, or http-01 through the
// plain-HTTP handler the manager provides for SIPAS_HTTP_ADDR); then the
// server answers HTTPS with a certificate that chains to Pebble's root.
func TestACMEWithARealACMEServer(t *testing.T) {
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	t.Setenv("PEBBLE_WFE_NONCEREJECT", "0")
	logger := log.New(io.Discard, "", 0)
	httpPort, tlsPort := freePort(t), freePort(t)
	store := pebbledb.NewMemoryStore()
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{"default": {Description: "test"}})
	validator := va.New(logger, httpPort, tlsPort, false, fakeDNS(t), store)
	front := wfe.New(logger, store, validator, authority, []string{"pebble.letsencrypt.org"}, false, false, 3, 5)
	acmeSrv := httptest.NewUnstartedServer(front.Handler())
	acmeSrv.Config.ErrorLog = logger
	acmeSrv.StartTLS()
	t.Cleanup(acmeSrv.Close)

	const host = "khaosat.sipas.test"
	m, err := certs.New(context.Background(), certs.Config{Mode: certs.ModeACME, Hosts: []string{host},
		ACMEDirectory: acmeSrv.URL + wfe.DirectoryPath, ACMEClient: acmeSrv.Client(), ACMECacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// Plain HTTP, where the challenges are fetched; anything else is redirected.
	plain := &http.Server{Handler: m.HTTPHandler(http.RedirectHandler("https://"+host+"/", http.StatusMovedPermanently)), ErrorLog: logger}
	pln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(httpPort))
	if err != nil {
		t.Fatal(err)
	}
	go plain.Serve(pln)
	t.Cleanup(func() { plain.Close() })
	port := serveTLS(t, m, strconv.Itoa(tlsPort))

	root := authority.GetRootCert(0).PEM()
	resp, err := client(t, root).Get("https://" + net.JoinHostPort(host, port) + "/")
	if err != nil {
		t.Fatalf("HTTPS with the ACME certificate: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" || len(resp.TLS.PeerCertificates) == 0 || resp.TLS.PeerCertificates[0].DNSNames[0] != host {
		t.Errorf("served %q with %v", body, resp.TLS.PeerCertificates[0].DNSNames)
	}
	if _, err := client(t).Get("https://" + net.JoinHostPort(host, port) + "/"); err == nil {
		t.Error("a client that does not trust the ACME CA was served: the certificate is not Pebble's")
	}
}
