-- Grain states arrive as the UTF-8 bytes the silo serialized (bytea) instead of strings: the silo no longer makes a
-- UTF-16 string of each state (twice its bytes) only for the driver to encode it back. convert_from checks the
-- encoding, as the text parameter did. Same rule as reev_write_states (001), which now calls this one (below).
CREATE FUNCTION reev_write_states_utf8(p_types text[], p_keys text[], p_partitions int[], p_versions bigint[], p_states bytea[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    written int;
BEGIN
    INSERT INTO reev_grain_state AS g (grain_type, grain_key, partition, version, state, updated_at)
    SELECT t, k, p, v, convert_from(s, 'UTF8'), now() FROM unnest(p_types, p_keys, p_partitions, p_versions, p_states) AS x(t, k, p, v, s)
    ON CONFLICT (grain_type, grain_key) DO UPDATE
        SET version = excluded.version, state = excluded.state, updated_at = excluded.updated_at
        WHERE g.version = excluded.version - 1;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written <> cardinality(p_types) THEN
        RAISE EXCEPTION 'reev state: version conflict on % grains', cardinality(p_types) - written USING ERRCODE = 'RV003';
    END IF;
END $$;

-- The text form (older silos) is now a thin wrapper, so that the write rule lives in one function.
CREATE OR REPLACE FUNCTION reev_write_states(p_types text[], p_keys text[], p_partitions int[], p_versions bigint[], p_states text[]) RETURNS void
LANGUAGE sql AS $$
    SELECT reev_write_states_utf8(p_types, p_keys, p_partitions, p_versions,
        ARRAY(SELECT convert_to(s, 'UTF8') FROM unnest(p_states) WITH ORDINALITY AS x(s, n) ORDER BY n));
$$;
