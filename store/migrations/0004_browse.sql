-- 0004: indexes for the terminal UI's paged lists.
-- messages_review_norm holds only the review queue (uncategorised inbound texts), so
-- grouping it by normalised text reads the queue and nothing else.
CREATE INDEX messages_review_norm ON messages (norm, at) WHERE category_id IS NULL AND direction = 'in';
-- messages_recent walks every text newest first, for the conversations list.
CREATE INDEX messages_recent ON messages (at);
