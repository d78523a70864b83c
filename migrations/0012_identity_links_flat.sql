-- Identity links stay flat: every user_id is a root (never itself a linked anonymous_id), so reports resolve an id with
-- one join whatever order identify/alias calls arrive in (alias chains, links inside one batch). Run per inserted row,
-- in the writing statement, so it holds for rows of one multi-row INSERT too; ON CONFLICT DO NOTHING inserts nothing
-- and fires nothing (the first link of an anonymous id wins).
CREATE TRIGGER `identities_flat` AFTER INSERT ON `identities`
BEGIN
	-- The new link's target is itself linked: point at its root instead.
	UPDATE `identities` SET `user_id` = (SELECT j.`user_id` FROM `identities` AS j WHERE j.`project_id` = NEW.`project_id` AND j.`anonymous_id` = NEW.`user_id`)
	 WHERE `project_id` = NEW.`project_id` AND `anonymous_id` = NEW.`anonymous_id`
	   AND EXISTS (SELECT 1 FROM `identities` AS j WHERE j.`project_id` = NEW.`project_id` AND j.`anonymous_id` = NEW.`user_id`);
	-- That root was the new id itself (a link back, b → a after a → b): no link, no cycle.
	DELETE FROM `identities` WHERE `project_id` = NEW.`project_id` AND `anonymous_id` = NEW.`anonymous_id` AND `user_id` = `anonymous_id`;
	-- Ids that pointed at the newly linked id follow it to its root.
	UPDATE `identities` SET `user_id` = (SELECT j.`user_id` FROM `identities` AS j WHERE j.`project_id` = NEW.`project_id` AND j.`anonymous_id` = NEW.`anonymous_id`)
	 WHERE `project_id` = NEW.`project_id` AND `user_id` = NEW.`anonymous_id`
	   AND EXISTS (SELECT 1 FROM `identities` AS j WHERE j.`project_id` = NEW.`project_id` AND j.`anonymous_id` = NEW.`anonymous_id`);
END;
