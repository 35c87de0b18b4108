-- =============================================================================
-- 0001_orleans_membership.sql
--
-- What: the schema and stored queries used by Orleans ADO.NET clustering
--       (Microsoft.Orleans.Clustering.AdoNet 10.4.2, invariant "Npgsql") on
--       PostgreSQL 15:
--         * OrleansQuery                   - QueryKey -> QueryText lookup table
--         * OrleansMembershipVersionTable  - one row per cluster (DeploymentId =
--                                            ClusterOptions.ClusterId); its Version
--                                            is the ETag of the membership table
--         * OrleansMembershipTable         - one row per silo incarnation
--         * the nine clustering query rows (silo membership table AND the
--           client-side gateway list provider both load them)
--
-- Why:  no NuGet package ships this SQL. When a silo or a client starts, the
--       provider runs "SELECT QueryKey, QueryText FROM OrleansQuery" and refuses
--       to start unless every clustering key below is present; afterwards it only
--       ever executes those texts. It binds parameters by name (@DeploymentId,
--       @Address, @Port, @Generation, @Version, ...) and reads result columns by
--       name, so table, column, parameter and query-key names are a contract with
--       Orleans and must not be renamed. Everything else (types, helper
--       functions, constraint names) is ours.
--
-- Protocol notes (what the provider expects back):
--   * InsertMembershipVersionKey / InsertMembershipKey / UpdateMembershipKey
--     return exactly one row with one column: > 0 = success, 0 = lost the race.
--     A 0 must leave the database unchanged.
--   * Insert/Update of a silo row is guarded by the table version: it succeeds
--     only if OrleansMembershipVersionTable.Version still equals @Version, and
--     it bumps that version in the same transaction.
--   * Read queries must always return the version row, even when no silo row
--     matches (LEFT JOIN); a NULL StartTime means "no silo row".
--   * Status values are the Orleans SiloStatus enum (3 = Active).
--
-- Idempotency / concurrency: the file can be executed any number of times, from
-- several processes, as a single command text (no psql meta-commands). It only
-- uses CREATE ... IF NOT EXISTS, CREATE OR REPLACE FUNCTION and
-- INSERT ... ON CONFLICT (QueryKey) DO UPDATE, and it takes a transaction-scoped
-- advisory lock first so that concurrent runs of this file (or of 0002) are
-- serialised even outside our migrator (effective whenever the file runs as one
-- transaction, which is what an Npgsql multi-statement command does).
-- Requires PostgreSQL 11+ (tested on 15).
-- =============================================================================

DO $lock$
BEGIN
    -- Same key in 0001 and 0002: both files write to OrleansQuery.
    PERFORM pg_advisory_xact_lock(hashtextextended('metering.orleans.sql-schema', 0));
END
$lock$;

-- -----------------------------------------------------------------------------
-- Stored query catalogue (shared with 0002_orleans_grain_storage.sql).
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT orleans_query_pk PRIMARY KEY (QueryKey)
);

-- -----------------------------------------------------------------------------
-- Membership tables.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    Timestamp    timestamptz  NOT NULL DEFAULT now(),  -- last change, diagnostics only
    Version      integer      NOT NULL DEFAULT 0,      -- membership table ETag
    CONSTRAINT orleans_membership_version_pk PRIMARY KEY (DeploymentId)
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address      varchar(45)  NOT NULL,            -- IPv4/IPv6 text form
    Port         integer      NOT NULL,            -- silo-to-silo port
    Generation   integer      NOT NULL,            -- silo incarnation
    SiloName     text         NOT NULL,
    HostName     text         NOT NULL,
    Status       integer      NOT NULL,            -- Orleans SiloStatus
    ProxyPort    integer      NOT NULL DEFAULT 0,  -- gateway port, 0 = no gateway
    SuspectTimes text         NULL,                -- "silo,date|silo,date" (Orleans format)
    StartTime    timestamptz  NOT NULL,
    IAmAliveTime timestamptz  NOT NULL,
    CONSTRAINT orleans_membership_pk
        PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT orleans_membership_version_fk
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- -----------------------------------------------------------------------------
-- Helper functions for the two writes that must be atomic "check version, bump
-- version, change one silo row". Lock order is always version row first, then
-- silo row, so concurrent writers cannot deadlock.
-- A PL/pgSQL block with an EXCEPTION clause runs as a subtransaction: raising
-- inside it undoes the version bump, which is how a lost race leaves no trace.
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION orleans_membership_insert_silo(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_silo_name        text,
    p_host_name        text,
    p_status           integer,
    p_proxy_port       integer,
    p_start_time       timestamptz,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           Timestamp = now()
     WHERE DeploymentId = p_deployment_id
       AND Version = p_expected_version;

    IF NOT FOUND THEN
        RETURN 0;  -- someone else changed the table since the caller read it
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName,
         Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
         p_status, coalesce(p_proxy_port, 0), NULL, p_start_time, p_i_am_alive_time);

    RETURN 1;
