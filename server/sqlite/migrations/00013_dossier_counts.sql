-- +goose Up
-- Dossiers per counter and day as the one-stop software reports them
-- (issue 14): received is the denominator of the response rate; handled,
-- late and complaints, when reported, feed the QĐ 766/QĐ-TTg satisfaction
-- indicator (docs/decisions/0015). A new report for the same counter and day
-- replaces the old one.
CREATE TABLE dossier_counts (
    counter_id  INTEGER NOT NULL REFERENCES counters (id),
    day         TEXT NOT NULL,      -- YYYY-MM-DD in Asia/Ho_Chi_Minh
    month       TEXT NOT NULL,      -- YYYY-MM, the day's month
    received    INTEGER NOT NULL CHECK (received >= 0),
    handled     INTEGER CHECK (handled >= 0),      -- NULL = not reported
    late        INTEGER CHECK (late >= 0),
    complaints  INTEGER CHECK (complaints >= 0),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (counter_id, day)
) WITHOUT ROWID;
CREATE INDEX dossier_counts_month ON dossier_counts (month, counter_id);

-- +goose Down
SELECT 1;
