package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/auth"
)

// TestStaffPINIsStoredStretched: pairing keeps only the PBKDF2 verifier of
// the staff PIN, and the spent code forgets the PIN; a tablet paired before
// (plain SHA-256) is stretched on its next read, without its PIN.
func TestStaffPINIsStoredStretched(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	counter := draftCounter(t, db)
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	d, _, pin, err := db.AddDevice(ctx, counter, now)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.StaffPIN(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := auth.StaffPINVerifier(p.Salt, pin, auth.StaffPINIterations)
	if p.Iterations != auth.StaffPINIterations || p.Verifier != want {
		t.Errorf("stored %+v, want %d iterations and verifier %s", p, auth.StaffPINIterations, want)
	}
	var left int
	db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairing_codes WHERE staff_pin != ''`).Scan(&left)
	if left != 0 {
		t.Errorf("%d spent pairing codes still hold a staff PIN", left)
	}

	// As a tablet paired before migration 00012 was stored.
	old := sha256.Sum256([]byte(p.Salt + pin))
	if _, err := db.write.ExecContext(ctx, `UPDATE devices SET staff_pin_hash = ?, staff_pin_iterations = 0 WHERE id = ?`,
		hex.EncodeToString(old[:]), d.ID); err != nil {
		t.Fatal(err)
	}
	if p, err = db.StaffPIN(ctx, d.ID); err != nil || p.Verifier != want || p.Iterations != auth.StaffPINIterations {
		t.Errorf("legacy PIN read back as %+v (%v), want the stretched verifier", p, err)
	}
	var stored string
	var iter int
	db.read.QueryRowContext(ctx, `SELECT staff_pin_hash, staff_pin_iterations FROM devices WHERE id = ?`, d.ID).Scan(&stored, &iter)
	if stored != want || iter != auth.StaffPINIterations {
		t.Errorf("the stretched verifier was not stored: %s, %d", stored, iter)
	}
}
