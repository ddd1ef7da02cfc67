-- Links by reference that Entitlement Management keeps (model::entity::LINKS): an access
-- package's incompatible access packages and groups, and later a connected
-- organization's sponsors. Ids are GUIDs, so one table serves every relation. A link
-- goes when either end does: one trigger per table whose rows can be an end (the
-- declarations test checks each has one).
CREATE TABLE links (
    source_id TEXT NOT NULL,
    relation TEXT NOT NULL,
    target_id TEXT NOT NULL,
    -- The target's table, for relations whose targets are of several kinds.
    target_type TEXT NOT NULL,
    -- Grows with each link: the order listings and their pages follow.
    added INTEGER NOT NULL,
    PRIMARY KEY (source_id, relation, target_id)
) WITHOUT ROWID;

-- The reverse listing (accessPackagesIncompatibleWith), and the unlinking on delete.
CREATE INDEX links_target ON links (target_id, relation);
CREATE INDEX links_added ON links (added);

CREATE TRIGGER access_packages_unlink AFTER DELETE ON access_packages
BEGIN DELETE FROM links WHERE source_id = old.id OR target_id = old.id; END;

CREATE TRIGGER groups_unlink AFTER DELETE ON groups
BEGIN DELETE FROM links WHERE source_id = old.id OR target_id = old.id; END;
