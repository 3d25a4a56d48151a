// Package i18n holds the translated messages (go-i18n, Vietnamese as the
// source language) and the Vietnamese/English number and date formatting the
// pages, kiosk and exports share. One Bundle is loaded at start; each request
// gets a Localizer for its language.
package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	gotemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// Supported lists the languages the UI offers, in switch order: Vietnamese
// first because it is the source language and the default.
var Supported = []string{"vi", "en"}

// localesDir is where New looks for <area>.<lang>.yaml files inside fsys.
const localesDir = "locales"

// Bundle holds every message of every supported language. It is read-only
// after New, so one Bundle can serve all requests concurrently.
type Bundle struct {
	defaultLang string
	localizers  map[string]*Localizer
	// messages keeps the parsed messages per language and ID so that
	// MessageIDs, Has and the tests can see exactly what each file provides,
	// which go-i18n does not expose.
	messages map[string]map[string]*goi18n.Message
	matcher  language.Matcher
}

// New loads every locales/<area>.<lang>.yaml file in fsys (assets.FS in the
// server) into one bundle. It fails on anything that would otherwise surface
// as a wrong page later: an unsupported default language, a file name without
// a supported language, unreadable YAML, a template that does not parse, a
// plural message without "other", the same ID in two files of one language,
// or a supported language with no file at all.
func New(fsys fs.FS, defaultLang string) (*Bundle, error) {
	def := normalize(defaultLang)
	if def == "" {
		return nil, fmt.Errorf("i18n: default language %q is not one of %v", defaultLang, Supported)
	}
	gb := goi18n.NewBundle(language.Make(def))

	names, err := fs.Glob(fsys, localesDir+"/*")
	if err != nil {
		return nil, fmt.Errorf("i18n: list %s: %w", localesDir, err)
	}
	sort.Strings(names)

	b := &Bundle{
		defaultLang: def,
		localizers:  make(map[string]*Localizer, len(Supported)),
		messages:    make(map[string]map[string]*goi18n.Message, len(Supported)),
	}
	origin := map[string]string{} // lang + "\x00" + id → file, to report duplicates
	for _, name := range names {
		lang, skip, err := fileLang(name)
		if err != nil {
			return nil, err
		}
		if skip {
			continue
		}
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: read %s: %w", name, err)
		}
		msgs, err := goi18n.ParseMessageBytes(buf, yaml.Unmarshal)
		if err != nil {
			return nil, fmt.Errorf("i18n: parse %s: %w", name, err)
		}
		if b.messages[lang] == nil {
			b.messages[lang] = map[string]*goi18n.Message{}
		}
		for _, m := range msgs {
			if err := checkMessage(m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			// go-i18n would silently let the later file win; with several
			// people adding area files, a clash must stop the start instead.
			key := lang + "\x00" + m.ID
			if prev, dup := origin[key]; dup {
				return nil, fmt.Errorf("i18n: message %q is in both %s and %s", m.ID, prev, name)
			}
			origin[key] = name
			b.messages[lang][m.ID] = m
		}
		if err := gb.AddMessages(language.Make(lang), msgs...); err != nil {
			return nil, fmt.Errorf("i18n: add %s: %w", name, err)
		}
	}

	tags := make([]language.Tag, len(Supported))
	for i, lang := range Supported {
		if b.messages[lang] == nil {
			return nil, fmt.Errorf("i18n: no %s/*.%s.yaml file for supported language %q", localesDir, lang, lang)
		}
		tags[i] = language.Make(lang)
		b.localizers[lang] = &Localizer{
			lang:     lang,
			loc:      goi18n.NewLocalizer(gb, lang),
			messages: b.messages[lang],
			format:   formatFor(lang),
		}
	}
	b.matcher = language.NewMatcher(tags)
	return b, nil
}

// fileLang reads the language from a file name "<area>.<lang>.yaml". Files
// that are not YAML (a README, say) are skipped; a YAML file whose name does
// not fit the pattern is an error, because skipping it would hide its texts.
func fileLang(name string) (lang string, skip bool, err error) {
	base := path.Base(name)
	if strings.HasSuffix(base, ".yml") {
		return "", false, fmt.Errorf("i18n: %s: name locale files *.yaml, not *.yml", name)
	}
	stem, ok := strings.CutSuffix(base, ".yaml")
	if !ok {
		return "", true, nil
	}
	area, lang, ok := strings.Cut(stem, ".")
	if !ok || area == "" || strings.Contains(lang, ".") || !slices.Contains(Supported, lang) {
		return "", false, fmt.Errorf("i18n: %s: want <area>.<lang>.yaml with lang one of %v", name, Supported)
	}
	return lang, false, nil
}

// errNoOther marks a message without the "other" form, which go-i18n uses for
// T and as the fallback for every count; without it a page would show an ID.
var errNoOther = errors.New(`has no "other" text`)

// checkMessage parses every form of m once at load, because go-i18n parses
// templates lazily and a typo would otherwise show up on a citizen's screen.
func checkMessage(m *goi18n.Message) error {
	if m.Other == "" {
		return fmt.Errorf("message %q %w", m.ID, errNoOther)
	}
	parser := &gotemplate.TextParser{}
	for _, src := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		if src == "" {
			continue
		}
		if _, err := parser.Parse(src, m.LeftDelim, m.RightDelim); err != nil {
			return fmt.Errorf("message %q: %w", m.ID, err)
		}
	}
	return nil
}

// Localizer returns the localizer for lang. lang is normalised first
// ("vi-VN" → "vi"); anything unsupported gets the default language, so a
// handler never has to check.
func (b *Bundle) Localizer(lang string) *Localizer {
	if l := b.localizers[normalize(lang)]; l != nil {
		return l
	}
	return b.localizers[b.defaultLang]
}

// MessageIDs returns the sorted IDs loaded for lang, so tests can compare
// languages; it returns nil for a language that is not supported rather than
// the default's IDs, which would make a comparison pass by accident.
func (b *Bundle) MessageIDs(lang string) []string {
	msgs := b.messages[normalize(lang)]
	if msgs == nil {
		return nil
	}
	ids := make([]string, 0, len(msgs))
	for id := range msgs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// normalize maps a language tag to its supported base language ("vi-VN" →
// "vi", "EN" → "en"), or "" when the tag is junk or not supported.
func normalize(lang string) string {
	lang = strings.TrimSpace(lang)
	if lang == "" {
		return ""
	}
	tag, err := language.Parse(lang)
	if err != nil {
		return ""
	}
	// Only an explicit language counts: Base guesses one for "und-VN", and a
	// guess should not override the next source Negotiate would consult.
	base, conf := tag.Base()
	if s := base.String(); conf == language.Exact && slices.Contains(Supported, s) {
		return s
	}
	return ""
}

// Raw returns the untranslated-template text ("other" form) of every message
// in lang whose ID starts with one of prefixes, for clients that render
// their own screens (the kiosk) and fill {{.Field}} placeholders themselves.
func (b *Bundle) Raw(lang string, prefixes ...string) map[string]string {
	msgs := b.messages[normalize(lang)]
	if msgs == nil {
		msgs = b.messages[b.defaultLang]
	}
	out := map[string]string{}
	for id, m := range msgs {
		for _, p := range prefixes {
			if strings.HasPrefix(id, p) {
				out[id] = m.Other
				break
			}
		}
	}
	return out
}