EXCEPTION
    WHEN unique_violation THEN
        RETURN 0;  -- silo row already present; version bump is rolled back
END
$fn$;

CREATE OR REPLACE FUNCTION orleans_membership_update_silo(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspect_times    text,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           Timestamp = now()
     WHERE DeploymentId = p_deployment_id
       AND Version = p_expected_version;

    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipTable
       SET Status = p_status,
           SuspectTimes = p_suspect_times,
           IAmAliveTime = p_i_am_alive_time
     WHERE DeploymentId = p_deployment_id
       AND Address = p_address
       AND Port = p_port
       AND Generation = p_generation;

    IF NOT FOUND THEN
        -- Unknown silo row: undo the version bump by leaving the subtransaction.
        RAISE EXCEPTION USING ERRCODE = 'no_data_found';
    END IF;

    RETURN 1;
EXCEPTION
    WHEN no_data_found THEN
        RETURN 0;
END
$fn$;

-- -----------------------------------------------------------------------------
-- Query rows. Texts are dollar-quoted ($q$) so no quote doubling is needed.
-- -----------------------------------------------------------------------------
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- Silo start-up: make sure the version row of the cluster exists. 1 = created now,
-- 0 = it was already there (both are fine for Orleans).
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer AS RowsInserted FROM created;
$q$),

-- Silo joins: add its row if the table version still matches.
('InsertMembershipKey', $q$
SELECT orleans_membership_insert_silo(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
    @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS RowsChanged;
$q$),

-- Status / suspicion change of one silo, guarded by the table version.
('UpdateMembershipKey', $q$
SELECT orleans_membership_update_silo(
    @DeploymentId, @Address, @Port, @Generation,
    @Status, @SuspectTimes, @IAmAliveTime, @Version) AS RowsChanged;
$q$),

-- Heartbeat. Deliberately not versioned (Orleans extended membership protocol).
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
   SET IAmAliveTime = @IAmAliveTime
 WHERE DeploymentId = @DeploymentId
   AND Address = @Address
   AND Port = @Port
   AND Generation = @Generation;
$q$),

-- One silo row plus the table version (version row returned even if the silo
-- row does not exist).
('MembershipReadRowKey', $q$
SELECT v.DeploymentId,
       m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status,
       m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime,
       v.Version
  FROM OrleansMembershipVersionTable AS v
  LEFT JOIN OrleansMembershipTable AS m
         ON m.DeploymentId = v.DeploymentId
        AND m.Address = @Address
        AND m.Port = @Port
        AND m.Generation = @Generation
 WHERE v.DeploymentId = @DeploymentId;
$q$),

-- Whole cluster view plus the table version.
('MembershipReadAllKey', $q$
SELECT v.DeploymentId,
       m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status,
       m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime,
       v.Version
  FROM OrleansMembershipVersionTable AS v
  LEFT JOIN OrleansMembershipTable AS m
         ON m.DeploymentId = v.DeploymentId
 WHERE v.DeploymentId = @DeploymentId;
$q$),

-- Client gateway list provider: active silos that expose a gateway port.
('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
  FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = @Status
   AND ProxyPort > 0;
$q$),

-- Remove stale rows of silos that are no longer Active (3) and stopped
-- heart-beating before @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND IAmAliveTime < @IAmAliveTime
   AND Status <> 3;
$q$),

-- Drop a whole cluster (tests / tooling). Silo rows first because of the FK.
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$)
ON CONFLICT (QueryKey) DO UPDATE
    SET QueryText = EXCLUDED.QueryText;
