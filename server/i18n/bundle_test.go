package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sipas-vn/sipas/assets"
)

// newTestBundle loads the real embedded locale files, as the server does.
func newTestBundle(t *testing.T) *Bundle {
	t.Helper()
	b, err := New(assets.FS, "vi")
	if err != nil {
		t.Fatalf("New(assets.FS): %v", err)
	}
	return b
}

// TestEveryMessageIsInEveryLanguage walks all locale files, including area
// files added after this test was written, and fails on an ID that one
// language lacks or leaves empty.
func TestEveryMessageIsInEveryLanguage(t *testing.T) {
	b := newTestBundle(t)
	all := map[string]bool{}
	for _, lang := range Supported {
		ids := b.MessageIDs(lang)
		if len(ids) == 0 {
			t.Fatalf("no messages loaded for %q", lang)
		}
		for _, id := range ids {
			all[id] = true
		}
	}
	for id := range all {
		for _, lang := range Supported {
			l := b.Localizer(lang)
			if !l.Has(id) {
				t.Errorf("%s: message %q is missing or empty", lang, id)
				continue
			}
			if got := l.T(id); strings.TrimSpace(got) == "" || got == id {
				t.Errorf("%s: T(%q) = %q, want text", lang, id, got)
			}
		}
	}
}

// placeholder finds {{.Name}} template fields.
var placeholder = regexp.MustCompile(`{{-?\s*\.(\w+)`)

// TestTranslationsUseTheSameTemplateData catches an English text expecting
// {{.Item}} where the caller fills {{.Code}} (it would print "<no value>"),
// and an English plural message lacking its "one" form.
func TestTranslationsUseTheSameTemplateData(t *testing.T) {
	b := newTestBundle(t)
	fields := func(lang, id string) []string {
		m := b.messages[lang][id]
		var out []string
		for _, src := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
			for _, sm := range placeholder.FindAllStringSubmatch(src, -1) {
				if !slices.Contains(out, sm[1]) {
					out = append(out, sm[1])
				}
			}
		}
		slices.Sort(out)
		return out
	}
	for _, id := range b.MessageIDs(b.defaultLang) {
		want := fields(b.defaultLang, id)
		for _, lang := range Supported {
			m := b.messages[lang][id]
			if m == nil {
				continue // reported by TestEveryMessageIsInEveryLanguage
			}
			if got := fields(lang, id); !slices.Equal(got, want) {
				t.Errorf("%s: %q uses fields %v, %s uses %v", lang, id, got, b.defaultLang, want)
			}
			plural := m.Zero+m.One+m.Two+m.Few+m.Many != ""
			if lang == "en" && plural && m.One == "" {
				t.Errorf("en: plural message %q has no \"one\" form", id)
			}
		}
	}
}

func TestMissingMessageReturnsID(t *testing.T) {
	b := newTestBundle(t)
	for _, lang := range Supported {
		l := b.Localizer(lang)
		if got := l.T("no.such.message"); got != "no.such.message" {
			t.Errorf("%s: T(missing) = %q, want the ID", lang, got)
		}
		if got := l.Plural("no.such.message", 2, nil); got != "no.such.message" {
			t.Errorf("%s: Plural(missing) = %q, want the ID", lang, got)
		}
		if l.Has("no.such.message") {
			t.Errorf("%s: Has(missing) = true", lang)
		}
	}
}

func TestSeededMessages(t *testing.T) {
	b := newTestBundle(t)
	vi, en := b.Localizer("vi"), b.Localizer("en")
	tests := []struct {
		l    *Localizer
		id   string
		data map[string]any
		want string
	}{
		{vi, "app.name", nil, "Khảo sát mức độ hài lòng"},
		{en, "app.name", nil, "Satisfaction survey"},
		{en, "lang.vi", nil, "Tiếng Việt"},
		{vi, "lang.en", nil, "English"},
		{vi, "error.rate_limited", map[string]any{"Seconds": 30}, "Quá nhiều yêu cầu. Xin thử lại sau 30 giây."},
		{vi, "error.answer.unknown_item", map[string]any{"Code": "CC2"}, "Câu hỏi CC2 không có trong phiếu."},
		{vi, "error.comment.too_long", map[string]any{"Max": vi.Int(1000)}, "Ý kiến khác tối đa 1.000 ký tự. Ông/Bà vui lòng rút gọn."},
		{en, "error.comment.too_long", map[string]any{"Max": en.Int(1000)}, "Other comments can be at most 1,000 characters. Please shorten them."},
	}
	for _, tt := range tests {
		if got := tt.l.T(tt.id, tt.data); got != tt.want {
			t.Errorf("%s T(%q) = %q, want %q", tt.l.Lang(), tt.id, got, tt.want)
		}
	}
}

