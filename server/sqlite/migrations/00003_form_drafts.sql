-- +goose Up
-- Phone form drafts: each page a citizen posts is saved here, so a dropped
-- connection loses one page at most. A draft lives a few hours: submitted when
-- finished, or as a partial response once abandoned, then purged.

CREATE TABLE form_drafts (
    id             TEXT PRIMARY KEY,   -- random, carried in the page URLs (/f/<id>/<page>)
    survey_id      TEXT NOT NULL,
    survey_version TEXT NOT NULL,
    counter_id     INTEGER NOT NULL REFERENCES counters (id),
    token          TEXT NOT NULL DEFAULT '',    -- one-time dossier code of a /t/ link; cleared once submitted
    answers        TEXT NOT NULL DEFAULT '{}',  -- JSON object: question code → value, null = no answer
    comment        TEXT NOT NULL DEFAULT '',
    lang           TEXT NOT NULL DEFAULT 'vi',
    client         TEXT NOT NULL DEFAULT '',    -- client address, for the poster rate limit when the sweeper submits
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    finished_at    TEXT,  -- the answered_at sent, fixed on the first attempt so a retry is a duplicate
    response_uid   TEXT   -- set once stored: the draft is done
) WITHOUT ROWID;
CREATE INDEX form_drafts_open ON form_drafts (updated_at) WHERE response_uid IS NULL;

-- +goose Down
SELECT 1;
