-- 0006: the opt-out list by hand. An operator adds or removes a number with
-- a note (who asked, how), and a manual text forced to an opted-out number
-- is recorded: opt_out_log keeps every such change, opt_outs the note of
-- the current entry.

ALTER TABLE opt_outs ADD COLUMN note TEXT NOT NULL DEFAULT '';

CREATE TABLE opt_out_log (
	id         INTEGER PRIMARY KEY,
	number     TEXT NOT NULL,
	at         INTEGER NOT NULL,
	action     TEXT NOT NULL CHECK (action IN ('add', 'remove', 'forced')),
	note       TEXT NOT NULL DEFAULT '',
	message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL -- a forced text
);

CREATE INDEX opt_out_log_number ON opt_out_log (number, at);
