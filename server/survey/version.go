package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// definitionVersion identifies a definition's content: the first 16 hex digits of the
// SHA-256 of its JSON with Version left empty. encoding/json writes struct
// fields in a fixed order and map keys sorted, so the same content always
// gives the same version and any edit to the file gives a new one. Responses
// record it, so figures can later be traced to the exact wording asked.
func definitionVersion(d *Definition) string {
	// Marshal with Version blanked and then restored, rather than a copy:
	// a Definition carries a sync.Once and must not be copied.
	v := d.Version
	d.Version = ""
	data, err := json.Marshal(d)
	d.Version = v
	if err != nil {
		// Only plain strings, numbers and maps with string keys: cannot fail.
		panic("survey: marshal definition: " + err.Error())
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:16]
}
