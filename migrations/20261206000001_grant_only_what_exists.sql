-- Two repairs, for databases already written as well as new ones.
--
-- 1. Nullable JSON columns checked as `CHECK (json_valid(col))`: SQLite before 3.45 reads
--    json_valid(NULL) as 0, not NULL, so such a build (Debian 12's sqlite3 3.40.1, Python's
--    sqlite3 module) reports a healthy database as "CHECK constraint failed in
--    assignment_policies" in PRAGMA integrity_check, and refuses to write a NULL there.
--    The check becomes `col IS NULL OR json_valid(col)`.
--    A CHECK that only lets more rows in does not change what is on disk, so this uses
--    SQLite's procedure for such changes ("Making Other Kinds Of Table Schema Changes",
--    https://sqlite.org/lang_altertable.html#otheralter) instead of copying the tables:
--    a copy would have to drop a table that assignments and requests point at, which
--    needs foreign keys off, and a migration runs inside a transaction, where they cannot
--    be turned off. The DDL further down changes the schema version, so every connection
--    reads the new definitions.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(replace(replace(sql,
        'CHECK (json_valid(review_settings))',
        'CHECK (review_settings IS NULL OR json_valid(review_settings))'),
        'CHECK (json_valid(automatic_request_settings))',
        'CHECK (automatic_request_settings IS NULL OR json_valid(automatic_request_settings))'),
        'CHECK (json_valid(notification_settings))',
        'CHECK (notification_settings IS NULL OR json_valid(notification_settings))')
WHERE type = 'table' AND name = 'assignment_policies';
UPDATE sqlite_schema
SET sql = replace(sql,
        'CHECK (json_valid(reviewed_by))',
        'CHECK (reviewed_by IS NULL OR json_valid(reviewed_by))')
WHERE type = 'table' AND name = 'approval_stages';
PRAGMA writable_schema = OFF;

-- 2. The grant rule, spelled once: who is a member or owner of which group because of which
--    delivered assignment. Only groups and principals that exist are granted (a deleted
--    user's assignment must never put a row back into a group). The four triggers that
--    keep group_members in step with assignments and role scopes, and regrant after a
--    fixture, all read this view; "Owner_ roles make owners" stays in
--    access_package_group_grants alone.
CREATE VIEW granted_memberships AS
SELECT a.id AS assignment_id,
       a.access_package_id AS access_package_id,
       g.group_id AS group_id,
       g.relation AS relation,
       s.object_id AS member_id,
       CASE s.subject_type WHEN 'servicePrincipal' THEN 'service_principals' ELSE 'users' END AS member_type
FROM assignments AS a
JOIN subjects AS s ON s.id = a.target_id
JOIN access_package_group_grants AS g ON g.access_package_id = a.access_package_id
WHERE a.state = 'delivered'
  AND EXISTS (SELECT 1 FROM groups WHERE id = g.group_id)
  AND (EXISTS (SELECT 1 FROM users WHERE id = s.object_id)
       OR EXISTS (SELECT 1 FROM service_principals WHERE id = s.object_id));

DROP TRIGGER assignments_grant;
DROP TRIGGER assignments_revoke;
DROP TRIGGER role_scopes_grant;
DROP TRIGGER role_scopes_revoke;

-- What the rule grants and nobody has yet is added (a membership made by hand stays the
-- directory's own: managed = 0).
CREATE TRIGGER assignments_grant AFTER UPDATE OF state ON assignments
WHEN new.state = 'delivered' AND old.state <> 'delivered'
BEGIN
    INSERT INTO group_members (group_id, relation, member_id, member_type, managed, added)
    SELECT DISTINCT g.group_id, g.relation, g.member_id, g.member_type, 1,
           (SELECT ifnull(max(added), 0) + 1 FROM group_members)
    FROM granted_memberships AS g
    WHERE g.assignment_id = new.id
      AND NOT EXISTS (SELECT 1 FROM group_members AS m
                      WHERE m.group_id = g.group_id AND m.relation = g.relation AND m.member_id = g.member_id);
END;

-- What the rule no longer grants goes, if the rule made it (managed = 1): another delivered
-- assignment granting the same group keeps it.
CREATE TRIGGER assignments_revoke AFTER UPDATE OF state ON assignments
WHEN old.state = 'delivered' AND new.state <> 'delivered'
BEGIN
    DELETE FROM group_members
    WHERE managed = 1
      AND member_id = (SELECT object_id FROM subjects WHERE id = old.target_id)
      AND NOT EXISTS (SELECT 1 FROM granted_memberships AS g
                      WHERE g.member_id = group_members.member_id
                        AND g.group_id = group_members.group_id AND g.relation = group_members.relation);
END;

-- A role added to a package reaches those who hold the package already; a role taken
-- away leaves them, unless another package still grants it to them.
CREATE TRIGGER role_scopes_grant AFTER INSERT ON role_scopes
BEGIN
    INSERT INTO group_members (group_id, relation, member_id, member_type, managed, added)
    SELECT DISTINCT g.group_id, g.relation, g.member_id, g.member_type, 1,
           (SELECT ifnull(max(added), 0) + 1 FROM group_members)
    FROM granted_memberships AS g
    WHERE g.access_package_id = new.access_package_id
      AND NOT EXISTS (SELECT 1 FROM group_members AS m
                      WHERE m.group_id = g.group_id AND m.relation = g.relation AND m.member_id = g.member_id);
END;

CREATE TRIGGER role_scopes_revoke AFTER DELETE ON role_scopes
BEGIN
    DELETE FROM group_members
    WHERE managed = 1
      AND member_id IN (SELECT s.object_id FROM assignments AS a JOIN subjects AS s ON s.id = a.target_id
                        WHERE a.access_package_id = old.access_package_id AND a.state = 'delivered')
      AND NOT EXISTS (SELECT 1 FROM granted_memberships AS g
                      WHERE g.member_id = group_members.member_id
                        AND g.group_id = group_members.group_id AND g.relation = group_members.relation);
END;
