-- +goose Up
-- Monthly counts, so that dashboards never scan raw responses. They are kept
-- by an incremental worker that trails the submissions by a second or two;
-- its position is committed with the counts it adds, so a crash can neither
-- lose nor double-count anything. `sipas rollup rebuild` recomputes them.

-- Answers per question and value. value is the scale value as text, 'NA' for
-- "Không trả lời / Không áp dụng", or an option code for choice questions.
CREATE TABLE rollup_answers (
    month          TEXT NOT NULL,
    agency_id      INTEGER NOT NULL,
    counter_id     INTEGER NOT NULL,   -- 0 = none
    officer_id     INTEGER NOT NULL,   -- 0 = none
    survey_id      TEXT NOT NULL,
    survey_version TEXT NOT NULL,
    channel        TEXT NOT NULL,
    excluded       INTEGER NOT NULL,   -- flagged and not (yet) included by an admin
    question       TEXT NOT NULL,
    value          TEXT NOT NULL,
    n              INTEGER NOT NULL,
    PRIMARY KEY (month, agency_id, survey_id, question, value, counter_id, officer_id, channel, excluded, survey_version)
) WITHOUT ROWID;

-- Responses per day (day in Asia/Ho_Chi_Minh), with what the formulas need
-- per response rather than per answer.
CREATE TABLE rollup_responses (
    day            TEXT NOT NULL,      -- YYYY-MM-DD
    month          TEXT NOT NULL,
    agency_id      INTEGER NOT NULL,
    counter_id     INTEGER NOT NULL,
    officer_id     INTEGER NOT NULL,
    survey_id      TEXT NOT NULL,
    survey_version TEXT NOT NULL,
    channel        TEXT NOT NULL,
    excluded       INTEGER NOT NULL,
    responses      INTEGER NOT NULL,
    partial        INTEGER NOT NULL,   -- stopped early
    unsatisfied    INTEGER NOT NULL,   -- with at least one answer on a scale's unsatisfied list (QĐ 766 ratio)
    with_comment   INTEGER NOT NULL,
    PRIMARY KEY (month, agency_id, survey_id, day, counter_id, officer_id, channel, excluded, survey_version)
) WITHOUT ROWID;

-- The worker's position: the highest responses.id already counted.
CREATE TABLE rollup_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    last_id INTEGER NOT NULL
);
INSERT INTO rollup_state (id, last_id) VALUES (1, 0);

-- +goose Down
SELECT 1;
