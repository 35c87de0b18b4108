-- The overview's accounts nearest their limits now come from the silos (each account grain tells
-- its silo how full it is after every flush; grains/Admin/NearLimitBoard.cs), for every kind,
-- not only pools. The index 0008 built for it is dropped: it indexes an expression over `state`,
-- which every flush of every account (of any kind) changes, so no account update could be a
-- heap-only (HOT) update while it existed: each write added entries to every index of the table,
-- for a list the dashboard reads every ten seconds.
DROP INDEX IF EXISTS ledger_account_pool_fill;
