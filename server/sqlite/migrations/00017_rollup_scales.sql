-- +goose Up
-- Scale answers counted one row per question, a column per value, instead
-- of one row per value: the rollup worker's upserts were mostly these rows
-- (a counter's 19 scale items × 5 values), and each row is one b-tree
-- write in the writer's transaction, which the submissions share
-- (docs/decisions/0014). na counts "Không trả lời / Không áp dụng" (null);
-- vN counts the value N. Values outside 0–10, and every other kind of
-- question, stay in rollup_answers.
CREATE TABLE rollup_scales (
    month          TEXT NOT NULL,
    agency_id      INTEGER NOT NULL,
    counter_id     INTEGER NOT NULL,   -- 0 = none
    officer_id     INTEGER NOT NULL,   -- 0 = none
    survey_id      TEXT NOT NULL,
    survey_version TEXT NOT NULL,
    channel        TEXT NOT NULL,
    excluded       INTEGER NOT NULL,
    question       TEXT NOT NULL,
    na             INTEGER NOT NULL,
    v0 INTEGER NOT NULL, v1 INTEGER NOT NULL, v2 INTEGER NOT NULL, v3 INTEGER NOT NULL,
    v4 INTEGER NOT NULL, v5 INTEGER NOT NULL, v6 INTEGER NOT NULL, v7 INTEGER NOT NULL,
    v8 INTEGER NOT NULL, v9 INTEGER NOT NULL, v10 INTEGER NOT NULL,
    PRIMARY KEY (month, agency_id, survey_id, question, counter_id, officer_id, channel, excluded, survey_version)
) WITHOUT ROWID;

-- The scale questions of every stored questionnaire version, from the
-- definitions themselves (a question's JSON carries its kind).
CREATE TEMP TABLE scale_questions AS
SELECT DISTINCT s.id AS survey_id, s.version AS survey_version, json_extract(t.value, '$.code') AS question
FROM surveys s, json_tree(s.definition) t
WHERE t.type = 'object' AND json_extract(t.value, '$.kind') = 'scale' AND json_extract(t.value, '$.code') IS NOT NULL;

CREATE TEMP TABLE moved AS
SELECT a.* FROM rollup_answers a
JOIN scale_questions q ON q.survey_id = a.survey_id AND q.survey_version = a.survey_version AND q.question = a.question
WHERE a.value IN ('NA', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10');

INSERT INTO rollup_scales (month, agency_id, counter_id, officer_id, survey_id, survey_version, channel, excluded, question,
    na, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10)
SELECT month, agency_id, counter_id, officer_id, survey_id, survey_version, channel, excluded, question,
    sum(CASE value WHEN 'NA' THEN n ELSE 0 END),
    sum(CASE value WHEN '0' THEN n ELSE 0 END), sum(CASE value WHEN '1' THEN n ELSE 0 END),
    sum(CASE value WHEN '2' THEN n ELSE 0 END), sum(CASE value WHEN '3' THEN n ELSE 0 END),
    sum(CASE value WHEN '4' THEN n ELSE 0 END), sum(CASE value WHEN '5' THEN n ELSE 0 END),
    sum(CASE value WHEN '6' THEN n ELSE 0 END), sum(CASE value WHEN '7' THEN n ELSE 0 END),
    sum(CASE value WHEN '8' THEN n ELSE 0 END), sum(CASE value WHEN '9' THEN n ELSE 0 END),
    sum(CASE value WHEN '10' THEN n ELSE 0 END)
FROM moved
GROUP BY month, agency_id, counter_id, officer_id, survey_id, survey_version, channel, excluded, question;

DELETE FROM rollup_answers
WHERE (month, agency_id, survey_id, question, value, counter_id, officer_id, channel, excluded, survey_version) IN
    (SELECT month, agency_id, survey_id, question, value, counter_id, officer_id, channel, excluded, survey_version FROM moved);

DROP TABLE moved;
DROP TABLE scale_questions;

-- +goose Down
SELECT 1;
