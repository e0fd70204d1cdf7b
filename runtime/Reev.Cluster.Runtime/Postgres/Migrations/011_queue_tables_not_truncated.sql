-- The queue tables are not truncated by vacuum (ADR 0021). A VACUUM that finds empty pages at the end of a table cuts
-- them off, and to do that it takes the table's ACCESS EXCLUSIVE lock (waiting for it in 50 ms rounds, then holding it
-- while it checks the pages backwards): every INSERT of a message (an accepted POST), every fetch and every turn commit
-- that consumes or sends waits behind it. The silos vacuum reev_messages and reev_reminders every two seconds (ADR 0010)
-- while they drain, and a queue drains to its end all the time, so under load the lock was taken every few seconds and
-- the POST stalled for 100-500 ms each time. Keeping the pages costs nothing: the next inserts reuse them.
ALTER TABLE reev_messages SET (vacuum_truncate = false);
ALTER TABLE reev_reminders SET (vacuum_truncate = false);
ALTER TABLE reev_replies SET (vacuum_truncate = false);
