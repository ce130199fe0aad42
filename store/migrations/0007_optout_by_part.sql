-- An opt-out put on the list by the first part of a long text, while its
-- other parts are still awaited (by_part = 1). The whole text, once stored
-- and sorted, ties the opt-out to itself and sends the confirmation; an
-- opt-out added by hand (by_part = 0, no message) never gets one.
ALTER TABLE opt_outs ADD COLUMN by_part INTEGER NOT NULL DEFAULT 0;
