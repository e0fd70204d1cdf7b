-- Runtime schema: membership, partitions, inbox, grain state, reminders, replies, dead letters.
CREATE TABLE reev_cluster (
    id              int PRIMARY KEY CHECK (id = 1),
    partition_count int NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reev_silos (
    silo_id          text PRIMARY KEY,
    status           text NOT NULL,
    started_at       timestamptz NOT NULL DEFAULT now(),
    heartbeat_at     timestamptz NOT NULL DEFAULT now(),
    lease_expires_at timestamptz NOT NULL
);

CREATE TABLE reev_partitions (
    partition   int PRIMARY KEY,
    owner       text NULL,
    epoch       bigint NOT NULL DEFAULT 0,
    acquired_at timestamptz NULL
);

CREATE TABLE reev_messages (
    id          bigserial PRIMARY KEY,
    partition   int NOT NULL,
    grain_type  text NOT NULL,
    grain_key   text NOT NULL,
    method      text NOT NULL,
    kind        smallint NOT NULL,
    payload     text NOT NULL,
    reply_to    text NULL,
    attempts    int NOT NULL DEFAULT 0,
    last_error  text NULL,
    trace_parent text NULL,
    -- The inserting transaction: fetches read in (tx, id) order below the oldest running transaction,
    -- so a row committed late can never be skipped by a cursor (ADR 0002).
    tx          xid8 NOT NULL DEFAULT pg_current_xact_id(),
    enqueued_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reev_messages_tx_id ON reev_messages (tx, id);
CREATE INDEX reev_messages_partition_id ON reev_messages (partition, id);

CREATE TABLE reev_grain_state (
    grain_type text NOT NULL,
    grain_key  text NOT NULL,
    partition  int NOT NULL,
    version    bigint NOT NULL,
    state      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grain_type, grain_key)
);

CREATE TABLE reev_reminders (
    grain_type text NOT NULL,
    grain_key  text NOT NULL,
    name       text NOT NULL,
    partition  int NOT NULL,
    due_at     timestamptz NOT NULL,
    period_ms  bigint NULL,
    PRIMARY KEY (grain_type, grain_key, name)
);
CREATE INDEX reev_reminders_partition_due ON reev_reminders (partition, due_at);

CREATE TABLE reev_replies (
    request_id uuid PRIMARY KEY,
    client_id  text NOT NULL,
    payload    text NULL,
    error      text NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reev_replies_client ON reev_replies (client_id);

CREATE TABLE reev_dead_letters (
    message_id bigint PRIMARY KEY,
    partition  int NOT NULL,
    grain_type text NOT NULL,
    grain_key  text NOT NULL,
    method     text NOT NULL,
    kind       smallint NOT NULL,
    payload    text NOT NULL,
    reply_to   text NULL,
    attempts   int NOT NULL,
    error      text NOT NULL,
    dead_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reev_dead_letters_dead_at ON reev_dead_letters (dead_at DESC);

-- Fencing (DESIGN R3): proves, inside the caller's transaction, that the silo still holds every
-- listed partition at the listed epoch, and keeps those rows share-locked until commit so that no
-- takeover can commit in between. Raises RV001 listing nothing: the caller then finds which were lost.
CREATE FUNCTION reev_fence(p_owner text, p_partitions int[], p_epochs bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    held int;
BEGIN
    SELECT count(*) INTO held FROM (
        SELECT 1 FROM reev_partitions p
        JOIN unnest(p_partitions, p_epochs) AS f(partition, epoch)
          ON p.partition = f.partition AND p.epoch = f.epoch
        WHERE p.owner = p_owner
        FOR SHARE OF p) held_rows;
    IF held <> cardinality(p_partitions) THEN
        RAISE EXCEPTION 'reev fencing: silo % no longer holds all its partitions', p_owner USING ERRCODE = 'RV001';
    END IF;
END $$;

-- Consumes messages; raises RV002 when any is already gone (its turn ran twice and must not commit).
CREATE FUNCTION reev_consume(p_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    removed int;
BEGIN
    DELETE FROM reev_messages WHERE id = ANY(p_ids);
    GET DIAGNOSTICS removed = ROW_COUNT;
    IF removed <> cardinality(p_ids) THEN
        RAISE EXCEPTION 'reev consume: % of % messages already consumed', cardinality(p_ids) - removed, cardinality(p_ids) USING ERRCODE = 'RV002';
    END IF;
END $$;

-- Writes grain states at version = stored version + 1 (optimistic concurrency); RV003 on conflict.
CREATE FUNCTION reev_write_states(p_types text[], p_keys text[], p_partitions int[], p_versions bigint[], p_states text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    written int;
BEGIN
    INSERT INTO reev_grain_state AS g (grain_type, grain_key, partition, version, state, updated_at)
    SELECT t, k, p, v, s, now() FROM unnest(p_types, p_keys, p_partitions, p_versions, p_states) AS x(t, k, p, v, s)
    ON CONFLICT (grain_type, grain_key) DO UPDATE
        SET version = excluded.version, state = excluded.state, updated_at = excluded.updated_at
        WHERE g.version = excluded.version - 1;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written <> cardinality(p_types) THEN
        RAISE EXCEPTION 'reev state: version conflict on % grains', cardinality(p_types) - written USING ERRCODE = 'RV003';
    END IF;
END $$;
