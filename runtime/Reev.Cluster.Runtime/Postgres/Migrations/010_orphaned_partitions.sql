-- A silo restarted under its id before another silo claimed its partitions (a single silo, a StatefulSet restarting at
-- once) took them back as free: the heartbeat that takes the id over from the dead incarnation releases them (008), so
-- reev_claim_taking_over (009) saw no expired owner and no attempt was counted, and a message whose turn kills its silo
-- ran again with every restart, for ever (DESIGN R4). Now that release marks them orphaned when the previous incarnation
-- was a member whose lease ran out (it died, or hangs; not one that left), and the claim reports an orphaned partition as
-- taken from an expired owner, clearing the mark. The functions of 008 and 009 stay for silos of the previous version.
ALTER TABLE reev_partitions ADD COLUMN orphaned boolean NOT NULL DEFAULT false;

-- A mark never outlives the next owner, whichever version of the claim took the partition.
CREATE FUNCTION reev_partitions_owned_not_orphaned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.orphaned := false;
    RETURN NEW;
END $$;

CREATE TRIGGER reev_partitions_owned_not_orphaned BEFORE UPDATE OF owner ON reev_partitions
FOR EACH ROW WHEN (NEW.owner IS NOT NULL AND NEW.orphaned) EXECUTE FUNCTION reev_partitions_owned_not_orphaned();

-- reev_heartbeat (008) whose takeover of the id from an expired incarnation marks the partitions it releases orphaned.
CREATE FUNCTION reev_heartbeat_orphaning(p_silo text, p_incarnation uuid, p_lease interval)
RETURNS TABLE (renewed boolean, lease_expires_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    previous record;
    part int;
    held int[] := '{}';
BEGIN
    SELECT s.incarnation, s.status, s.lease_expires_at INTO previous FROM reev_silos s WHERE s.silo_id = p_silo FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO reev_silos (silo_id, status, lease_expires_at, incarnation)
        VALUES (p_silo, 'active', now() + p_lease, p_incarnation)
        ON CONFLICT (silo_id) DO NOTHING;
        IF FOUND THEN
            RETURN QUERY SELECT true, now() + p_lease;
        ELSE
            -- Another process inserted the id meanwhile, with a live lease.
            RETURN QUERY SELECT false, s.lease_expires_at FROM reev_silos s WHERE s.silo_id = p_silo;
        END IF;
        RETURN;
    END IF;

    IF previous.incarnation IS DISTINCT FROM p_incarnation THEN
        IF previous.status = 'active' AND previous.lease_expires_at >= now() THEN
            RETURN QUERY SELECT false, previous.lease_expires_at;
            RETURN;
        END IF;

        FOR part IN SELECT p.partition FROM reev_partitions p WHERE p.owner = p_silo ORDER BY p.partition LOOP
            PERFORM pg_advisory_xact_lock(1380275712, part);
            held := held || part;
        END LOOP;
        -- Still 'active' here means its lease ran out: it may have died in a turn.
        UPDATE reev_partitions p SET owner = NULL, orphaned = (previous.status = 'active')
        WHERE p.partition = ANY(held) AND p.owner = p_silo;
    END IF;

    UPDATE reev_silos s SET status = 'active', heartbeat_at = now(), lease_expires_at = now() + p_lease, incarnation = p_incarnation
    WHERE s.silo_id = p_silo;
    RETURN QUERY SELECT true, now() + p_lease;
END $$;

-- reev_claim_taking_over (009) that also reports an orphaned partition as expired, and clears its mark.
CREATE FUNCTION reev_claim_taking_over_orphans(p_owner text, p_count int, p_incarnation uuid)
RETURNS TABLE (partition int, epoch bigint, expired boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    part int;
    was_expired boolean;
    taken int[] := '{}';
    expired_parts int[] := '{}';
BEGIN
    PERFORM 1 FROM reev_silos s WHERE s.silo_id = p_owner AND s.incarnation = p_incarnation FOR SHARE;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    FOR part, was_expired IN
        SELECT f.partition,
               (f.owner IS NOT NULL AND s.silo_id IS NOT NULL AND s.status = 'active' AND s.lease_expires_at < now())
               OR (f.owner IS NULL AND f.orphaned)
        FROM reev_partitions f LEFT JOIN reev_silos s ON s.silo_id = f.owner
        WHERE (f.owner IS NULL OR s.silo_id IS NULL OR s.status <> 'active' OR s.lease_expires_at < now())
          AND f.owner IS DISTINCT FROM p_owner
        ORDER BY f.partition
        FOR UPDATE OF f SKIP LOCKED
    LOOP
        EXIT WHEN cardinality(taken) >= p_count;
        IF pg_try_advisory_xact_lock(1380275712, part) THEN
            taken := taken || part;
            IF was_expired THEN
                expired_parts := expired_parts || part;
            END IF;
        END IF;
    END LOOP;
    RETURN QUERY
        UPDATE reev_partitions p SET owner = p_owner, epoch = p.epoch + 1, acquired_at = now(), orphaned = false
        WHERE p.partition = ANY(taken)
        RETURNING p.partition, p.epoch, p.partition = ANY(expired_parts);
END $$;
