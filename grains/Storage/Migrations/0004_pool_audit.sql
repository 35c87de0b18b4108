-- Pool audit records: one per commit (billed) and one per free call (not billed), written in the
-- same transaction as the pool's debit, so there is never a debit without its record nor a
-- record without its debit. `seq` is the record's position in its pool's log, assigned by the
-- pool grain (the only writer), and is the paging cursor: oldest first.
CREATE TABLE IF NOT EXISTS pool_audit (
    pool_id            text        COLLATE "C" NOT NULL,
    seq                bigint      NOT NULL CHECK (seq > 0),
    request_id         text        COLLATE "C" NOT NULL,
    billed             boolean     NOT NULL,
    usage_type         text        NOT NULL,
    prompt_tokens      bigint      NOT NULL CHECK (prompt_tokens >= 0),
    completion_tokens  bigint      NOT NULL CHECK (completion_tokens >= 0),
    total_tokens       bigint      NOT NULL CHECK (total_tokens >= 0),
    cost_micros        bigint      NOT NULL CHECK (cost_micros >= 0),
    model              text        NOT NULL,
    call_details       jsonb,
    at                 timestamptz NOT NULL,
    -- One record per commit or free call is enforced by the journal's unique key, which is
    -- checked in the same transaction (a replay rolls the whole flush back).
    PRIMARY KEY (pool_id, seq)
);

-- Time-window listings (from/to) of one pool.
CREATE INDEX IF NOT EXISTS pool_audit_at ON pool_audit (pool_id, at);