func TestPluralFormatsCount(t *testing.T) {
	b := newTestBundle(t)
	tests := []struct {
		lang  string
		count int
		want  string
	}{
		{"vi", 1, "1 phiếu"},
		{"vi", 1630, "1.630 phiếu"},
		{"en", 1, "1 response"},
		{"en", 0, "0 responses"},
		{"en", 1630, "1,630 responses"},
	}
	for _, tt := range tests {
		if got := b.Localizer(tt.lang).Plural("unit.responses", tt.count, nil); got != tt.want {
			t.Errorf("%s Plural(%d) = %q, want %q", tt.lang, tt.count, got, tt.want)
		}
	}
}

func TestLocalizerNormalisesLanguage(t *testing.T) {
	b := newTestBundle(t)
	tests := map[string]string{"vi": "vi", "vi-VN": "vi", "en": "en", "EN-us": "en", "fr": "vi", "": "vi", "%%junk": "vi"}
	for in, want := range tests {
		if got := b.Localizer(in).Lang(); got != want {
			t.Errorf("Localizer(%q).Lang() = %q, want %q", in, got, want)
		}
	}
}

func TestMissingTranslationFallsBackToSource(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/a.vi.yaml": {Data: []byte("only.vi: \"Chỉ tiếng Việt\"\nboth: \"Cả hai\"\n")},
		"locales/a.en.yaml": {Data: []byte("both: \"Both\"\n")},
	}
	b, err := New(fsys, "vi")
	if err != nil {
		t.Fatal(err)
	}
	en := b.Localizer("en")
	if got := en.T("only.vi"); got != "Chỉ tiếng Việt" {
		t.Errorf("T = %q, want the Vietnamese text", got)
	}
	if en.Has("only.vi") {
		t.Error("Has reports a translation that is not there")
	}
	if got, want := b.MessageIDs("en"), []string{"both"}; !slices.Equal(got, want) {
		t.Errorf("MessageIDs(en) = %v, want %v", got, want)
	}
	if got := b.MessageIDs("fr"); got != nil {
		t.Errorf("MessageIDs(fr) = %v, want nil", got)
	}
}

func TestNestedKeysAreFlattened(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/a.vi.yaml": {Data: []byte("web:\n  title: \"Tiêu đề\"\n  count:\n    other: \"{{.Count}} mục\"\n")},
		"locales/a.en.yaml": {Data: []byte("web.title: \"Title\"\nweb.count:\n  one: \"{{.Count}} item\"\n  other: \"{{.Count}} items\"\n")},
	}
	b, err := New(fsys, "vi")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Localizer("vi").T("web.title"); got != "Tiêu đề" {
		t.Errorf("nested vi = %q", got)
	}
	if got := b.Localizer("vi").Plural("web.count", 2, nil); got != "2 mục" {
		t.Errorf("nested vi plural = %q", got)
	}
	if got := b.Localizer("en").Plural("web.count", 1, nil); got != "1 item" {
		t.Errorf("flat en plural = %q", got)
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	good := func() fstest.MapFS {
		return fstest.MapFS{
			"locales/a.vi.yaml": {Data: []byte("x: \"X\"\n")},
			"locales/a.en.yaml": {Data: []byte("x: \"X\"\n")},
			"locales/README.md": {Data: []byte("not a locale file; skipped\n")},
		}
	}
	if _, err := New(good(), "vi"); err != nil {
		t.Fatalf("good files: %v", err)
	}
	tests := []struct {
		name, file, body, def string
	}{
		{"unsupported default", "", "", "fr"},
		{"bad yaml", "locales/b.vi.yaml", "x: [unclosed\n", "vi"},
		{"unsupported language file", "locales/b.fr.yaml", "y: \"Y\"\n", "vi"},
		{"no language in name", "locales/b.yaml", "y: \"Y\"\n", "vi"},
		{"yml extension", "locales/b.vi.yml", "y: \"Y\"\n", "vi"},
		{"duplicate ID across files", "locales/b.vi.yaml", "x: \"again\"\n", "vi"},
		{"bad template", "locales/b.vi.yaml", "y: \"{{.Seconds\"\n", "vi"},
		{"plural without other", "locales/b.en.yaml", "y:\n  one: \"one\"\n", "vi"},
		{"empty text", "locales/b.en.yaml", "y: \"\"\n", "vi"},
		{"mixed reserved keys", "locales/b.en.yaml", "y:\n  other: \"o\"\n  title: \"t\"\n", "vi"},
	}
	for _, tt := range tests {
		fsys := good()
		if tt.file != "" {
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.body)}
		}
		if _, err := New(fsys, tt.def); err == nil {
			t.Errorf("%s: New succeeded, want an error", tt.name)
		}
	}
	noEnglish := good()
	delete(noEnglish, "locales/a.en.yaml")
	if _, err := New(noEnglish, "vi"); err == nil {
		t.Error("New without any en file succeeded, want an error")
	}
}
