-- Grain states stay in the table row, compressed (STORAGE MAIN), instead of moving to the TOAST table once their
-- compressed size passes about 2 KB. An execution's state (6-8 KB of JSON, about 2.8 KB with lz4) was written
-- through TOAST on every turn: the row plus two TOAST chunks and their index entries, and the old chunks left
-- for vacuum. Values that do not fit in a page even compressed still go out of line.
ALTER TABLE reev_grain_state ALTER COLUMN state SET STORAGE MAIN;
ALTER TABLE reev_messages ALTER COLUMN payload SET STORAGE MAIN;
