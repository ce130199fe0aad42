-- 0001: the whole data model (docs/ARCHITECTURE.md describes it).
-- Times are INTEGER Unix seconds (UTC). Text columns default to '' rather than
-- NULL where "absent" and "empty" mean the same thing.

CREATE TABLE networks (
	id      INTEGER PRIMARY KEY,
	name    TEXT NOT NULL UNIQUE COLLATE NOCASE,
	gateway INTEGER NOT NULL DEFAULT 0 CHECK (gateway IN (0, 1)),
	notes   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sims (
	id           INTEGER PRIMARY KEY,
	network_id   INTEGER NOT NULL REFERENCES networks(id) ON DELETE RESTRICT,
	ref          INTEGER NOT NULL DEFAULT 0,
	imsi         TEXT UNIQUE,              -- NULL while unknown
	iccid        TEXT NOT NULL DEFAULT '',
	imei         TEXT NOT NULL DEFAULT '',  -- the dongle it was last seen in
	phone        TEXT NOT NULL DEFAULT '',
	active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	daily_limit  INTEGER NOT NULL DEFAULT 300 CHECK (daily_limit >= 0),
	last_port    TEXT NOT NULL DEFAULT '',
	last_seen    INTEGER,
	parked_until INTEGER,                   -- no sends before this time
	park_reason  TEXT NOT NULL DEFAULT '',
	notes        TEXT NOT NULL DEFAULT '',
	gw_url       TEXT NOT NULL DEFAULT '',
	gw_user      TEXT NOT NULL DEFAULT '',
	gw_password  TEXT NOT NULL DEFAULT '',
	sender_id    TEXT NOT NULL DEFAULT '',
	UNIQUE (network_id, ref)
);

CREATE TABLE categories (
	id        INTEGER PRIMARY KEY,
	name      TEXT NOT NULL UNIQUE COLLATE NOCASE,
	opt_out   INTEGER NOT NULL DEFAULT 0 CHECK (opt_out IN (0, 1)),
	followup  TEXT NOT NULL DEFAULT 'none' CHECK (followup IN ('none', 'basic', 'alternative')),
	autoreply TEXT NOT NULL DEFAULT '',
	-- role marks the categories the automatic rules use: 'end' (opt-out rule),
	-- 'followup_reply' (rule 2), 'bot', 'thanks', 'misc'; NULL for the operator's own.
	role      TEXT UNIQUE,
	position  INTEGER NOT NULL DEFAULT 0
);

INSERT INTO categories (name, opt_out, followup, role, position) VALUES
	('Thanks', 0, 'basic', 'thanks', 1),
	('End', 1, 'none', 'end', 2),
	('Bot', 0, 'none', 'bot', 3),
	('Misc', 0, 'basic', 'misc', 4),
	('Followup reply', 0, 'none', 'followup_reply', 5);

CREATE TABLE templates (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
	body         TEXT NOT NULL,
	followup     TEXT NOT NULL DEFAULT '',
	alt_followup TEXT NOT NULL DEFAULT '',
	updated_at   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE runs (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('campaign', 'followup')),
	started_at INTEGER NOT NULL,
	ended_at   INTEGER,
	source     TEXT NOT NULL DEFAULT '',
	counts     TEXT NOT NULL DEFAULT '{}', -- JSON object of named counts
	outcome    TEXT NOT NULL DEFAULT '',  -- '' while running; ok, dry-run, failed: reason
	owner      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE messages (
	id          INTEGER PRIMARY KEY,
	direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	sim_id      INTEGER REFERENCES sims(id) ON DELETE SET NULL,
	number      TEXT NOT NULL,          -- E.164, or an alphanumeric sender as given
	text        TEXT NOT NULL,
	at          INTEGER NOT NULL,       -- received; for outgoing texts: queued, then when it was sent
	kind        TEXT NOT NULL CHECK (kind IN ('campaign', 'followup', 'manual', 'autoreply', 'manager', 'inbound')),
	template_id INTEGER REFERENCES templates(id) ON DELETE SET NULL,
	group_name  TEXT NOT NULL DEFAULT '',
	name        TEXT NOT NULL DEFAULT '', -- recipient's first name, for rendering at send time
	run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL,
	parent_id   INTEGER REFERENCES messages(id) ON DELETE SET NULL, -- follow-up: its campaign text
	category_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
	category_by TEXT CHECK (category_by IN ('operator', 'rule', 'memory', 'model')),
	confidence  REAL,
	norm        TEXT NOT NULL DEFAULT '', -- normalised text (inbound), for memory and grouping
	state       TEXT NOT NULL DEFAULT '' CHECK (state IN ('', 'queued', 'sending', 'sent', 'delivered', 'expired', 'failed', 'unknown')),
	owner       TEXT NOT NULL DEFAULT '', -- the process that holds a 'sending' row
	ref         TEXT NOT NULL DEFAULT '', -- gateway reference or modem message references (comma-separated)
	parts       INTEGER NOT NULL DEFAULT 1,
	error       TEXT NOT NULL DEFAULT '',
	flags       TEXT NOT NULL DEFAULT '', -- comma-separated: incomplete, undecodable
	raw         TEXT NOT NULL DEFAULT '', -- the PDU(s) as read, for undecodable texts
	dedupe_key  TEXT UNIQUE               -- inbound: identity of what was read, so a re-read stores it once
);

CREATE INDEX messages_number ON messages (number, direction, at);
CREATE INDEX messages_sim ON messages (sim_id, direction, at, state, parts);
CREATE INDEX messages_day ON messages (direction, at, sim_id, state, parts);
CREATE INDEX messages_review ON messages (category_id, direction, at);
CREATE INDEX messages_state ON messages (state) WHERE state IN ('queued', 'sending', 'unknown', 'failed');
CREATE INDEX messages_norm ON messages (norm) WHERE direction = 'in';
CREATE INDEX messages_parent ON messages (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE opt_outs (
	number     TEXT PRIMARY KEY,
	at         INTEGER NOT NULL,
	message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);

CREATE TABLE fragments (
	id          INTEGER PRIMARY KEY,
	sim_id      INTEGER REFERENCES sims(id) ON DELETE CASCADE,
	number      TEXT NOT NULL,
	concat_ref  INTEGER NOT NULL,
	total       INTEGER NOT NULL,
	seq         INTEGER NOT NULL,
	text        TEXT NOT NULL,
	sent_at     INTEGER,              -- the SC timestamp of this part
	received_at INTEGER NOT NULL,
	pdu         TEXT NOT NULL DEFAULT '',
	dedupe_key  TEXT NOT NULL UNIQUE
);

CREATE INDEX fragments_group ON fragments (sim_id, number, concat_ref, total);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
