// The five faces of the satisfaction scale, drawn for this app. Each is
// different in shape (brows, eyes, mouth), not only in tint, and the words
// always sit under it: the words carry the meaning (UX.md §1). Tints follow
// the orange → grey → blue ramp of the dashboard, lightened so the dark
// outline and features keep well over 3:1; never a red/green pair.

const INK = '#0B0C0C';

// Light tints of the Okabe–Ito ramp 1 #D55E00 · 2 #E69F00 · 3 #BBBBBB · 4 #56B4E9 · 5 #0072B2.
const TINT = { 1: '#F6C7A4', 2: '#F8DFA4', 3: '#E4E4E4', 4: '#C9E7F8', 5: '#A9D0EC' };

const EYES = `<circle cx="23" cy="28" r="3.2" fill="${INK}"/><circle cx="41" cy="28" r="3.2" fill="${INK}"/>`;

// Features per face, on a 64×64 grid with the head centred at 32,32.
const FEATURES = {
  // Sad brows (raised towards the middle), deep frown.
  1: `<path d="M16 23 L26.5 18.5 M48 23 L37.5 18.5" stroke="${INK}" stroke-width="3.4" stroke-linecap="round"/>
      ${EYES}
      <path d="M19.5 49 Q32 34.5 44.5 49" fill="none" stroke="${INK}" stroke-width="3.6" stroke-linecap="round"/>`,
  // Slight frown, no brows.
  2: `${EYES}
      <path d="M21.5 46 Q32 39.5 42.5 46" fill="none" stroke="${INK}" stroke-width="3.6" stroke-linecap="round"/>`,
  // Level mouth, short and relaxed.
  3: `${EYES}
      <path d="M23 43.5 H41" fill="none" stroke="${INK}" stroke-width="3.6" stroke-linecap="round"/>`,
  // Gentle smile.
  4: `${EYES}
      <path d="M20.5 39.5 Q32 50 43.5 39.5" fill="none" stroke="${INK}" stroke-width="3.6" stroke-linecap="round"/>`,
  // Smiling eyes and a wide open smile.
  5: `<path d="M17.5 29.5 Q23 22.5 28.5 29.5 M35.5 29.5 Q41 22.5 46.5 29.5" fill="none" stroke="${INK}" stroke-width="3.4" stroke-linecap="round"/>
      <path d="M18.5 37 H45.5 Q45 52.5 32 52.5 Q19 52.5 18.5 37 Z" fill="${INK}"/>
      <path d="M25 47.5 Q32 43.5 39 47.5 Q36 51 32 51 Q28 51 25 47.5 Z" fill="#F4A9A0"/>`,
};

/** faceMarkup returns the SVG of face n (1..5), decorative: the card's words name it. */
export function faceMarkup(n) {
  const f = FEATURES[n];
  if (!f) return '';
  return `<svg class="face-svg" viewBox="0 0 64 64" aria-hidden="true" focusable="false">
    <circle cx="32" cy="32" r="29" fill="${TINT[n]}" stroke="${INK}" stroke-width="3"/>
    ${f}
  </svg>`;
}
