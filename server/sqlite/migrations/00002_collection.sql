-- +goose Up
-- Collection: tablet pairing, one-time dossier codes, API keys, settings.

ALTER TABLE counters ADD COLUMN idle_warning_seconds INTEGER NOT NULL DEFAULT 20;

ALTER TABLE devices ADD COLUMN staff_pin_salt TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN staff_pin_hash TEXT NOT NULL DEFAULT '';  -- hex SHA-256(salt || pin); the tablet checks it offline
ALTER TABLE devices ADD COLUMN outbox INTEGER NOT NULL DEFAULT 0;         -- responses waiting on the tablet, as it last said
ALTER TABLE devices ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;       -- responses the server refused, kept aside on the tablet
ALTER TABLE devices ADD COLUMN last_sync_at TEXT;
ALTER TABLE devices ADD COLUMN seq_count INTEGER NOT NULL DEFAULT 0;  -- distinct sequence numbers received; last_seq - seq_count = missing

-- A pairing code is shown to an admin and typed on the tablet once, within minutes.
CREATE TABLE pairing_codes (
    code_hash  BLOB PRIMARY KEY,      -- SHA-256 of the 6-digit code
    counter_id INTEGER NOT NULL REFERENCES counters (id),
    staff_pin  TEXT NOT NULL,         -- given to the device on pairing (as salt + hash)
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    device_id  INTEGER REFERENCES devices (id)
) WITHOUT ROWID;

-- One-time codes printed on the dossier receipt; the code itself is never stored.
CREATE TABLE dossier_tokens (
    id           INTEGER PRIMARY KEY,
    nonce        BLOB NOT NULL UNIQUE,    -- the random part of the code
    dossier      TEXT NOT NULL,           -- số hồ sơ
    counter_id   INTEGER NOT NULL REFERENCES counters (id),
    officer_id   INTEGER REFERENCES officers (id),
    issued_at    TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    response_uid TEXT
);
CREATE INDEX dossier_tokens_dossier ON dossier_tokens (dossier);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    key_hash     BLOB NOT NULL UNIQUE,   -- SHA-256 of the key
    prefix       TEXT NOT NULL,          -- first characters, to recognise a key in lists
    scopes       TEXT NOT NULL,          -- comma-separated: tokens, scores
    agency_id    INTEGER REFERENCES agencies (id),  -- subtree the key may act on; NULL = whole province
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
);

-- Small server-wide values: the signing key of one-time codes, and the like.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- +goose Down
SELECT 1;
