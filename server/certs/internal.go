package certs

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"
)

// InternalCAKey is the store key of the internal CA (certificate and key, PEM).
const InternalCAKey = "tls_internal_ca"

const (
	caLifetime   = 10 * 365 * 24 * time.Hour // tablets install it once
	leafLifetime = 180 * 24 * time.Hour
	renewBefore  = 60 * 24 * time.Hour // "well before expiry": a server off for weeks still renews in time
)

// internalCA is the server's own certificate authority and the server
// certificate it issued, renewed on use when it nears expiry.
type internalCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	hosts   []string
	now     func() time.Time

	mu   sync.Mutex
	cur  *tls.Certificate
	till time.Time // renew after this
}

func loadInternalCA(ctx context.Context, store Store, hosts []string, now func() time.Time) (*internalCA, error) {
	blob, err := store.CreateOnce(ctx, InternalCAKey, func() ([]byte, error) { return NewCA(now()) })
	if err != nil {
		return nil, fmt.Errorf("certs: internal CA: %w", err)
	}
	ca, err := parseCA(blob)
	if err != nil {
		return nil, err
	}
	ca.hosts, ca.now = hosts, now
	if _, err := ca.leaf(); err != nil {
		return nil, err
	}
	return ca, nil
}

// NewCA makes a new certificate authority: an ECDSA P-256 key and a
// self-signed certificate valid for ten years, as PEM (certificate, then
// key). `sipas tls rotate-ca` stores a new one in place of the old.
func NewCA(now time.Time) ([]byte, error) {
	key, serial, err := newKey()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "SIPAS – CA nội bộ " + now.Format("2006-01-02"), Organization: []string{"SIPAS"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: der})
	pem.Encode(&b, &pem.Block{Type: "PRIVATE KEY", Bytes: kder})
	return b.Bytes(), nil
}

// CACertificatePEM extracts the certificate from a stored CA blob, for
// `sipas tls ca` (the key never leaves the database).
func CACertificatePEM(blob []byte) ([]byte, error) {
	ca, err := parseCA(blob)
	if err != nil {
		return nil, err
	}
	return ca.certPEM, nil
}

func parseCA(blob []byte) (*internalCA, error) {
	ca := &internalCA{}
	for rest := blob; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("certs: internal CA certificate: %w", err)
			}
			ca.cert, ca.certPEM = c, pem.EncodeToMemory(b)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("certs: internal CA key: %w", err)
			}
			ek, ok := k.(*ecdsa.PrivateKey)
			if !ok {
				return nil, errors.New("certs: internal CA key is not ECDSA")
			}
			ca.key = ek
		}
	}
	if ca.cert == nil || ca.key == nil || !ca.cert.IsCA {
		return nil, errors.New("certs: the stored internal CA is incomplete")
	}
	return ca, nil
}

// leaf returns the current server certificate, issuing a new one when
// there is none or it is within renewBefore of its end.
func (ca *internalCA) leaf() (*tls.Certificate, error) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	now := ca.now()
	if ca.cur != nil && now.Before(ca.till) {
		return ca.cur, nil
	}
	c, err := ca.issue(now)
	if err != nil {
		return nil, err
	}
	ca.cur, ca.till = c, c.Leaf.NotAfter.Add(-renewBefore)
	return c, nil
}

// issue signs a server certificate for the hosts.
func (ca *internalCA) issue(now time.Time) (*tls.Certificate, error) {
	key, serial, err := newKey()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: ca.hosts[0], Organization: []string{"SIPAS"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(leafLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if end := ca.cert.NotAfter; tmpl.NotAfter.After(end) {
		tmpl.NotAfter = end // never outlive the CA
	}
	for _, h := range ca.hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

// newKey makes an ECDSA P-256 key and a random 127-bit serial number for
// the certificate that will carry it.
func newKey() (*ecdsa.PrivateKey, *big.Int, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return key, serial, err
}
