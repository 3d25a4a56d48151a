// The app's version, sent when pairing and in every heartbeat: the hash of
// the whole app, written in by the server (server/web/kioskapp.go), the same
// string the service worker names its cache with.
export const APP_VERSION = '__APP_VERSION__';
