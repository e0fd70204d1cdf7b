-- The fence without row locks (ADR 0006). reev_fence took FOR SHARE row locks on the batch's partition rows: every
-- commit wrote lock marks (and MultiXacts, with two lanes or silos on the same rows) into reev_partitions, about
-- 15 % of the database's time under load. A transaction-scoped shared advisory lock per partition (lock space
-- 1380275712, key = partition) gives the same guarantee in the lock manager:
--   * a commit takes the shared lock of each of its partitions (ascending), then reads owner and epoch with a
--     snapshot taken after the locks, and holds the locks until it ends;
--   * every change of a partition's owner or epoch (claim, release) holds the exclusive lock of that partition
--     while it changes it, until its transaction ends.
-- So a change either committed before the commit's read (the read sees it: fenced) or waits for the commit to end
-- (a claim skips the partition instead, as SKIP LOCKED did; a release waits).
CREATE OR REPLACE FUNCTION reev_fence(p_owner text, p_partitions int[], p_epochs bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    held int;
    part int;
BEGIN
    FOR part IN SELECT DISTINCT x FROM unnest(p_partitions) AS x ORDER BY x LOOP
        PERFORM pg_advisory_xact_lock_shared(1380275712, part);
    END LOOP;
    SELECT count(*) INTO held
    FROM reev_partitions p
    JOIN unnest(p_partitions, p_epochs) AS f(partition, epoch)
      ON p.partition = f.partition AND p.epoch = f.epoch
    WHERE p.owner = p_owner;
    IF held <> cardinality(p_partitions) THEN
        RAISE EXCEPTION 'reev fencing: silo % no longer holds all its partitions', p_owner USING ERRCODE = 'RV001';
    END IF;
END $$;

-- Claims up to p_count partitions that are free or whose owner's lease lapsed: only those whose exclusive lock it
-- gets without waiting (a partition in a commit is skipped, and taken at a later claim).
CREATE FUNCTION reev_claim(p_owner text, p_count int) RETURNS TABLE (partition int, epoch bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    part int;
    taken int[] := '{}';
BEGIN
    FOR part IN
        SELECT f.partition FROM reev_partitions f LEFT JOIN reev_silos s ON s.silo_id = f.owner
        WHERE (f.owner IS NULL OR s.silo_id IS NULL OR s.status <> 'active' OR s.lease_expires_at < now())
          AND f.owner IS DISTINCT FROM p_owner
        ORDER BY f.partition
        FOR UPDATE OF f SKIP LOCKED
    LOOP
        EXIT WHEN cardinality(taken) >= p_count;
        IF pg_try_advisory_xact_lock(1380275712, part) THEN
            taken := taken || part;
        END IF;
    END LOOP;
    RETURN QUERY
        UPDATE reev_partitions p SET owner = p_owner, epoch = p.epoch + 1, acquired_at = now()
        WHERE p.partition = ANY(taken)
        RETURNING p.partition, p.epoch;
END $$;

-- Releases the owner's partitions at the given epochs, after the commits in flight on them ended.
CREATE FUNCTION reev_release(p_owner text, p_partitions int[], p_epochs bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    part int;
BEGIN
    FOR part IN SELECT DISTINCT x FROM unnest(p_partitions) AS x ORDER BY x LOOP
        PERFORM pg_advisory_xact_lock(1380275712, part);
    END LOOP;
    UPDATE reev_partitions p SET owner = NULL
    FROM unnest(p_partitions, p_epochs) AS r(partition, epoch)
    WHERE p.partition = r.partition AND p.epoch = r.epoch AND p.owner = p_owner;
END $$;
