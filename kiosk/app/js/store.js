// What the tablet remembers between reloads, in localStorage: the device
// token, the last good config, message catalogues and survey definitions
// (second line behind the service worker's cache, so the app also starts
// offline before the worker controls the page), the officer on duty.
// Responses are never kept here: they live in the IndexedDB outbox.

const P = 'sipas.kiosk.';

function read(key) {
  try {
    const s = localStorage.getItem(P + key);
    return s == null ? null : JSON.parse(s);
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value == null) localStorage.removeItem(P + key);
    else localStorage.setItem(P + key, JSON.stringify(value));
  } catch {
    // A full or disabled localStorage only costs the offline start.
  }
}

/** store reads and writes the tablet's small state. */
export const store = {
  token: () => read('token'),
  setToken: (t) => write('token', t),
  config: () => read('config'),
  setConfig: (c) => write('config', c),
  cached: (key) => read('cache.' + key),
  setCached: (key, v) => write('cache.' + key, v),
  officer: () => read('officer'),
  setOfficer: (code) => write('officer', code || null),
  staffLockUntil: () => read('staff_lock_until') || 0,
  setStaffLockUntil: (ms) => write('staff_lock_until', ms || null),
  staffFails: () => read('staff_fails') || 0,
  setStaffFails: (n) => write('staff_fails', n || null),
  /**
   * tuning holds optional overrides of internal timings, for diagnosis in the
   * field and for the browser tests: {"retry_base_ms", "retry_cap_ms",
   * "heartbeat_ms", "config_refresh_ms"}. Counter-facing timings (idle,
   * thanks, repeat guard) come from the server's config, never from here.
   */
  tuning: () => read('tuning') || {},
  /** forget drops the device's identity (re-pairing); the outbox is kept and sent later. */
  forget() {
    write('token', null);
    write('config', null);
    write('officer', null);
  },
};
