package i18n

import (
	"net/http"

	"golang.org/x/text/language"
)

// CookieName is the cookie that remembers the language a person switched to.
const CookieName = "lang"

// Negotiate picks the request's language: an explicit ?lang= (the switch's
// links) first, then the remembered cookie, then the browser's
// Accept-Language, then the default. A value that is junk or unsupported at
// one step is ignored rather than trusted, so the next step decides.
func (b *Bundle) Negotiate(r *http.Request) string {
	if lang := normalize(r.URL.Query().Get("lang")); lang != "" {
		return lang
	}
	if c, err := r.Cookie(CookieName); err == nil {
		if lang := normalize(c.Value); lang != "" {
			return lang
		}
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		tags, _, err := language.ParseAcceptLanguage(h)
		if err == nil && len(tags) > 0 {
			// The matcher ranks by q-value and knows related tags; confidence
			// No means it merely fell back to its first entry, which is not
			// the browser asking for Vietnamese.
			if _, i, conf := b.matcher.Match(tags...); conf != language.No {
				return Supported[i]
			}
		}
	}
	return b.defaultLang
}
