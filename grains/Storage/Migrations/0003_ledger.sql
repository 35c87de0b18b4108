-- The ledger: account rows, holds and the idempotency journal, shared by every account kind.
--
-- Every key starts with (kind, account_id) so the ledger can later be split across several
-- PostgreSQL databases by account without changing the grains. Amounts are bigint in the
-- account's smallest unit (credits, tokens, micro-USD).
-- Identifiers use the "C" collation: pages are ordered by ordinal id, and the cursor of a page
-- must mean the same on every machine whatever its locale.

-- One row per account. The grain that owns the account is its only writer; every flush moves
-- `version` forward by one with `WHERE version = expected`, so a second activation of the same
-- grain (possible for a moment during membership changes) fails instead of spending twice.
CREATE TABLE IF NOT EXISTS ledger_account (
    kind        text        NOT NULL,
    account_id  text        COLLATE "C" NOT NULL,
    version     bigint      NOT NULL CHECK (version > 0),
    state       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (kind, account_id)
);

-- One row per reservation. `state` is 0 reserved, 1 committed, 2 released; "expired" is never
-- stored: a reserved row whose expires_at has passed reads as expired, so nothing has to run
-- for a hold to stop counting.
CREATE TABLE IF NOT EXISTS ledger_hold (
    kind              text        NOT NULL,
    account_id        text        COLLATE "C" NOT NULL,
    request_id        text        COLLATE "C" NOT NULL,
    state             smallint    NOT NULL CHECK (state IN (0, 1, 2)),
    amount            bigint      NOT NULL CHECK (amount >= 0),
    tag               text        NOT NULL,
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    detail            jsonb       NOT NULL,
    closed_at         timestamptz,
    committed_amount  bigint      CHECK (committed_amount >= 0),
    late              boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (kind, account_id, request_id)
);

-- Loading an account reads only its open holds.
CREATE INDEX IF NOT EXISTS ledger_hold_open
    ON ledger_hold (kind, account_id, expires_at)
    WHERE state = 0;

-- Every acknowledged operation, unique on (account, key, operation): a replay can never apply
-- twice, even across restarts. `response` is the first answer, returned again on replay.
CREATE TABLE IF NOT EXISTS ledger_journal (
    kind        text        NOT NULL,
    account_id  text        COLLATE "C" NOT NULL,
    op_key      text        COLLATE "C" NOT NULL,
    operation   text        NOT NULL,
    body_hash   bytea       NOT NULL,
    response    jsonb       NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (kind, account_id, op_key, operation)
);

-- Activation loads the newest entries of one account to answer retries from memory.
CREATE INDEX IF NOT EXISTS ledger_journal_recent
    ON ledger_journal (kind, account_id, at DESC);
