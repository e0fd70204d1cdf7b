-- Every turn of a grain rewrites its state row (1-8 KB). With full pages the new version lands on another page, so
-- each write also inserts a primary-key entry and leaves the old one for vacuum: 5 % of state updates were HOT
-- (heap-only) in a benchmark run. Room left on each page (fillfactor 50) lets the new version stay on the page of
-- the old one, which pruning frees without vacuum or index work.
ALTER TABLE reev_grain_state SET (fillfactor = 50);
