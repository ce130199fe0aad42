-- 0009: which texting process has a dongle's port open, and for what
-- ("campaign run 14", "read-in"): a read-in that finds the port busy says
-- who holds it (and that the holder reads that SIM in), and a run waits for
-- a short job (short = 1) instead of skipping the dongle.
CREATE TABLE port_holders (
    port  TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    pid   INTEGER NOT NULL,
    what  TEXT NOT NULL,
    short INTEGER NOT NULL DEFAULT 0,
    since INTEGER NOT NULL
);
