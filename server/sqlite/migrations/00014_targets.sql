-- +goose Up
-- The province's plan (issue 14, part 2): per agency and year, a target
-- for the headline index and optionally for the response rate, both in
-- percent. A row is an agency's own target; its subtree inherits it unless
-- a body below has a row of its own. Who changed what, before and after,
-- is in audit_log (actions target.set and target.clear).
CREATE TABLE targets (
    agency_id     INTEGER NOT NULL REFERENCES agencies (id),
    year          INTEGER NOT NULL,
    index_target  REAL NOT NULL CHECK (index_target BETWEEN 0 AND 100),
    response_rate REAL CHECK (response_rate BETWEEN 0 AND 100), -- NULL: none planned
    set_at        TEXT NOT NULL,   -- RFC 3339 UTC
    set_by        TEXT NOT NULL,   -- username, or 'cli'
    PRIMARY KEY (year, agency_id)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE targets;
