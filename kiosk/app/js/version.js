// The app's version, sent when pairing and in every heartbeat. sw.js carries
// the same string in its cache name; server/e2e checks that the two agree, so
// bump both together whenever a file of the app changes.
export const APP_VERSION = '2026.12.3';
