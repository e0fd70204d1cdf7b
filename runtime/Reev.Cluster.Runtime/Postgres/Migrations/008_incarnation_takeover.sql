-- A process restarted under the silo id of a process that is only paused (past its lease) must not inherit the paused
-- process's leases: reev_fence names the owner by silo id, so the paused process would pass it at the same epochs once it
-- resumes. Two rules close that:
--   * the heartbeat that takes an id over from another incarnation releases every partition the id holds, as
--     reev_release does (the exclusive advisory lock of each, ascending: it waits for the commits in flight on them, and a
--     commit that starts afterwards reads the release and is fenced, ADR 0006); the new process claims at new epochs;
--   * a claim is made only for the incarnation that holds the id, and keeps the id's row locked (FOR SHARE) until it
--     commits: a takeover waits for it and then releases what it claimed, a claim after a takeover takes nothing.
CREATE FUNCTION reev_heartbeat(p_silo text, p_incarnation uuid, p_lease interval)
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
        UPDATE reev_partitions p SET owner = NULL WHERE p.partition = ANY(held) AND p.owner = p_silo;
    END IF;

    UPDATE reev_silos s SET status = 'active', heartbeat_at = now(), lease_expires_at = now() + p_lease, incarnation = p_incarnation
    WHERE s.silo_id = p_silo;
    RETURN QUERY SELECT true, now() + p_lease;
END $$;

-- reev_claim (004) for one incarnation of the owner; the two-argument form stays for silos of the previous version.
CREATE FUNCTION reev_claim(p_owner text, p_count int, p_incarnation uuid) RETURNS TABLE (partition int, epoch bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM 1 FROM reev_silos s WHERE s.silo_id = p_owner AND s.incarnation = p_incarnation FOR SHARE;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    RETURN QUERY SELECT c.partition, c.epoch FROM reev_claim(p_owner, p_count) AS c;
END $$;
