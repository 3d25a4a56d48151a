-- +goose Up
-- Dashboard sign-in sessions. The cookie holds a random token; only its
-- SHA-256 is stored, so a copy of the database signs nobody in.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf       TEXT NOT NULL,      -- per-session token every form posts back
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
SELECT 1;
