// Messages come from GET /api/v1/kiosk/messages (go-i18n texts from
// assets/locales/kiosk.*.yaml and the shared scale.*, lang.*, action.* IDs);
// survey texts come from the definition as {"vi": …, "en": …} maps.

/** LANGS lists the languages of the switch, in order; Vietnamese first and the default. */
export const LANGS = ['vi', 'en'];

/** I18n holds the message catalogues and the current language. */
export class I18n {
  constructor() {
    this.catalogs = {};
    this.lang = 'vi';
  }

  /** set stores the catalogue of one language. */
  set(lang, messages) {
    this.catalogs[lang] = messages || {};
  }

  /** has reports whether a catalogue for lang is loaded. */
  has(lang) {
    return !!this.catalogs[lang] && Object.keys(this.catalogs[lang]).length > 0;
  }

  /**
   * t returns message id in the current language (falling back to
   * Vietnamese, then to the id itself so a gap is visible in tests), with
   * go-i18n's {{.Name}} placeholders filled from data.
   */
  t(id, data) {
    const s = this.catalogs[this.lang]?.[id] ?? this.catalogs.vi?.[id] ?? id;
    if (!data) return s;
    return s.replace(/\{\{-?\s*\.(\w+)\s*-?\}\}/g, (m, k) => (k in data ? String(data[k]) : m));
  }

  /** text picks the current language from a definition text map, falling back to Vietnamese. */
  text(t) {
    if (!t) return '';
    return t[this.lang] || t.vi || '';
  }
}
