-- Grain states and message payloads of a few KB are compressed on every write; lz4 costs a fraction of the
-- default pglz's CPU. Servers built without lz4 keep pglz.
DO $$
BEGIN
    ALTER TABLE reev_grain_state ALTER COLUMN state SET COMPRESSION lz4;
    ALTER TABLE reev_messages ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 compression is not available on this server; keeping pglz';
END $$;
