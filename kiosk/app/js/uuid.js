// UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Made
// once when a response is finished and stored with it, so every retry
// carries the same id and the server can accept it exactly once.
// crypto.getRandomValues works on plain-http origins too (randomUUID does not).

/** uuidv7 returns a new UUIDv7 string for time ms (default now). */
export function uuidv7(ms = Date.now()) {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  let t = ms;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = 0x70 | (b[6] & 0x0f); // version 7
  b[8] = 0x80 | (b[8] & 0x3f); // variant 10
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
