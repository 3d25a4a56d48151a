package i18n

import (
	"maps"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Localizer translates and formats for one language. It is immutable and
// shared by every request in that language.
type Localizer struct {
	lang     string
	loc      *goi18n.Localizer
	messages map[string]*goi18n.Message // this language's own messages, for Has
	format   format
}

// Lang returns the language code ("vi", "en"), e.g. for <html lang>.
func (l *Localizer) Lang() string { return l.lang }

// Has reports whether id has text in this very language. T falls back to the
// default language's text, so Has is how a test notices a missing
// translation that T would paper over.
func (l *Localizer) Has(id string) bool {
	m := l.messages[id]
	return m != nil && m.Other != ""
}

// T returns the message id filled with data (several maps are merged, later
// keys winning). It never panics: a message missing in this language falls
// back to the default language, and an ID missing everywhere comes back as
// the ID itself, which a page test can spot.
func (l *Localizer) T(id string, data ...map[string]any) string {
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: merge(data...)})
}

// Plural returns the form of id that fits count (one/other in English, only
// other in Vietnamese). Unless data sets "Count", the template gets
// {{.Count}} as count with thousands grouping for this language, because the
// raw int would print as "1630" in a sentence that needs "1.630".
func (l *Localizer) Plural(id string, count int, data map[string]any) string {
	td := merge(data)
	if td == nil {
		td = map[string]any{}
	}
	if _, ok := td["Count"]; !ok {
		td["Count"] = l.Int(count)
	}
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: td})
}

// localize keeps whatever text go-i18n could produce (a fallback language's
// text comes with an error) and returns the ID only when there is none.
func (l *Localizer) localize(cfg *goi18n.LocalizeConfig) string {
	s, err := l.loc.Localize(cfg)
	if s == "" && err != nil {
		return cfg.MessageID
	}
	return s
}

// merge copies the maps into one so that go-i18n never sees the caller's map;
// nil when there is no data, which go-i18n treats as "no template data".
func merge(data ...map[string]any) map[string]any {
	var out map[string]any
	for _, d := range data {
		if len(d) == 0 {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(d))
		}
		maps.Copy(out, d)
	}
	return out
}
