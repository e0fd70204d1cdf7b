-- A grain's type and key are never moved out of the row. With its state kept in the row (migration 005, STORAGE MAIN),
-- a row whose state still passes about 2 KB once compressed (an execution's, after a few steps) is over the size at
-- which PostgreSQL moves values out of line, and the only values it may move are the other text columns: it moved the
-- key (37 bytes for an execution) into the TOAST table, one more row and index entry per grain, read back by every
-- lookup. Keys are bounded by their primary key's index (entries over about 2.7 KB are refused there), so they can
-- always stay in the row.
ALTER TABLE reev_grain_state ALTER COLUMN grain_type SET STORAGE PLAIN;
ALTER TABLE reev_grain_state ALTER COLUMN grain_key SET STORAGE PLAIN;
