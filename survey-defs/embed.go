// Package surveydefs exports the shipped questionnaire definitions (*.yaml).
package surveydefs

import "embed"

// FS holds the questionnaire definitions.
//
//go:embed *.yaml
var FS embed.FS
