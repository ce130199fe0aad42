-- 0002: the outbox (issue 5).
-- draft keeps a queued text with {greeting} still in it once the text itself
-- has been replaced by what was sent, so a text put back in the queue (a
-- transient error, or the operator's resend) gets a fresh greeting.
-- not_before holds a text back after a transient error; tries counts them.
ALTER TABLE messages ADD COLUMN draft TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN not_before INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;

-- The dispatcher's queue scan: queued texts of one SIM, oldest first.
CREATE INDEX messages_queue ON messages (sim_id, id) WHERE state = 'queued';

-- Campaign de-duplication (covering: number, time and state, no row read)
-- and follow-up selection: campaign texts by number and by time.
CREATE INDEX messages_campaign_number ON messages (number, at, state) WHERE direction = 'out' AND kind = 'campaign';
CREATE INDEX messages_campaign_at ON messages (at) WHERE direction = 'out' AND kind = 'campaign';

-- The sticky-SIM lookup (LastSIMs): each number's newest text per direction
-- with its SIM and state, read from the index alone.
CREATE INDEX messages_number_sim ON messages (number, direction, at, sim_id, state);

-- Processes that hold outbox rows ('sending') or a run: a heartbeat lets a
-- process on another host tell a live owner from a dead one.
CREATE TABLE outbox_owners (
	owner     TEXT PRIMARY KEY,   -- host:pid:start
	host      TEXT NOT NULL,
	pid       INTEGER NOT NULL,
	heartbeat INTEGER NOT NULL
);

-- What phone.Normalize made of the numbers data sources send (only those it
-- accepted), so that planning a campaign of 100,000 recipients does not parse
-- 100,000 numbers again three times a day.
CREATE TABLE number_forms (
	raw    TEXT NOT NULL,
	region TEXT NOT NULL,
	e164   TEXT NOT NULL,
	PRIMARY KEY (raw, region)
) WITHOUT ROWID;
