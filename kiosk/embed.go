// Package kiosk exports the counter-tablet web app served under /kiosk.
package kiosk

import "embed"

// FS holds the tablet app: index.html, JS modules, the service worker, CSS and vendored files.
//
//go:embed all:app
var FS embed.FS
