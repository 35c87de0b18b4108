-- Admin views (grains/Admin/AdminViewQueries.cs): the indexes that keep the dashboard's reads
-- bounded however many accounts and journal rows there are. Lists page by the tables' primary
-- keys (kind, account_id), (port_id, seq), (port_id, day, feature), (tenant_id, day, deployment_id)
-- and need nothing new; these two serve the reads that would otherwise scan.
--
-- Idempotent (IF NOT EXISTS) and applied in the migrator's one transaction, so each is a plain
-- CREATE INDEX that blocks writes to its table while it builds. On a large database, create
-- them by hand first with CREATE INDEX CONCURRENTLY and the same names and definitions.

-- The pools nearest their limits (the overview): pools ordered by used / limit, fullest first.
-- A query uses it only when it repeats the expression and the predicate literally. Pools with
-- no limit (0) sort last (NULL), so they are never "near" a limit they do not have.
CREATE INDEX IF NOT EXISTS ledger_account_pool_fill
    ON ledger_account ((((state->>'usedMicros')::numeric) / NULLIF((state->>'limitMicros')::numeric, 0)) DESC NULLS LAST)
    WHERE kind = 'pool';

-- A pool's grants, paged by grantId: without it a page would walk every journal row of the
-- pool (each reserve, commit and release) to find the few grants.
CREATE INDEX IF NOT EXISTS ledger_journal_grants
    ON ledger_journal (kind, account_id, op_key)
    WHERE operation = 'grant';
