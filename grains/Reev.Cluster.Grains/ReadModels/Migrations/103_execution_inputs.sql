-- What an execution was started with and never changes (its request with the flow document, the key map and the
-- initial ledger, about 4 KB of JSON), written once in the turn that starts it (ADR 0022) instead of in every write of
-- its state: an execution's state is rewritten at each of its turns.
CREATE TABLE IF NOT EXISTS reev_execution_inputs (
    execution_id text PRIMARY KEY,
    inputs text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
DO $$
BEGIN
    ALTER TABLE reev_execution_inputs ALTER COLUMN inputs SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 compression is not available on this server; keeping pglz';
END $$;
