// Package qr draws QR codes (github.com/skip2/go-qrcode) as PNG and SVG for
// posters, receipts and the kiosk's thank-you screen.
package qr

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// Level is medium error correction: posters get scuffed, receipts get folded.
const level = qrcode.Medium

// ShortURL returns the URL in the form that makes the smallest QR code: an
// upper-case URL is all in QR's alphanumeric set, which packs 5.5 bits a
// character instead of 8. Scheme and host are case-insensitive, and our
// code paths accept either case, so it opens the same page.
func ShortURL(url string) string { return strings.ToUpper(url) }

// PNG returns a PNG image of the code, size pixels square.
func PNG(content string, size int) ([]byte, error) {
	return qrcode.Encode(content, level, size)
}

// SVG returns an SVG image of the code, one unit per module, with the quiet
// zone, scalable to any print size; title is its accessible name.
func SVG(content, title string) ([]byte, error) {
	q, err := qrcode.New(content, level)
	if err != nil {
		return nil, err
	}
	bm := q.Bitmap() // includes the quiet zone
	n := len(bm)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="%s">`, n, n, escape(title))
	fmt.Fprintf(&b, `<title>%s</title><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, escape(title), n, n)
	for y, row := range bm {
		for x := 0; x < n; x++ {
			if !row[x] {
				continue
			}
			// Merge a run of dark modules into one rectangle: smaller files.
			run := 1
			for x+run < n && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run - 1
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String()), nil
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
