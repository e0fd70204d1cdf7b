-- The queue tables are not truncated by vacuum (ADR 0021). A VACUUM that finds empty pages at the end of a table cuts
-- them off, and to do that it takes the table's ACCESS EXCLUSIVE lock (asking for it every 50 ms for up to 5 s, then
-- holding it while it checks the pages backwards, until a waiter shows up, and while it drops the pages' buffers): every
-- INSERT of a message (an accepted POST), every fetch and every turn commit that consumes or sends waits behind it. The
-- silos vacuum reev_messages and reev_reminders every two seconds (ADR 0010), and a queue drains to its end all the
-- time, so under load the lock was asked for every few seconds. Keeping the pages costs nothing: the next inserts reuse
-- them instead of extending the table again.
ALTER TABLE reev_messages SET (vacuum_truncate = false);
ALTER TABLE reev_reminders SET (vacuum_truncate = false);
ALTER TABLE reev_replies SET (vacuum_truncate = false);
