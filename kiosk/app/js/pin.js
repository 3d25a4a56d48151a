// The staff PIN check. The config the tablet keeps offline carries a
// PBKDF2-HMAC-SHA256 verifier of at least 600,000 iterations
// (docs/decisions/0010), so whoever reads it must spend that work on each
// of the million six-digit PINs. The tablet spends it once per try:
//   hash = PBKDF2-HMAC-SHA256(hex SHA-256(salt + PIN), salt, iterations, 256 bits)
// (the inner SHA-256 is what tablets paired before stored; the server
// stretched those without knowing the PIN). WebCrypto when present; over
// plain http, where it is missing, the same derivation in JavaScript —
// slower on the tablet, never faster for anyone else.

import { IV, compress, digestFrom, hex, sha256Hex } from './sha256.js';

/** staffPinHash derives the verifier of pin under the config's staff_pin; null if the config is not one this app knows. */
export async function staffPinHash(sp, pin) {
  if (!sp || sp.kdf !== 'pbkdf2-sha256' || !(sp.iterations >= 1) || typeof sp.salt !== 'string') return null;
  const inner = await sha256Hex(sp.salt + pin);
  return pbkdf2Hex(inner, sp.salt, sp.iterations);
}

/** pbkdf2Hex is hex PBKDF2-HMAC-SHA256(password, salt, iterations), 256 bits. */
export async function pbkdf2Hex(password, salt, iterations) {
  const enc = new TextEncoder();
  if (globalThis.crypto?.subtle) {
    const key = await crypto.subtle.importKey('raw', enc.encode(password), 'PBKDF2', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode(salt), iterations }, key, 256);
    return hex(new Uint8Array(bits));
  }
  return pbkdf2Fallback(enc.encode(password), enc.encode(salt), iterations);
}

/**
 * pbkdf2Fallback is PBKDF2-HMAC-SHA256 for one 32-byte block (RFC 8018),
 * with HMAC's key blocks hashed once up front, so each iteration costs two
 * compressions.
 */
function pbkdf2Fallback(password, salt, iterations) {
  let key = password;
  if (key.length > 64) key = bytesOf(digestFrom(IV.slice(), 0, key));
  const inner = IV.slice();
  const outer = IV.slice();
  const m = new Uint32Array(16);
  const w = new Uint32Array(64);
  const pad = new Uint8Array(64);
  pad.set(key);
  for (const [state, x] of [[inner, 0x36], [outer, 0x5c]]) {
    for (let i = 0; i < 16; i++) {
      m[i] = (((pad[4 * i] ^ x) << 24) | ((pad[4 * i + 1] ^ x) << 16) | ((pad[4 * i + 2] ^ x) << 8) | (pad[4 * i + 3] ^ x)) >>> 0;
    }
    compress(state, m, w);
  }
  // U1 = HMAC(salt ‖ INT(1)).
  const first = new Uint8Array(salt.length + 4);
  first.set(salt);
  first[salt.length + 3] = 1;
  const u = digestFrom(inner.slice(), 64, first);
  hmacOuter(outer, u, m, w);
  const t = u.slice();
  // U2…Uc: HMAC of the previous 32 bytes, one block each for the inner and the outer hash.
  const h = new Uint32Array(8);
  for (let j = 1; j < iterations; j++) {
    h.set(inner);
    block32(m, u);
    compress(h, m, w);
    u.set(h);
    hmacOuter(outer, u, m, w);
    for (let i = 0; i < 8; i++) t[i] ^= u[i];
  }
  return hex(t);
}

/** block32 lays out the last block of a hash of 64 + 32 bytes whose final 32 are the words d. */
function block32(m, d) {
  m.set(d);
  m[8] = 0x80000000;
  m.fill(0, 9, 15);
  m[15] = (64 + 32) * 8;
}

/** hmacOuter replaces d (an inner digest) with the outer hash over it. */
function hmacOuter(outer, d, m, w) {
  block32(m, d);
  d.set(outer);
  compress(d, m, w);
}

function bytesOf(words) {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((x, i) => dv.setUint32(4 * i, x));
  return out;
}

export { pbkdf2Fallback as _pbkdf2Fallback };
