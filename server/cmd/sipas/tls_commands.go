package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/sipas-vn/sipas/server/certs"
	"github.com/sipas-vn/sipas/server/sqlite"
)

// tlsCmd is `sipas tls ca` (print the internal CA's certificate, PEM,
// making the CA if there is none yet) and `sipas tls rotate-ca` (replace it;
// every tablet must then install the new one).
func tlsCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	if len(args) == 0 || (args[0] != "ca" && args[0] != "rotate-ca") {
		return errors.New("usage: sipas tls ca | sipas tls rotate-ca [-data-dir DIR]")
	}
	_, path, err := dataDirFlags("tls "+args[0], args[1:], getenv)
	if err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	var blob []byte
	if args[0] == "rotate-ca" {
		if blob, err = certs.NewCA(time.Now()); err == nil {
			err = db.ReplaceSetting(ctx, certs.InternalCAKey, blob)
		}
	} else {
		blob, err = db.CreateOnce(ctx, certs.InternalCAKey, func() ([]byte, error) { return certs.NewCA(time.Now()) })
	}
	if err != nil {
		return err
	}
	pem, err := certs.CACertificatePEM(blob)
	if err != nil {
		return err
	}
	if args[0] == "rotate-ca" {
		fmt.Fprintln(stdout, "# New internal CA. Restart the server, then install this certificate on every tablet (/ca).")
	}
	_, err = stdout.Write(pem)
	return err
}
