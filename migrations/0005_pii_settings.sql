ALTER TABLE `projects` ADD `pii_identifiers` text DEFAULT 'refuse' NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `pii_allowed_keys` text DEFAULT '[]' NOT NULL;