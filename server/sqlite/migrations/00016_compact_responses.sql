-- +goose NO TRANSACTION
-- +goose Up
-- Responses in fewer bytes (issue 17, decision 0020): the raw request body
-- goes (every field that counts has its own column, and the one kept only
-- for audit, an anonymous client's claimed answered_at, gets one); the uid is its 16
-- bytes; times are integer nanoseconds since 1970 UTC; the answers are
-- SQLite's binary JSON (JSONB: json_each and json_extract read it as they
-- read text); the content hash keeps its first 16 bytes, which is plenty to
-- tell a retry from a conflict of the same id.
--
-- SQLite cannot change a column's type, so the table is rebuilt. That needs
-- foreign keys off (comment_marks and flag_decisions point at responses),
-- which a transaction cannot switch: hence no goose transaction, and our own.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE responses_new (
    id             INTEGER PRIMARY KEY,
    uid            BLOB NOT NULL,      -- the client's UUID, 16 bytes; the idempotency key
    survey_id      TEXT NOT NULL,
    survey_version TEXT NOT NULL,
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    counter_id     INTEGER REFERENCES counters (id),
    officer_id     INTEGER REFERENCES officers (id),
    device_id      INTEGER REFERENCES devices (id),
    device_seq     INTEGER,
    channel        TEXT NOT NULL CHECK (channel IN ('kiosk', 'qr', 'web', 'paper')),
    dossier        TEXT,               -- số hồ sơ, when bound to one
    answered_at    INTEGER,            -- the citizen's time (ns since 1970 UTC), when trusted
    claimed_at     INTEGER,            -- an anonymous client's answered_at (ns): not counted, kept for audit
    received_at    INTEGER NOT NULL,   -- the server's time (ns since 1970 UTC)
    month          TEXT NOT NULL,      -- YYYY-MM the response counts in (Asia/Ho_Chi_Minh)
    lang           TEXT NOT NULL DEFAULT 'vi',
    answers        BLOB NOT NULL,      -- JSONB object: item code → value
    comment        TEXT NOT NULL DEFAULT '',
    partial        INTEGER NOT NULL DEFAULT 0,
    flags          TEXT NOT NULL DEFAULT '',  -- comma-separated integrity flags; never a reason to drop
    excluded       INTEGER NOT NULL DEFAULT 0,  -- 1 = left out of scores (flagged and not yet reviewed)
    content_hash   BLOB NOT NULL,      -- 16 bytes of SHA-256: tells a retry (same content) from a conflict
    entered_by     INTEGER REFERENCES users (id)  -- paper forms
);
-- Old times are RFC 3339 in UTC with up to nine fractional digits (they
-- were all written by one function); the fraction is padded to nanoseconds.
INSERT INTO responses_new
SELECT id, unhex(replace(uid, '-', '')), survey_id, survey_version, agency_id, counter_id, officer_id,
       device_id, device_seq, channel, dossier,
       CASE WHEN answered_at IS NOT NULL THEN unixepoch(substr(answered_at, 1, 19)) * 1000000000
           + CASE WHEN substr(answered_at, 20, 1) = '.'
               THEN CAST(substr(substr(answered_at, 21, length(answered_at) - 21) || '000000000', 1, 9) AS INTEGER)
               ELSE 0 END END,
       -- A claimed time is RFC 3339 with any offset: to the millisecond.
       CASE WHEN answered_at IS NULL THEN
           CAST(round(unixepoch(json_extract(CAST(raw AS TEXT), '$.answered_at'), 'subsec') * 1000) AS INTEGER) * 1000000 END,
       unixepoch(substr(received_at, 1, 19)) * 1000000000
           + CASE WHEN substr(received_at, 20, 1) = '.'
               THEN CAST(substr(substr(received_at, 21, length(received_at) - 21) || '000000000', 1, 9) AS INTEGER)
               ELSE 0 END,
       month, lang, jsonb(answers), comment, partial, flags, excluded, substr(content_hash, 1, 16), entered_by
FROM responses ORDER BY id;
DROP TABLE responses;
ALTER TABLE responses_new RENAME TO responses;
-- Built after the copy, so they are written in order and packed full.
CREATE UNIQUE INDEX responses_uid ON responses (uid);
CREATE INDEX responses_agency_month ON responses (agency_id, month);
CREATE INDEX responses_flagged ON responses (id) WHERE flags <> '';
COMMIT;
PRAGMA foreign_keys = ON;
