-- request_id idempotency moves from D1's unique index to the RequestClaims Durable Objects, which answer before the
-- decision reaches D1 (decisions are flushed from their bucket's object after the answer). A flush must never be
-- refused by D1, so the index stays for lookups but no longer enforces uniqueness.
DROP INDEX `decisions_project_request`;--> statement-breakpoint
CREATE INDEX `decisions_project_request` ON `decisions` (`project_id`,`request_id`);