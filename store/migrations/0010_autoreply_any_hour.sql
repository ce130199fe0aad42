-- 0010: a category's auto-reply waits for quiet hours to end, like campaign
-- texts, unless the category says it may go at any hour (autoreply_any_hour).
ALTER TABLE categories ADD COLUMN autoreply_any_hour INTEGER NOT NULL DEFAULT 0;
-- An opt-out's confirmation answers the STOP the person just sent: it goes at
-- once, whatever the hour (the operator can change that).
UPDATE categories SET autoreply_any_hour = 1 WHERE opt_out = 1;
