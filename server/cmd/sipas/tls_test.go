package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInternalTLSAsAnOperatorRunsIt is the check, on the real
// binary: `SIPAS_TLS=internal sipas serve`, then `sipas tls ca > ca.pem`
// and an HTTPS request that trusts only that CA answers /readyz with 200 (by
// 127.0.0.1 and by localhost), with HSTS because the base URL is a name; the
// plain-HTTP address redirects to HTTPS and hands out the CA.
func TestInternalTLSAsAnOperatorRunsIt(t *testing.T) {
	dir := t.TempDir()
	addr, plainAddr := freePort(t), freePort(t)
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(binary(t), "serve")
	cmd.Env = append(cmd.Environ(), "SIPAS_TLS=internal", "SIPAS_ADDR="+addr, "SIPAS_HTTP_ADDR="+plainAddr,
		"SIPAS_BASE_URL=https://localhost:"+port, "SIPAS_DATA_DIR="+dir, "SIPAS_LOG_LEVEL=warn")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })

	var ca strings.Builder
	if err := run(context.Background(), []string{"tls", "ca", "-data-dir", dir}, &ca, io.Discard, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(ca.String())) {
		t.Fatalf("sipas tls ca printed no certificate:\n%s", ca.String())
	}
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var resp *http.Response
	var err error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err = c.Get("https://127.0.0.1:" + port + "/readyz"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("HTTPS /readyz: %v\n%s", err, logs.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz: %d", resp.StatusCode)
	}
	resp, err = c.Get("https://localhost:" + port + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age") {
		t.Errorf("no HSTS with base URL https://localhost:%s", port)
	}
	resp, err = c.Get("http://" + plainAddr + "/kiosk/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusMovedPermanently || loc != "https://localhost:"+port+"/kiosk/" {
		t.Errorf("plain HTTP /kiosk/: %d to %q, want a redirect to HTTPS", resp.StatusCode, loc)
	}
	resp, err = c.Get("http://" + plainAddr + "/ca.crt")
	if err != nil {
		t.Fatal(err)
	}
	der, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if crt, err := x509.ParseCertificate(der); err != nil || !strings.Contains(ca.String(), "BEGIN CERTIFICATE") || !crt.IsCA {
		t.Errorf("plain HTTP /ca.crt: %v", err)
	}
	if _, err := (&http.Client{Timeout: 5 * time.Second}).Get("https://127.0.0.1:" + port + "/readyz"); err == nil {
		t.Error("a client without the CA was served")
	}
}

// TestTLSSettingsAreChecked: a bad combination stops the program with one
// sentence naming the setting.
func TestTLSSettingsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SIPAS_TLS": "on"}, "SIPAS_TLS"},
		{map[string]string{"SIPAS_TLS": "files"}, "SIPAS_TLS_CERT"},
		{map[string]string{"SIPAS_TLS": "internal", "SIPAS_BASE_URL": "http://khaosat.test"}, "https://"},
		{map[string]string{"SIPAS_HTTP_ADDR": ":80"}, "SIPAS_HTTP_ADDR"},
		{map[string]string{"SIPAS_TLS": "acme", "SIPAS_BASE_URL": "https://khaosat.test", "SIPAS_ACME_CA": "ftp://x"}, "SIPAS_ACME_CA"},
		{map[string]string{"SIPAS_TLS": "internal", "SIPAS_TLS_CERT": "c.pem"}, "only for SIPAS_TLS=files"},
	} {
		_, err := parseServeConfig(nil, func(k string) string { return tc.env[k] })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error naming %s", tc.env, err, tc.want)
		}
	}
	cfg, err := parseServeConfig(nil, func(k string) string {
		return map[string]string{"SIPAS_TLS": "internal", "SIPAS_ADDR": "0.0.0.0:8443", "SIPAS_TLS_HOSTS": "192.168.1.20, khaosat.lan"}[k]
	})
	if err != nil || cfg.BaseURL != "https://localhost:8443" || strings.Join(cfg.TLS.Hosts, ",") != "localhost,192.168.1.20,khaosat.lan" {
		t.Errorf("defaults with TLS: %+v %v", cfg, err)
	}
}
