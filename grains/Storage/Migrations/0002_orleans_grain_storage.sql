-- =============================================================================
-- 0002_orleans_grain_storage.sql
--
-- What: the table, helper function and stored queries used by Orleans ADO.NET
--       grain persistence (Microsoft.Orleans.Persistence.AdoNet 10.4.2,
--       AddAdoNetGrainStorage with invariant "Npgsql") on PostgreSQL 15:
--         * OrleansStorage            - one row per (service, state name, grain key)
--         * orleans_storage_write()   - optimistic-concurrency insert/update
--         * query rows WriteToStorageKey, ReadFromStorageKey, ClearStorageKey
--           (required) and DeleteStorageKey (used only when the provider option
--           DeleteStateOnClear = true; harmless otherwise).
--
-- Why:  no NuGet package ships this SQL. Each ADO.NET grain storage provider
--       loads those four keys from OrleansQuery when the silo starts and fails
--       to start if one of the three required keys is missing. It binds
--       parameters by name (@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
--       @GrainTypeString, @GrainIdExtensionString, @ServiceId,
--       @GrainStateVersion, @PayloadBinary) and reads result columns by name
--       (PayloadBinary, Version, NewGrainStateVersion), so those names and the
--       query keys are a contract with Orleans. Everything else is ours.
--
-- Key mapping used by the provider (good to know when reading the table):
--   GrainTypeString        = the state name given to [PersistentState(name, ...)],
--                            not the grain class;
--   GrainIdN0/GrainIdN1    = Guid halves, or 0/long for integer keys, 0/0 for
--                            string keys;
--   GrainIdExtensionString = key extension, or the whole key for string-keyed grains;
--   ServiceId              = ClusterOptions.ServiceId.
--   The grain type and the provider name are NOT part of the key: two grain
--   classes with the same key and the same state name share one row.
--
-- ETag protocol: Version is the ETag. A write with @GrainStateVersion NULL is
-- a first write and succeeds only if no row exists; otherwise it succeeds only
-- if Version still equals @GrainStateVersion. The write returns the new
-- version, or NULL when nothing was written, which the provider turns into an
-- InconsistentStateException.
--
-- Idempotency / concurrency: safe to execute repeatedly and from several
-- processes as a single command text (no psql meta-commands): CREATE ... IF NOT
-- EXISTS, CREATE OR REPLACE FUNCTION, INSERT ... ON CONFLICT (QueryKey) DO
-- UPDATE, behind the same transaction-scoped advisory lock as 0001.
-- Requires PostgreSQL 15+ (UNIQUE ... NULLS NOT DISTINCT).
-- =============================================================================

DO $lock$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('metering.orleans.sql-schema', 0));
END
$lock$;

-- Also created by 0001; repeated so this file does not depend on it.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT orleans_query_pk PRIMARY KEY (QueryKey)
);

-- -----------------------------------------------------------------------------
-- Grain state table.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,      -- NULL after ClearState
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NOT NULL   -- ETag, starts at 1
);

-- One row per logical grain state. Serves every lookup (hash columns first)
-- and makes two concurrent first writes of the same state collide instead of
-- both inserting. NULLS NOT DISTINCT: a NULL extension is a real key value.
CREATE UNIQUE INDEX IF NOT EXISTS orleans_storage_grain_uq
    ON OrleansStorage (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1,
                       ServiceId, GrainTypeString, GrainIdExtensionString)
    NULLS NOT DISTINCT;

-- -----------------------------------------------------------------------------
-- Write: insert (first write) or compare-and-swap update. Returns the new
-- Version, or NULL if the ETag did not match / the row already existed.
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION orleans_storage_write(
    p_grain_id_hash       integer,
    p_grain_id_n0         bigint,
    p_grain_id_n1         bigint,
    p_grain_type_hash     integer,
    p_grain_type_string   text,
    p_grain_id_extension  text,
    p_service_id          text,
    p_expected_version    integer,
    p_payload             bytea)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        -- The grain never saw a stored row: create it, unless one exists by now
        -- (another activation won the race; the unique index decides).
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
             GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        VALUES
            (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type_string,
             p_grain_id_extension, p_service_id, p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING Version INTO v_new_version;
    ELSE
        UPDATE OrleansStorage
           SET PayloadBinary = p_payload,
               ModifiedOn = now(),
               Version = Version + 1
         WHERE GrainIdHash = p_grain_id_hash
           AND GrainTypeHash = p_grain_type_hash
           AND GrainIdN0 = p_grain_id_n0
           AND GrainIdN1 = p_grain_id_n1
           AND ServiceId = p_service_id
           AND GrainTypeString = p_grain_type_string
           AND GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_extension
           AND Version = p_expected_version
        RETURNING Version INTO v_new_version;
    END IF;

    RETURN v_new_version;  -- NULL = nothing written = ETag conflict
END
$fn$;

-- -----------------------------------------------------------------------------
-- Query rows (dollar-quoted texts).
-- -----------------------------------------------------------------------------
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
('WriteToStorageKey', $q$
SELECT orleans_storage_write(
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
    @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary
) AS NewGrainStateVersion;
$q$),

-- Zero rows = no stored state (the grain starts from a fresh instance).
('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
  FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),

-- ClearState keeps the row (and its version history) but drops the payload.
-- No row returned = ETag conflict.
('ClearStorageKey', $q$
UPDATE OrleansStorage
   SET PayloadBinary = NULL,
       ModifiedOn = now(),
       Version = Version + 1
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
   AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
$q$),

-- Only with DeleteStateOnClear = true: remove the row. The provider expects
-- "old version + 1" back on success (then resets the ETag to NULL).
('DeleteStorageKey', $q$
DELETE FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
   AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
$q$)
ON CONFLICT (QueryKey) DO UPDATE
    SET QueryText = EXCLUDED.QueryText;
