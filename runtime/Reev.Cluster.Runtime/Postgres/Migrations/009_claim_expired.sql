-- reev_claim (008) telling, for each partition claimed, whether it was taken from an owner whose lease ran out (DESIGN
-- R4): that owner may have died in a turn, so the new owner counts one attempt for the head message of each grain before
-- running it. A partition released (a graceful hand-over), never owned, or of a silo that left is not expired.
-- The previous owner's row is read before the partition's is updated, in the same statement as the claim's lock.
CREATE FUNCTION reev_claim_taking_over(p_owner text, p_count int, p_incarnation uuid)
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
        SELECT f.partition, (f.owner IS NOT NULL AND s.silo_id IS NOT NULL AND s.status = 'active' AND s.lease_expires_at < now())
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
        UPDATE reev_partitions p SET owner = p_owner, epoch = p.epoch + 1, acquired_at = now()
        WHERE p.partition = ANY(taken)
        RETURNING p.partition, p.epoch, p.partition = ANY(expired_parts);
END $$;
