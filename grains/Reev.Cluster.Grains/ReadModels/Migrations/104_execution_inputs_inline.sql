-- An execution's inputs stay in the table row, compressed (STORAGE MAIN), as grain states do since the runtime's
-- migrations 005 and 012. About 4.4 KB of JSON compresses to about 2.1 KB, just past the 2 KB at which PostgreSQL moves
-- a value out of line: every start wrote the row plus two TOAST chunks and their index entries. The execution id (the
-- primary key, bounded by its index) is kept in the row too, or it would be the value moved out instead. Values that do
-- not fit in a page even compressed still go out of line.
ALTER TABLE reev_execution_inputs ALTER COLUMN execution_id SET STORAGE PLAIN;
ALTER TABLE reev_execution_inputs ALTER COLUMN inputs SET STORAGE MAIN;
