-- 0008: who tagged a text. An operator's tag records the operator's name and
-- when it was made, so that several staff on one database see each other's
-- work ("Thanks by sam 3 s ago") and the first tag of a group wins.
ALTER TABLE messages ADD COLUMN tagged_by TEXT;
ALTER TABLE messages ADD COLUMN tagged_at INTEGER;
