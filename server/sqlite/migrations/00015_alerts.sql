-- +goose Up
-- Alerts (issue 14 part 3, decision 0017): what the rules raised, who is
-- subscribed to hear about it, and every delivery with its attempts.

-- Each alert is raised once: key names the event (rule, scope and the
-- instant or month it is about), so a rule evaluated every few minutes
-- cannot raise it twice.
CREATE TABLE alerts (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    rule      TEXT NOT NULL CHECK (rule IN ('index_drop', 'tablet_silent', 'low_rating', 'response_rate', 'test')),
    agency_id INTEGER REFERENCES agencies (id),  -- whose subtree hears of it; NULL = the whole province
    raised_at TEXT NOT NULL,
    detail    TEXT NOT NULL   -- JSON: the figures behind the alert, worded per reader at delivery
);
CREATE INDEX alerts_raised ON alerts (raised_at);

-- One subscription per user. The webhook secret is kept as given because
-- every delivery is signed with it (HMAC needs the key, not a hash).
CREATE TABLE alert_subscriptions (
    user_id        INTEGER PRIMARY KEY REFERENCES users (id),
    email          TEXT NOT NULL DEFAULT '',
    email_on       INTEGER NOT NULL DEFAULT 0,
    webhook_url    TEXT NOT NULL DEFAULT '',
    webhook_secret TEXT NOT NULL DEFAULT '',
    lang           TEXT NOT NULL DEFAULT 'vi',
    updated_at     TEXT NOT NULL
);

-- One row per alert, reader and channel; e-mail rows wait for the reader's
-- daily digest, webhook rows are due at once and move forward on failure.
CREATE TABLE alert_deliveries (
    id         INTEGER PRIMARY KEY,
    alert_id   INTEGER NOT NULL REFERENCES alerts (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    channel    TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    due_at     TEXT NOT NULL,
    sent_at    TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    UNIQUE (alert_id, user_id, channel)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (due_at) WHERE status = 'pending';

-- Where the low-rating rule stopped reading responses.
CREATE TABLE alert_cursors (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

-- +goose Down
SELECT 1;
