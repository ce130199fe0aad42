-- 0011: the post-back owed for each campaign text: the number as the data
-- source wrote it (the one form the post-back uses) and when it was posted
-- back. A text sent whose row has no posted_at is owed, also when the run
-- that sent it was killed: the next run posts it; a failed post-back stays
-- owed and is tried again. Texts from before this table are not owed.
CREATE TABLE postbacks (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id),
    raw        TEXT NOT NULL,
    posted_at  INTEGER
);
