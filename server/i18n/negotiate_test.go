package i18n

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sipas-vn/sipas/assets"
)

func TestNegotiate(t *testing.T) {
	b := newTestBundle(t)
	bEn, err := New(assets.FS, "en")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		b      *Bundle
		query  string
		cookie string
		accept string
		want   string
	}{
		{"nothing gives the default", b, "", "", "", "vi"},
		{"nothing gives the default (en)", bEn, "", "", "", "en"},
		{"query beats cookie and header", b, "en", "vi", "vi", "en"},
		{"query with region", b, "vi-VN", "en", "en", "vi"},
		{"cookie beats header", b, "", "en", "vi-VN,vi;q=0.9", "en"},
		{"header beats default", b, "", "", "en-US,en;q=0.9", "en"},
		{"header picks Vietnamese over default en", bEn, "", "", "vi-VN", "vi"},
		{"header by q-value", b, "", "", "fr;q=1, en;q=0.8, vi;q=0.5", "en"},
		{"unsupported header gives default", b, "", "", "fr", "vi"},
		{"unsupported header gives default (en)", bEn, "", "", "fr-FR,fr;q=0.9", "en"},
		{"junk header gives default", b, "", "", ";;;===,,q=x", "vi"},
		{"junk query falls through to cookie", b, "../../etc", "en", "", "en"},
		{"unsupported query falls through to header", b, "fr", "", "en", "en"},
		{"junk cookie falls through to header", b, "", "%%%", "en-GB", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/"
			if tt.query != "" {
				target += "?lang=" + tt.query
			}
			r := httptest.NewRequest(http.MethodGet, target, nil)
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: CookieName, Value: tt.cookie})
			}
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			if got := tt.b.Negotiate(r); got != tt.want {
				t.Errorf("Negotiate = %q, want %q", got, tt.want)
			}
		})
	}
}
