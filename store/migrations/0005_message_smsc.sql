-- 0005: the service centre an inbound text came through (from its PDU), kept
-- also for a PDU that did not decode as a whole, beside its sender and time.
ALTER TABLE messages ADD COLUMN smsc TEXT NOT NULL DEFAULT '';
