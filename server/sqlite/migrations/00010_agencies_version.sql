-- +goose Up
-- A counter bumped by every change to agencies, so the server can keep the
-- agency tree in memory and notice when it must reload it.
INSERT INTO settings (key, value) VALUES ('agencies_version', 0) ON CONFLICT DO NOTHING;
-- +goose StatementBegin
CREATE TRIGGER agencies_version_insert AFTER INSERT ON agencies BEGIN
    UPDATE settings SET value = value + 1 WHERE key = 'agencies_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER agencies_version_update AFTER UPDATE ON agencies BEGIN
    UPDATE settings SET value = value + 1 WHERE key = 'agencies_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER agencies_version_delete AFTER DELETE ON agencies BEGIN
    UPDATE settings SET value = value + 1 WHERE key = 'agencies_version';
END;
-- +goose StatementEnd

-- +goose Down
SELECT 1;
