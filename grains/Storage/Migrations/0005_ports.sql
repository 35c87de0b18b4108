-- Port token budgets.
--
-- Usage per port, UTC day and feature, incremented in the same transaction as the journal entry
-- of the commit or usage record that caused it. Any period (day, week from Monday, month) is a
-- sum of days, computed at read time, so changing a port's period applies to usage already
-- recorded and nothing has to reset at midnight.
CREATE TABLE IF NOT EXISTS port_usage_day (
    port_id  text   COLLATE "C" NOT NULL,
    day      date   NOT NULL,
    feature  text   COLLATE "C" NOT NULL,
    tokens   bigint NOT NULL CHECK (tokens >= 0),
    calls    bigint NOT NULL CHECK (calls >= 0),
    PRIMARY KEY (port_id, day, feature)
);

-- Every budget change, with who made it (an API key's name) and when. The current budget is in
-- the port's account state; this is its history.
CREATE TABLE IF NOT EXISTS port_budget_change (
    port_id          text        COLLATE "C" NOT NULL,
    seq              bigint      NOT NULL CHECK (seq > 0),
    changed_by       text        NOT NULL,
    changed_at       timestamptz NOT NULL,
    enabled          boolean     NOT NULL,
    soft_cap_tokens  bigint      NOT NULL CHECK (soft_cap_tokens >= 0),
    hard_cap_tokens  bigint      NOT NULL CHECK (hard_cap_tokens >= soft_cap_tokens),
    period           text        NOT NULL CHECK (period IN ('day', 'week', 'month')),
    PRIMARY KEY (port_id, seq)
);
