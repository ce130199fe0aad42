-- 0003: the inbound pipeline (replies): the learned model's cache, the
-- epoch that says when the operator's categorisations changed, and the keys
-- of fragments already joined into a message.

-- classifier_state.epoch goes up whenever an operator-set category appears,
-- changes or goes away (the triggers below), so a cached model knows it is
-- stale without rescanning the messages.
CREATE TABLE classifier_state (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	epoch INTEGER NOT NULL
);
INSERT INTO classifier_state (id, epoch) VALUES (1, 0);

-- classifier_model caches the learned model trained at epoch.
CREATE TABLE classifier_model (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	epoch      INTEGER NOT NULL,
	trained_at INTEGER NOT NULL,
	examples   INTEGER NOT NULL,
	blob       BLOB NOT NULL
);

CREATE TRIGGER messages_operator_insert AFTER INSERT ON messages
WHEN NEW.category_by = 'operator'
BEGIN
	UPDATE classifier_state SET epoch = epoch + 1 WHERE id = 1;
END;

CREATE TRIGGER messages_operator_update AFTER UPDATE OF category_id, category_by ON messages
WHEN (OLD.category_by IS 'operator' OR NEW.category_by IS 'operator')
	AND (OLD.category_id IS NOT NEW.category_id OR OLD.category_by IS NOT NEW.category_by)
BEGIN
	UPDATE classifier_state SET epoch = epoch + 1 WHERE id = 1;
END;

CREATE TRIGGER messages_operator_delete AFTER DELETE ON messages
WHEN OLD.category_by = 'operator'
BEGIN
	UPDATE classifier_state SET epoch = epoch + 1 WHERE id = 1;
END;

-- fragment_keys remembers the dedupe keys of parts already joined (their
-- fragments rows are gone), so a part read again after a crash between the
-- commit and the delete on the SIM is recognised and not stored twice.
CREATE TABLE fragment_keys (
	dedupe_key TEXT PRIMARY KEY,
	message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
	at         INTEGER NOT NULL
) WITHOUT ROWID;

-- Auto-replies per number (the once-per-window rule) and the last text we
-- sent a number (rule 2) are found through messages_number; delivery reports
-- through messages_sim. Operator categorisations, for training:
CREATE INDEX messages_operator ON messages (category_id) WHERE category_by = 'operator';
