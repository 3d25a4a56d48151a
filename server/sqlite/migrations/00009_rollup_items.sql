-- +goose Up
-- Per-item satisfied shares by agency and month: what rankings need, in a
-- few rows per agency instead of one per answer value. question '' counts
-- the responses themselves. Kept by the same worker, in the same
-- transactions, as rollup_answers; filled here from what is already counted.
CREATE TABLE rollup_items (
    month     TEXT NOT NULL,
    survey_id TEXT NOT NULL,
    agency_id INTEGER NOT NULL,
    question  TEXT NOT NULL,
    excluded  INTEGER NOT NULL,
    valid     INTEGER NOT NULL,   -- answers on the scale (NA excluded); for '' the responses
    satisfied INTEGER NOT NULL,   -- answers whose value counts as satisfied
    PRIMARY KEY (month, survey_id, agency_id, question, excluded)
) WITHOUT ROWID;

-- Existing counts predate this table: recount everything on the next start.
DELETE FROM rollup_answers;
DELETE FROM rollup_responses;
UPDATE rollup_state SET last_id = 0;

-- +goose Down
SELECT 1;
