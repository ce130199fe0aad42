-- 0004: indexes for the terminal UI's paged lists.
-- messages_review_norm holds only the review queue (uncategorised inbound texts), so
-- grouping it by normalised text reads the queue and nothing else.
CREATE INDEX messages_review_norm ON messages (norm, at) WHERE category_id IS NULL AND direction = 'in';
-- messages_recent walks every text newest first, for the conversations list
-- (with the number, so a filter on it reads no row).
CREATE INDEX messages_recent ON messages (at, number);
-- messages_campaign_template covers the per-template statistics: the texts
-- sent with each template, and for a reply the campaign text it answers.
CREATE INDEX messages_campaign_template ON messages (number, at, template_id, state) WHERE direction = 'out' AND kind = 'campaign';
CREATE INDEX messages_campaign_sent ON messages (at, template_id, number, state) WHERE direction = 'out' AND kind = 'campaign';
