-- +goose Up
-- The foundation: agencies and places, people, devices, questionnaires, responses.
-- Times are RFC 3339 UTC text unless named *_date (YYYY-MM-DD in Asia/Ho_Chi_Minh)
-- or month (YYYY-MM in Asia/Ho_Chi_Minh).

CREATE TABLE agencies (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 35),  -- mã định danh, opaque
    legacy_code  TEXT UNIQUE,                                                 -- QCVN 102:2016 form
    name_vi      TEXT NOT NULL,
    name_en      TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    parent_id    INTEGER REFERENCES agencies (id),
    valid_from   TEXT,            -- date the agency started; NULL = always
    valid_to     TEXT,            -- last date it existed; NULL = still open
    successor_id INTEGER REFERENCES agencies (id),  -- after a merger its history aggregates here
    survey_id    TEXT,            -- questionnaire in use; NULL = inherit from the parent
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id),
    CHECK (successor_id IS NULL OR successor_id <> id)
);
CREATE INDEX agencies_parent ON agencies (parent_id);

CREATE TABLE counters (
    id           INTEGER PRIMARY KEY,
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    code         TEXT NOT NULL UNIQUE COLLATE NOCASE,  -- short, used in poster URLs: /q/<code>; QR codes upper-case it
    number       INTEGER NOT NULL DEFAULT 0,  -- "Quầy số 3"
    name_vi      TEXT NOT NULL,
    name_en      TEXT NOT NULL DEFAULT '',
    idle_seconds INTEGER NOT NULL DEFAULT 45,
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL
);
CREATE INDEX counters_agency ON counters (agency_id);

CREATE TABLE officers (
    id         INTEGER PRIMARY KEY,
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    counter_id INTEGER REFERENCES counters (id),  -- usual counter, if any
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX officers_agency ON officers (agency_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',   -- empty until the invitation is accepted
    role          TEXT NOT NULL CHECK (role IN ('admin', 'province', 'agency_head')),
    agency_id     INTEGER REFERENCES agencies (id),  -- scope: this agency and its subtree
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    CHECK (role <> 'agency_head' OR agency_id IS NOT NULL)
);

CREATE TABLE devices (
    id           INTEGER PRIMARY KEY,
    counter_id   INTEGER NOT NULL REFERENCES counters (id),
    name         TEXT NOT NULL DEFAULT '',
    token_hash   BLOB NOT NULL UNIQUE,   -- SHA-256 of the bearer token; the token itself is never stored
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_seen_at TEXT,
    app_version  TEXT NOT NULL DEFAULT '',
    last_seq     INTEGER NOT NULL DEFAULT 0  -- highest response sequence number seen
);
CREATE INDEX devices_counter ON devices (counter_id);

-- Every version of every questionnaire ever served, so old responses keep theirs.
CREATE TABLE surveys (
    id         TEXT NOT NULL,
    version    TEXT NOT NULL,
    method     TEXT NOT NULL,
    definition TEXT NOT NULL,   -- canonical JSON snapshot
    first_seen TEXT NOT NULL,
    PRIMARY KEY (id, version)
) WITHOUT ROWID;

-- Responses as received. uid is the client's UUID (the idempotency key).
CREATE TABLE responses (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    survey_id      TEXT NOT NULL,
    survey_version TEXT NOT NULL,
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    counter_id     INTEGER REFERENCES counters (id),
    officer_id     INTEGER REFERENCES officers (id),
    device_id      INTEGER REFERENCES devices (id),
    device_seq     INTEGER,
    channel        TEXT NOT NULL CHECK (channel IN ('kiosk', 'qr', 'web', 'paper')),
    dossier        TEXT,               -- số hồ sơ, when bound to one
    answered_at    TEXT,               -- the citizen's time, as the client claimed it
    received_at    TEXT NOT NULL,      -- the server's time
    month          TEXT NOT NULL,      -- YYYY-MM the response counts in (Asia/Ho_Chi_Minh)
    lang           TEXT NOT NULL DEFAULT 'vi',
    answers        TEXT NOT NULL,      -- JSON object: item code → value
    comment        TEXT NOT NULL DEFAULT '',
    partial        INTEGER NOT NULL DEFAULT 0,
    flags          TEXT NOT NULL DEFAULT '',  -- comma-separated integrity flags; never a reason to drop
    excluded       INTEGER NOT NULL DEFAULT 0,  -- 1 = left out of scores (flagged and not yet reviewed)
    content_hash   BLOB NOT NULL,      -- tells a retry (same content) from a conflict
    raw            BLOB NOT NULL,      -- the request body as received
    entered_by     INTEGER REFERENCES users (id)  -- paper forms
);
CREATE INDEX responses_agency_month ON responses (agency_id, month);

-- One row, rewritten by the readiness check to prove the database is writable.
CREATE TABLE health (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL
);

-- +goose Down
-- Forward only: no down migration.
SELECT 1;
