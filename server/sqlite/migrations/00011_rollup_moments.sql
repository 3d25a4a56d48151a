-- +goose Up
-- Per-respondent sums behind the respondent-clustered intervals
-- (docs/decisions/0008): for each node of a questionnaire (node '' the
-- index, 'a:…' an aspect, 'e:…' an element), the respondents with a valid
-- answer under it (n) and the sums over them of t (weighted satisfied
-- answers), v (weighted valid answers), t², t·v and v². Keyed like
-- rollup_answers so that every breakdown has its interval; integers, so the
-- incremental counts equal a rebuild exactly.
CREATE TABLE rollup_moments (
    month          TEXT NOT NULL,
    agency_id      INTEGER NOT NULL,
    counter_id     INTEGER NOT NULL,
    officer_id     INTEGER NOT NULL,
    survey_id      TEXT NOT NULL,
    survey_version TEXT NOT NULL,
    channel        TEXT NOT NULL,
    excluded       INTEGER NOT NULL,
    node           TEXT NOT NULL,
    n              INTEGER NOT NULL,
    t              INTEGER NOT NULL,
    v              INTEGER NOT NULL,
    tt             INTEGER NOT NULL,
    tv             INTEGER NOT NULL,
    vv             INTEGER NOT NULL,
    PRIMARY KEY (month, agency_id, survey_id, node, counter_id, officer_id, channel, excluded, survey_version)
) WITHOUT ROWID;

-- The index's sums per agency and month beside the item shares, on the
-- responses row (question ''), for rankings of thousands of agencies.
ALTER TABLE rollup_items ADD COLUMN mn INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_items ADD COLUMN mt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_items ADD COLUMN mv INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_items ADD COLUMN mtt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_items ADD COLUMN mtv INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_items ADD COLUMN mvv INTEGER NOT NULL DEFAULT 0;

-- Existing counts have no sums: recount everything on the next start.
DELETE FROM rollup_answers;
DELETE FROM rollup_responses;
DELETE FROM rollup_items;
UPDATE rollup_state SET last_id = 0;

-- +goose Down
SELECT 1;
