-- A step session's row is replaced at each write, so a turn committed twice would leave no trace in it. The step
-- grain numbers its publications (revision) and each commit that writes the row adds to commits: the two are equal
-- unless a turn was committed twice, which is what `reev load` checks. Rows from before count from here on.
ALTER TABLE reev_step_sessions ADD COLUMN revision int NOT NULL DEFAULT 0, ADD COLUMN commits int NOT NULL DEFAULT 0;
