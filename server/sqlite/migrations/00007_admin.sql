-- +goose Up
-- Administration: the audit log, user invitations, the dated history of
-- questionnaire assignments, and decisions on flagged responses.

-- Every administrative action, from the web pages or the CLI. Append-only:
-- the triggers below refuse UPDATE and DELETE, so the log cannot be edited
-- through the application, and a tampered copy has to bypass SQLite itself.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,              -- RFC 3339 UTC
    user_id   INTEGER REFERENCES users (id),  -- NULL for the CLI
    actor     TEXT NOT NULL,              -- username at the time, or 'cli'
    action    TEXT NOT NULL,              -- e.g. 'agency.move', 'user.invite'
    target    TEXT NOT NULL DEFAULT '',   -- e.g. 'agency:H17', 'user:lanhdao'
    before    TEXT NOT NULL DEFAULT '',   -- JSON of the state before, '' when created
    after     TEXT NOT NULL DEFAULT ''    -- JSON of the state after, '' when nothing remains
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- One-time links to set a password (/invite/<token>), for a new user or a
-- reset. Only the SHA-256 of the token is stored; a password is never sent.
CREATE TABLE invitations (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    created_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX invitations_user ON invitations (user_id);

-- Which questionnaire an agency uses from which date (Asia/Ho_Chi_Minh).
-- survey_id NULL means "inherit from the parent from then on".
-- agencies.survey_id is the assignment in force today, kept in step.
CREATE TABLE agency_surveys (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    from_date TEXT NOT NULL,   -- YYYY-MM-DD
    survey_id TEXT,
    set_at    TEXT NOT NULL,
    set_by    TEXT NOT NULL,
    PRIMARY KEY (agency_id, from_date)
) WITHOUT ROWID;

-- An admin's decision on a flagged response: include it in scores or keep
-- it excluded, with who and why. The latest decision is the one in force.
CREATE TABLE flag_decisions (
    id          INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES responses (id),
    excluded    INTEGER NOT NULL,   -- 1 = keep excluded, 0 = include
    user_id     INTEGER REFERENCES users (id),
    actor       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    decided_at  TEXT NOT NULL
);
CREATE INDEX flag_decisions_response ON flag_decisions (response_id);

-- Flagged responses are listed newest first; most responses have no flag.
CREATE INDEX responses_flagged ON responses (id) WHERE flags <> '';

-- +goose Down
SELECT 1;
