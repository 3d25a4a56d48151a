// Package certs gives the server its HTTPS certificates, so that counter
// tablets get a secure context (service workers, offline start) on a
// province's own network without anyone building a TLS proxy. Four modes:
// off; internal (a small certificate authority of the server's own, kept in
// the database so backups carry it, issuing and renewing the server's
// certificate); acme (an ACME CA such as Let's Encrypt or a province's own,
// through x/crypto/acme/autocert); files (a certificate and key from disk,
// re-read on demand, e.g. on SIGHUP). See docs/decisions/0012.
package certs

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// Mode is how the server gets its certificate.
type Mode string

// The modes of SIPAS_TLS.
const (
	ModeOff      Mode = "off"
	ModeInternal Mode = "internal"
	ModeACME     Mode = "acme"
	ModeFiles    Mode = "files"
)

// ParseMode reads a SIPAS_TLS value.
func ParseMode(s string) (Mode, error) {
	m := Mode(strings.ToLower(strings.TrimSpace(s)))
	if m == "" {
		return ModeOff, nil
	}
	if !slices.Contains([]Mode{ModeOff, ModeInternal, ModeACME, ModeFiles}, m) {
		return "", fmt.Errorf("%q is not off, internal, acme or files", s)
	}
	return m, nil
}

// Store keeps the internal CA: a value under a key, made once. The
// database's settings table is one (sqlite.DB.CreateOnce), so that a backup
// of the database carries the CA the tablets trust.
type Store interface {
	CreateOnce(ctx context.Context, key string, make func() ([]byte, error)) ([]byte, error)
}

// Config says how to get certificates.
type Config struct {
	Mode  Mode
	Hosts []string // names and IP addresses the certificate must cover (internal, acme)

	Store Store            // internal: where the CA is kept
	Now   func() time.Time // internal: the clock for issuing and renewing; time.Now when nil

	CertFile, KeyFile string // files

	ACMEDirectory string       // acme: the CA's directory URL; Let's Encrypt when empty
	ACMEEmail     string       // acme: contact address for the account (optional)
	ACMECacheDir  string       // acme: where the account key and certificates are kept
	ACMEClient    *http.Client // acme: HTTP client for the directory (tests trust their own ACME server with it)
}

// Manager serves certificates for the configured mode.
type Manager struct {
	mode  Mode
	hosts []string

	internal *internalCA
	acme     *autocert.Manager

	mu       sync.RWMutex
	files    *tls.Certificate
	certFile string
	keyFile  string
}

// New prepares the certificates of cfg: it creates or loads the internal
// CA and issues the first server certificate, or loads the files, so that a
// mistake is found at start, not at the first tablet's connection.
func New(ctx context.Context, cfg Config) (*Manager, error) {
	m := &Manager{mode: cfg.Mode, hosts: hostsWithLoopback(cfg.Hosts)}
	switch cfg.Mode {
	case ModeOff, "":
		m.mode = ModeOff
	case ModeInternal:
		if cfg.Store == nil {
			return nil, errors.New("certs: internal mode needs a store for its CA")
		}
		now := cfg.Now
		if now == nil {
			now = time.Now
		}
		ca, err := loadInternalCA(ctx, cfg.Store, m.hosts, now)
		if err != nil {
			return nil, err
		}
		m.internal = ca
	case ModeACME:
		var names []string
		for _, h := range cfg.Hosts {
			if net.ParseIP(h) == nil && h != "localhost" {
				names = append(names, h)
			}
		}
		if len(names) == 0 {
			return nil, errors.New("certs: acme needs a DNS name in the base URL or SIPAS_TLS_HOSTS (an ACME CA cannot certify an IP address or localhost)")
		}
		if cfg.ACMECacheDir == "" {
			return nil, errors.New("certs: acme needs a cache folder")
		}
		client := &acme.Client{DirectoryURL: cfg.ACMEDirectory, HTTPClient: cfg.ACMEClient}
		if client.DirectoryURL == "" {
			client.DirectoryURL = autocert.DefaultACMEDirectory
		}
		m.acme = &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			HostPolicy: autocert.HostWhitelist(names...),
			Cache:      autocert.DirCache(cfg.ACMECacheDir),
			Email:      cfg.ACMEEmail,
			Client:     client,
		}
	case ModeFiles:
		if cfg.CertFile == "" || cfg.KeyFile == "" {
			return nil, errors.New("certs: files mode needs SIPAS_TLS_CERT and SIPAS_TLS_KEY")
		}
		m.certFile, m.keyFile = cfg.CertFile, cfg.KeyFile
		if err := m.Reload(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("certs: unknown mode %q", cfg.Mode)
	}
	return m, nil
}

// Enabled reports whether the server speaks HTTPS.
func (m *Manager) Enabled() bool { return m != nil && m.mode != ModeOff }

// Mode is the manager's mode.
func (m *Manager) Mode() Mode { return m.mode }

// TLSConfig is the configuration of the HTTPS listener; nil when TLS is off.
func (m *Manager) TLSConfig() *tls.Config {
	if !m.Enabled() {
		return nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
	switch m.mode {
	case ModeInternal:
		c.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return m.internal.leaf() }
	case ModeACME:
		c.GetCertificate = m.acme.GetCertificate
		c.NextProtos = append(c.NextProtos, acme.ALPNProto) // tls-alpn-01 challenges on the same port
	case ModeFiles:
		c.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			m.mu.RLock()
			defer m.mu.RUnlock()
			return m.files, nil
		}
	}
	return c
}

// Reload re-reads the certificate and key files (files mode; a no-op
// otherwise). A broken pair is refused and the previous one kept.
func (m *Manager) Reload() error {
	if m.mode != ModeFiles {
		return nil
	}
	c, err := tls.LoadX509KeyPair(m.certFile, m.keyFile)
	if err != nil {
		return fmt.Errorf("certs: SIPAS_TLS_CERT / SIPAS_TLS_KEY: %w", err)
	}
	m.mu.Lock()
	m.files = &c
	m.mu.Unlock()
	return nil
}

// CACertPEM is the internal CA's certificate, to be installed on tablets;
// nil in other modes.
func (m *Manager) CACertPEM() []byte {
	if m == nil || m.internal == nil {
		return nil
	}
	return m.internal.certPEM
}

// CACertDER is the same certificate in DER, the form Android and iPadOS
// install from a .crt download.
func (m *Manager) CACertDER() []byte {
	if m == nil || m.internal == nil {
		return nil
	}
	return m.internal.cert.Raw
}

// HTTPHandler wraps the plain-HTTP handler: in acme mode it answers the
// CA's http-01 challenges and passes everything else to fallback.
func (m *Manager) HTTPHandler(fallback http.Handler) http.Handler {
	if m.Enabled() && m.mode == ModeACME {
		return m.acme.HTTPHandler(fallback)
	}
	return fallback
}

// HSTS reports whether responses should carry Strict-Transport-Security:
// in every TLS mode, except the internal CA when the base URL's host is a
// bare IP address (there is no name to pin, and a tablet re-paired to
// another address would be locked out).
func (m *Manager) HSTS(baseHost string) bool {
	if !m.Enabled() {
		return false
	}
	return !(m.mode == ModeInternal && net.ParseIP(baseHost) != nil)
}

// hostsWithLoopback adds localhost, 127.0.0.1 and ::1 so that the server can
// always be reached and checked from the machine itself.
func hostsWithLoopback(hosts []string) []string {
	out := []string{}
	for _, h := range append(slices.Clone(hosts), "localhost", "127.0.0.1", "::1") {
		h = strings.ToLower(strings.Trim(strings.TrimSpace(h), "[]"))
		if h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}
