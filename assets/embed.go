// Package assets exports the server's embedded locales, templates and static
// files; go:embed cannot reach outside a package's folder, hence this file.
package assets

import "embed"

// FS holds locales/, templates/ and static/.
//
//go:embed locales templates static
var FS embed.FS
