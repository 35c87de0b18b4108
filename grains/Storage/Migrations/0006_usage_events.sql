-- Priced usage events from gateways, and the per-day rollups invoices are read from.
--
-- An event is stored once per (tenant, gatewayRequestId): the primary key makes the database
-- itself refuse a second copy, so concurrent duplicates from several front ends record once.
-- Money is numeric, never floating point: sums are exact and rounded once, when invoiced.
CREATE TABLE IF NOT EXISTS usage_event (
    tenant_id           text          COLLATE "C" NOT NULL,
    gateway_request_id  text          COLLATE "C" NOT NULL,
    deployment_id       text          COLLATE "C" NOT NULL,
    occurred_at         timestamptz   NOT NULL,
    input_tokens        bigint        NOT NULL CHECK (input_tokens >= 0),
    output_tokens       bigint        NOT NULL CHECK (output_tokens >= 0),
    customer_charge     numeric(28,10) NOT NULL,
    received_at         timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, gateway_request_id)
);

-- One row per tenant, UTC day and deployment, updated in the same statement that inserts the
-- events (only for events actually inserted, never for duplicates). An invoice reads at most
-- days × deployments rows, however many events the period holds. Sums are numeric: no count of
-- events can overflow them.
CREATE TABLE IF NOT EXISTS usage_rollup_day (
    tenant_id        text    COLLATE "C" NOT NULL,
    day              date    NOT NULL,
    deployment_id    text    COLLATE "C" NOT NULL,
    input_tokens     numeric NOT NULL CHECK (input_tokens >= 0),
    output_tokens    numeric NOT NULL CHECK (output_tokens >= 0),
    requests         numeric NOT NULL CHECK (requests >= 0),
    customer_charge  numeric NOT NULL,
    PRIMARY KEY (tenant_id, day, deployment_id)
);
