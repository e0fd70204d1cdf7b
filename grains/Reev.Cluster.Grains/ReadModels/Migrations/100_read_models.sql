-- Read models of executions, step sessions and consolidated sessions (written with the turns that change them).
CREATE TABLE reev_executions (
    execution_id      text PRIMARY KEY,
    flow_id           text NOT NULL,
    source            text NOT NULL,
    agent             text NOT NULL,
    atomic_mode       text NOT NULL,
    status            text NOT NULL,
    score             double precision NULL,
    instruction_score double precision NULL,
    onchain_score     double precision NULL,
    assertion_score   double precision NULL,
    passed            boolean NULL,
    error             text NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    finished_at       timestamptz NULL,
    version           bigint NOT NULL
);
CREATE INDEX reev_executions_status_created ON reev_executions (status, created_at DESC, execution_id);
CREATE INDEX reev_executions_created ON reev_executions (created_at DESC, execution_id);
CREATE INDEX reev_executions_flow_created ON reev_executions (flow_id, created_at DESC);

CREATE TABLE reev_step_sessions (
    session_id   text PRIMARY KEY,
    execution_id text NOT NULL,
    step_index   int NOT NULL,
    alternate    text NOT NULL,
    attempt      int NOT NULL,
    status       text NOT NULL,
    tool_count   int NOT NULL,
    score        double precision NOT NULL,
    duration_ms  double precision NOT NULL,
    prompt       text NOT NULL,
    error        text NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX reev_step_sessions_execution ON reev_step_sessions (execution_id, step_index);

CREATE TABLE reev_consolidated_sessions (
    execution_id            text PRIMARY KEY,
    consolidated_session_id text NOT NULL UNIQUE,
    status                  text NOT NULL,
    consolidated_content    text NOT NULL,
    original_session_ids    text[] NOT NULL,
    avg_score               double precision NOT NULL,
    total_tools             int NOT NULL,
    success_rate            double precision NOT NULL,
    execution_duration_ms   double precision NOT NULL,
    phases_completed        text[] NOT NULL,
    error                   text NULL,
    updated_at              timestamptz NOT NULL
);
