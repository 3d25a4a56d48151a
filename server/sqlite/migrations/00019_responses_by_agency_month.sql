-- +goose Up
-- The responses of an agency in a month, found without an index on
-- responses (docs/decisions/0014). The index responses_agency_month was
-- written in every group commit: a batch's rows fall in as many places of
-- it as the batch has agencies, each a 4 KB page more in the WAL and in
-- the commit's fsync, on the one serial part of the submission path (13 of
-- ~55 pages a commit under perf-ratio's load). The rollup worker keeps this
-- map instead, in the transaction that moves rollup_state.last_id: a step
-- of thousands of responses touches each agency's page once. Responses
-- after last_id (the worker's next second) are not in it yet; the queries
-- read those by id (inAgencyMonths).
CREATE TABLE responses_by_agency_month (
    agency_id INTEGER NOT NULL,
    month     TEXT NOT NULL,
    id        INTEGER NOT NULL,   -- responses.id
    PRIMARY KEY (agency_id, month, id)
) WITHOUT ROWID;
INSERT INTO responses_by_agency_month (agency_id, month, id)
SELECT agency_id, month, id FROM responses
WHERE id <= (SELECT last_id FROM rollup_state WHERE id = 1)
ORDER BY agency_id, month, id;
DROP INDEX responses_agency_month;

-- +goose Down
CREATE INDEX responses_agency_month ON responses (agency_id, month);
DROP TABLE responses_by_agency_month;
