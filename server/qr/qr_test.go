package qr

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

func TestUpperCaseURLMakesASmallerCode(t *testing.T) {
	url := "http://khaosat.cantho.gov.vn/t/7K3M9QX2ABCDEFGH"
	lower, _ := qrcode.New(url, level)
	upper, _ := qrcode.New(ShortURL(url), level)
	if upper.VersionNumber >= lower.VersionNumber {
		t.Errorf("upper-case version %d, lower-case %d: expected a smaller code", upper.VersionNumber, lower.VersionNumber)
	}
}

func TestPNGAndSVG(t *testing.T) {
	b, err := PNG("HTTP://X/Q/CT-TT-01", 256)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 256 {
		t.Fatalf("png: %v %v", err, img.Bounds())
	}
	s, err := SVG("HTTP://X/Q/CT-TT-01", `Mã QR "quầy 1"`)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(s)
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "<title>Mã QR &quot;quầy 1&quot;</title>") || !strings.Contains(svg, "M") {
		t.Errorf("svg: %.200s", svg)
	}
}
