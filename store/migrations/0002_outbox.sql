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

-- Campaign de-duplication and follow-up selection: campaign texts by number
-- and by time.
CREATE INDEX messages_campaign_number ON messages (number, at) WHERE direction = 'out' AND kind = 'campaign';
CREATE INDEX messages_campaign_at ON messages (at) WHERE direction = 'out' AND kind = 'campaign';

-- Processes that hold outbox rows ('sending') or a run: a heartbeat lets a
-- process on another host tell a live owner from a dead one.
CREATE TABLE outbox_owners (
	owner     TEXT PRIMARY KEY,   -- host:pid:start
	host      TEXT NOT NULL,
	pid       INTEGER NOT NULL,
	heartbeat INTEGER NOT NULL
);
