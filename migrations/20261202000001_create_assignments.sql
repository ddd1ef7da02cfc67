-- Assignment requests and assignments (reference: elm-surface §2, §3, §6.1): who asked for
-- which access package, how far the request got, and the access it delivered. The
-- lifecycle (model/lifecycle.rs) moves requests; group membership follows delivered
-- assignments through the triggers at the end, in the statement that changes them.

-- The people and applications requests are for: one subject per directory object.
CREATE TABLE subjects (
    id                TEXT PRIMARY KEY NOT NULL,
    object_id         TEXT NOT NULL,
    display_name      TEXT,
    email             TEXT,
    principal_name    TEXT,
    subject_type      TEXT NOT NULL,
    subject_lifecycle TEXT NOT NULL,
    created_date_time TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX subjects_object_id ON subjects (object_id);
CREATE INDEX subjects_created ON subjects (created_date_time, id);

CREATE TABLE assignments (
    id                   TEXT PRIMARY KEY NOT NULL,
    access_package_id    TEXT NOT NULL REFERENCES access_packages (id),
    assignment_policy_id TEXT NOT NULL REFERENCES assignment_policies (id),
    catalog_id           TEXT NOT NULL REFERENCES catalogs (id),
    target_id            TEXT NOT NULL REFERENCES subjects (id),
    state                TEXT NOT NULL,
    status               TEXT NOT NULL,
    schedule             TEXT NOT NULL CHECK (json_valid(schedule)),
    expired_date_time    TEXT,
    is_extended          INTEGER NOT NULL CHECK (is_extended IN (0, 1)),
    -- When the emulator clock ends it (NULL: never).
    ends_at              TEXT,
    created_date_time    TEXT NOT NULL
) STRICT;
CREATE INDEX assignments_created ON assignments (created_date_time, id);
CREATE INDEX assignments_package ON assignments (access_package_id, state);
CREATE INDEX assignments_policy ON assignments (assignment_policy_id);
CREATE INDEX assignments_target ON assignments (target_id, state);
CREATE INDEX assignments_ends ON assignments (ends_at) WHERE ends_at IS NOT NULL;

CREATE TABLE assignment_requests (
    id                   TEXT PRIMARY KEY NOT NULL,
    request_type         TEXT NOT NULL,
    state                TEXT NOT NULL,
    status               TEXT NOT NULL,
    access_package_id    TEXT NOT NULL REFERENCES access_packages (id),
    assignment_policy_id TEXT NOT NULL REFERENCES assignment_policies (id),
    catalog_id           TEXT NOT NULL REFERENCES catalogs (id),
    target_id            TEXT NOT NULL REFERENCES subjects (id),
    requestor_id         TEXT REFERENCES subjects (id),
    assignment_id        TEXT REFERENCES assignments (id),
    justification        TEXT,
    schedule             TEXT NOT NULL CHECK (json_valid(schedule)),
    answers              TEXT NOT NULL CHECK (json_valid(answers)),
    is_validation_only   INTEGER NOT NULL CHECK (is_validation_only IN (0, 1)),
    expiration_date_time TEXT,
    created_by           TEXT,
    -- Always set; null only in the 201, which answers before the service dates it.
    created_date_time    TEXT,
    completed_date_time  TEXT,
    -- The lifecycle's bookkeeping: when the state was entered, when the request moves on
    -- by itself (emulator clock; NULL while it waits for someone), and whether its
    -- delivery is to fail (x-emulator-delivery: fail).
    state_changed_at     TEXT NOT NULL,
    next_step_at         TEXT,
    fail_delivery        INTEGER NOT NULL CHECK (fail_delivery IN (0, 1)),
    approval_stage       INTEGER NOT NULL
) STRICT;
-- One open request per target and access package (400 ExistingOpenRequest).
CREATE UNIQUE INDEX assignment_requests_open ON assignment_requests (access_package_id, target_id)
    WHERE state IN ('submitted', 'pendingApproval', 'scheduled', 'delivering');
CREATE INDEX assignment_requests_created ON assignment_requests (created_date_time, id);
CREATE INDEX assignment_requests_package ON assignment_requests (access_package_id);
CREATE INDEX assignment_requests_policy ON assignment_requests (assignment_policy_id);
CREATE INDEX assignment_requests_assignment ON assignment_requests (assignment_id);
CREATE INDEX assignment_requests_target ON assignment_requests (target_id);
CREATE INDEX assignment_requests_due ON assignment_requests (next_step_at) WHERE next_step_at IS NOT NULL;

-- A request that needs approval has one; its id is the request's (elm-surface §2.4).
CREATE TABLE approvals (
    id                TEXT PRIMARY KEY NOT NULL REFERENCES assignment_requests (id),
    created_date_time TEXT NOT NULL
) STRICT;

CREATE TABLE approval_stages (
    id                 TEXT PRIMARY KEY NOT NULL,
    approval_id        TEXT NOT NULL REFERENCES approvals (id),
    position           INTEGER NOT NULL,
    display_name       TEXT,
    review_result      TEXT NOT NULL,
    status             TEXT NOT NULL,
    assigned_to_me     INTEGER NOT NULL CHECK (assigned_to_me IN (0, 1)),
    justification      TEXT,
    reviewed_by        TEXT CHECK (json_valid(reviewed_by)),
    reviewed_date_time TEXT,
    -- The policy stage it follows (approvers, time-outs), as v1.0 writes it.
    settings           TEXT NOT NULL CHECK (json_valid(settings))
) STRICT;
CREATE INDEX approval_stages_approval ON approval_stages (approval_id, position, id);

-- The emulator clock's distance from real time; one row.
CREATE TABLE emulator_clock (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    offset_ms INTEGER NOT NULL
) STRICT;
INSERT INTO emulator_clock (id, offset_ms) VALUES (1, 0);

-- Which group lists each access package puts its assignees in: the groups of its role
-- scopes, as members or owners by the role.
CREATE VIEW access_package_group_grants AS
SELECT DISTINCT rs.access_package_id AS access_package_id,
       resource.origin_id AS group_id,
       CASE WHEN role.origin_id LIKE 'Owner!_%' ESCAPE '!' THEN 'owners' ELSE 'members' END AS relation
FROM role_scopes AS rs
JOIN access_package_resource_roles AS role ON role.id = rs.role_id
JOIN access_package_resources AS resource ON resource.id = role.resource_id
WHERE resource.origin_system = 'AadGroup';

-- A delivered assignment puts its target in every group its package grants, unless it is
-- there already (a membership made by hand stays the directory's own).
CREATE TRIGGER assignments_grant AFTER UPDATE OF state ON assignments
WHEN new.state = 'delivered' AND old.state <> 'delivered'
BEGIN
    INSERT INTO group_members (group_id, relation, member_id, member_type, managed, added)
    SELECT g.group_id, g.relation, s.object_id,
           CASE s.subject_type WHEN 'servicePrincipal' THEN 'service_principals' ELSE 'users' END,
           1, (SELECT ifnull(max(added), 0) + 1 FROM group_members)
    FROM access_package_group_grants AS g, subjects AS s
    WHERE g.access_package_id = new.access_package_id AND s.id = new.target_id
      AND EXISTS (SELECT 1 FROM groups WHERE id = g.group_id)
      AND NOT EXISTS (SELECT 1 FROM group_members AS m
                      WHERE m.group_id = g.group_id AND m.relation = g.relation AND m.member_id = s.object_id);
END;

-- An assignment that stops being delivered takes away what it granted, unless another
-- delivered assignment of the same target still grants it.
CREATE TRIGGER assignments_revoke AFTER UPDATE OF state ON assignments
WHEN old.state = 'delivered' AND new.state <> 'delivered'
BEGIN
    DELETE FROM group_members
    WHERE managed = 1
      AND member_id = (SELECT object_id FROM subjects WHERE id = old.target_id)
      AND (group_id, relation) IN (SELECT group_id, relation FROM access_package_group_grants
                                   WHERE access_package_id = old.access_package_id)
      AND NOT EXISTS (SELECT 1 FROM assignments AS a
                      JOIN access_package_group_grants AS g ON g.access_package_id = a.access_package_id
                      WHERE a.target_id = old.target_id AND a.state = 'delivered' AND a.id <> old.id
                        AND g.group_id = group_members.group_id AND g.relation = group_members.relation);
END;

-- A role added to a package reaches those who hold the package already; a role taken
-- away leaves them, as the real service provisions and deprovisions.
CREATE TRIGGER role_scopes_grant AFTER INSERT ON role_scopes
BEGIN
    INSERT INTO group_members (group_id, relation, member_id, member_type, managed, added)
    SELECT DISTINCT resource.origin_id,
           CASE WHEN role.origin_id LIKE 'Owner!_%' ESCAPE '!' THEN 'owners' ELSE 'members' END,
           s.object_id,
           CASE s.subject_type WHEN 'servicePrincipal' THEN 'service_principals' ELSE 'users' END,
           1, (SELECT ifnull(max(added), 0) + 1 FROM group_members)
    FROM access_package_resource_roles AS role
    JOIN access_package_resources AS resource ON resource.id = role.resource_id
    JOIN assignments AS a ON a.access_package_id = new.access_package_id AND a.state = 'delivered'
    JOIN subjects AS s ON s.id = a.target_id
    WHERE role.id = new.role_id AND resource.origin_system = 'AadGroup'
      AND EXISTS (SELECT 1 FROM groups WHERE id = resource.origin_id)
      AND NOT EXISTS (SELECT 1 FROM group_members AS m
                      WHERE m.group_id = resource.origin_id
                        AND m.relation = CASE WHEN role.origin_id LIKE 'Owner!_%' ESCAPE '!' THEN 'owners' ELSE 'members' END
                        AND m.member_id = s.object_id);
END;

CREATE TRIGGER role_scopes_revoke AFTER DELETE ON role_scopes
BEGIN
    DELETE FROM group_members
    WHERE managed = 1
      AND member_id IN (SELECT s.object_id FROM assignments AS a JOIN subjects AS s ON s.id = a.target_id
                        WHERE a.access_package_id = old.access_package_id AND a.state = 'delivered')
      AND (group_id, relation) IN (
          SELECT resource.origin_id,
                 CASE WHEN role.origin_id LIKE 'Owner!_%' ESCAPE '!' THEN 'owners' ELSE 'members' END
          FROM access_package_resource_roles AS role
          JOIN access_package_resources AS resource ON resource.id = role.resource_id
          WHERE role.id = old.role_id AND resource.origin_system = 'AadGroup')
      AND NOT EXISTS (SELECT 1 FROM assignments AS a
                      JOIN subjects AS s ON s.id = a.target_id
                      JOIN access_package_group_grants AS g ON g.access_package_id = a.access_package_id
                      WHERE a.state = 'delivered' AND s.object_id = group_members.member_id
                        AND g.group_id = group_members.group_id AND g.relation = group_members.relation);
END;
