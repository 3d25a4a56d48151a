package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/auth"
)

// TestStaffPINIsSlowToGuessAndLocks: the config a tablet keeps offline
// carries only a PBKDF2 verifier of at least 600,000 iterations; the tablet
// derives the same value with WebCrypto and, where WebCrypto is missing
// (plain http), with its JavaScript fallback; five wrong PINs lock the staff
// corner, and reloading the app does not unlock it.
func TestStaffPINIsSlowToGuessAndLocks(t *testing.T) {
	// The production work factor (the other tests lower it).
	e := newEnvOpts(t, nil, func(o *app.Options) { o.StaffPINIterations = 0 })
	b := newTab(t, e)
	pin := b.pair(quickCounter)
	b.waitQuestion("HL")

	sp := eval[map[string]any](b, `JSON.parse(localStorage.getItem('sipas.kiosk.config')).staff_pin`)
	salt, _ := sp["salt"].(string)
	iter, _ := sp["iterations"].(float64)
	hash, _ := sp["hash"].(string)
	want, err := auth.StaffPINVerifier(salt, pin, int(iter))
	if err != nil {
		t.Fatal(err)
	}
	plain := sha256.Sum256([]byte(salt + pin))
	if sp["kdf"] != "pbkdf2-sha256" || iter < 600_000 || hash != want || sp["sha256"] != nil || hash == hex.EncodeToString(plain[:]) {
		t.Fatalf("staff_pin in the tablet's config: %v; want pbkdf2-sha256, ≥ 600000 iterations, hash %s", sp, want)
	}
	// Both derivations in the browser: the known answer of server/auth, and
	// the fallback at full strength against the config.
	got := eval[[]string](b, fmt.Sprintf(`(async () => {
		const pin = await import('/kiosk/js/pin.js'), sha = await import('/kiosk/js/sha256.js');
		const enc = new TextEncoder(), sp = %s, inner = await sha.sha256Hex(sp.salt + %q);
		return [
			await pin.staffPinHash({kdf: 'pbkdf2-sha256', salt: 'MB36JHve2qOXs5nW', iterations: 1000}, '493817'),
			pin._pbkdf2Fallback(enc.encode(sha._sha256Fallback(enc.encode('MB36JHve2qOXs5nW493817'))), enc.encode('MB36JHve2qOXs5nW'), 1000),
			await pin.staffPinHash(sp, %q),
			pin._pbkdf2Fallback(enc.encode(inner), enc.encode(sp.salt), sp.iterations),
			String(await pin.staffPinHash({salt: sp.salt, sha256: 'x'}, %q)),
		];
	})()`, mustJSON(t, sp), pin, pin, pin))
	const known = "69387a37d47a9958748022e053f1e6609e32a01460fa51b794394a7cc5ac812e"
	if got[0] != known || got[1] != known || got[2] != want || got[3] != want || got[4] != "null" {
		t.Fatalf("derivations in the browser: %q; want %s twice, %s twice, then null for an old config", got, known, want)
	}

	// Five wrong PINs lock the corner; then even the right one waits.
	b.longPress("#staff-trigger", 3200*time.Millisecond)
	b.waitScreen("staff")
	wrong := fmt.Sprintf("%06d", (atoi(pin)+1)%1000000)
	for i := 1; i <= 5; i++ {
		b.tap(`.keypad [data-key="clear"]`)
		b.typeKeypad(wrong)
		b.tap("#staff-pin-submit")
		b.waitJS(fmt.Sprintf(`localStorage.getItem('sipas.kiosk.staff_fails') === '%d'`, i), 10*time.Second)
	}
	locked := `document.querySelector('#staff-pin-error').textContent.includes('Nhập sai nhiều lần')`
	b.waitJS(locked, 5*time.Second)
	tryRight := func(when string) {
		t.Helper()
		b.tap(`.keypad [data-key="clear"]`)
		b.typeKeypad(pin)
		b.tap("#staff-pin-submit")
		b.waitJS(locked, 5*time.Second)
		time.Sleep(1500 * time.Millisecond) // longer than a derivation: nothing more happens
		if eval[bool](b, `!!document.querySelector('#staff-queued')`) {
			t.Fatalf("%s: the right PIN opened the locked corner", when)
		}
	}
	tryRight("right after the fifth wrong PIN")

	b.reload()
	b.waitQuestion("HL")
	b.longPress("#staff-trigger", 3200*time.Millisecond)
	b.waitScreen("staff")
	tryRight("after reloading the app")

	// Once the lock has passed (its end moved to now), the right PIN opens
	// the panel and the count starts over.
	eval[bool](b, `(localStorage.setItem('sipas.kiosk.staff_lock_until', String(Date.now() - 1)), true)`)
	b.tap(`.keypad [data-key="clear"]`)
	b.typeKeypad(pin)
	b.tap("#staff-pin-submit")
	b.waitJS(`!!document.querySelector('#staff-queued')`, 10*time.Second)
	if n := eval[string](b, `String(localStorage.getItem('sipas.kiosk.staff_fails'))`); n != "null" {
		t.Errorf("wrong PINs counted after the right one: %s", n)
	}
	if strings.Contains(b.text(), "Nhập sai") {
		t.Error("the panel still shows the lock")
	}
}

// mustJSON renders v as a JavaScript literal.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
