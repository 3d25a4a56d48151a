-- +goose Up
-- Subtrees follow successor links too (merged agencies aggregate under
-- their successor); this index keeps that walk a seek, not a scan.
CREATE INDEX agencies_successor ON agencies (successor_id) WHERE successor_id IS NOT NULL;

-- +goose Down
SELECT 1;
