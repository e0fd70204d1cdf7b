-- An execution's read-model row is upserted at every turn that saves it, mostly with the same status (running):
-- room on its page (fillfactor 70) lets those updates stay heap-only instead of adding entries to all four indexes.
ALTER TABLE reev_executions SET (fillfactor = 70);
