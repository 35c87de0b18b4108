-- Retention (grains/Retention/RetentionStore.cs): the indexes the clean-up's deletes need, so a
-- bounded batch finds its rows by index however large the tables grow, instead of scanning them.
--
-- Idempotent (IF NOT EXISTS). The migrator applies it in its one transaction under its advisory
-- lock, so it is a plain CREATE INDEX: on a database that already holds many rows, the build
-- blocks writes to the table while it runs. To avoid that, create both indexes by hand first
-- with CREATE INDEX CONCURRENTLY and the same names and definitions; this file then finds them.

-- Journal rows by age, oldest first. Grants are left out: they are kept forever, so the
-- clean-up never looks for them, and the index stays smaller. A query uses this partial index
-- only when it repeats the predicate literally (operation <> 'grant').
CREATE INDEX IF NOT EXISTS ledger_journal_age
    ON ledger_journal (at)
    WHERE operation <> 'grant';

-- Raw usage events by the time they happened: those older than the retention window are deleted,
-- oldest first. Their rollups in usage_rollup_day stay.
CREATE INDEX IF NOT EXISTS usage_event_occurred
    ON usage_event (occurred_at);
