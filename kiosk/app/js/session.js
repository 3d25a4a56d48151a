// One citizen's pass through a questionnaire: the steps to show, the
// answers given, and the response body built from them. No DOM here.
//
// Quick rating (method "quick"): home is the scored question itself; the
// parts that follow are follow-ups, shown only when their show_if holds.
// Any other method: a welcome step, one scored item per step, then (if any
// optional question applies) an offer to answer more, then the optional
// questions one per step. Free-text questions are never shown on the kiosk.

/** buildSteps lists the steps of a definition in order. */
export function buildSteps(def) {
  const steps = [];
  const quick = def.method === 'quick';
  if (!quick) steps.push({ type: 'welcome' });
  const scored = [];
  for (const a of def.aspects || []) {
    for (const e of a.elements || []) {
      for (const q of e.items || []) scored.push({ type: 'question', q, element: e });
    }
  }
  scored.forEach((s, i) => {
    s.n = i + 1;
    s.total = scored.length;
  });
  steps.push(...scored);
  const optional = [];
  for (const p of def.parts || []) {
    for (const q of p.items || []) {
      if (q.kind === 'text') continue;
      optional.push({ type: quick ? 'followup' : 'optional', q, part: p });
    }
  }
  if (!quick && optional.length) steps.push({ type: 'more' });
  steps.push(...optional);
  return steps;
}

/** optionValue reads a scale option's value; 0 is left out of the JSON (omitempty). */
export function optionValue(o) {
  return typeof o.value === 'number' ? o.value : 0;
}

/** Session is one citizen's answers and position. */
export class Session {
  constructor(def) {
    this.def = def;
    this.quick = def.method === 'quick';
    this.steps = buildSteps(def);
    this.answers = {};
    this.pos = 0;
  }

  get step() {
    return this.steps[this.pos];
  }

  /** started is true once the citizen has moved past home or answered anything. */
  get started() {
    return this.pos > 0 || this.hasAnswers();
  }

  hasAnswers() {
    return Object.keys(this.answers).length > 0;
  }

  /** shown reports whether a step applies given the answers so far. */
  shown(step) {
    if (!step) return false;
    if (step.type === 'more') return this.steps.some((s) => s.type === 'optional' && this.shown(s));
    if (!step.q) return true;
    const c = step.q.show_if;
    if (!c) return true;
    const a = this.answers[c.question];
    if (c.values && c.values.length) return typeof a === 'number' && c.values.includes(a);
    if (c.codes && c.codes.length) {
      const got = Array.isArray(a) ? a : a == null ? [] : [a];
      return got.some((x) => c.codes.includes(x));
    }
    return true;
  }

  /** next moves to the next step that applies; false when there is none (finish). */
  next() {
    for (let i = this.pos + 1; i < this.steps.length; i++) {
      if (this.shown(this.steps[i])) {
        this.pos = i;
        return true;
      }
    }
    return false;
  }

  /** back moves to the previous step that applies; false at the first. */
  back() {
    for (let i = this.pos - 1; i >= 0; i--) {
      if (this.shown(this.steps[i])) {
        this.pos = i;
        return true;
      }
    }
    return false;
  }

  /** goTo moves to the step asking question code (for "Chọn lại"). */
  goTo(code) {
    const i = this.steps.findIndex((s) => s.q && s.q.code === code);
    if (i >= 0) this.pos = i;
    return i >= 0;
  }

  /** isLast reports whether no later step applies. */
  isLast() {
    return !this.steps.slice(this.pos + 1).some((s) => this.shown(s));
  }

  /** inOptional reports whether the scored block is behind the citizen. */
  inOptional() {
    const t = this.step && this.step.type;
    return t === 'more' || t === 'optional';
  }

  /** optionalProgress numbers the current optional step among those that apply. */
  optionalProgress() {
    const shown = this.steps.filter((s) => s.type === 'optional' && this.shown(s));
    return { n: shown.indexOf(this.step) + 1, total: shown.length };
  }

  /** optionalParts lists the parts with at least one question that applies. */
  optionalParts() {
    const parts = [];
    for (const s of this.steps) {
      if (s.type === 'optional' && this.shown(s) && !parts.includes(s.part)) parts.push(s.part);
    }
    return parts;
  }

  set(code, value) {
    this.answers[code] = value;
  }

  unset(code) {
    delete this.answers[code];
  }

  /**
   * answersForBody returns the answers of the questions that apply: a
   * scale value or null (NA), an option code, or a list of codes. An answer
   * to a follow-up whose condition no longer holds is left out.
   */
  answersForBody() {
    const out = {};
    for (const s of this.steps) {
      if (!s.q || !(s.q.code in this.answers) || !this.shown(s)) continue;
      const v = this.answers[s.q.code];
      if (Array.isArray(v) && v.length === 0) continue;
      out[s.q.code] = v;
    }
    return out;
  }
}
