package survey

import "strings"

// invisibleControls are removed from what citizens write: NUL, which some
// tools cut text at, and the bidirectional embeddings, overrides and
// isolates, which make text display in another order than it is stored
// ("Trojan Source"), so a comment could read differently on the dashboard,
// in an export and in the database.
var invisibleControls = strings.NewReplacer(
	"\x00", "",
	"\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "", // LRE RLE PDF LRO RLO
	"\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "", // LRI RLI FSI PDI
	"\u061c", "", // ARABIC LETTER MARK
)

// CleanText returns a citizen's free text without NUL and bidirectional
// control characters; everything else, line breaks included, is kept.
func CleanText(s string) string {
	if !strings.ContainsAny(s, "\x00\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c") {
		return s
	}
	return invisibleControls.Replace(s)
}
