-- Every lookup a write makes is served by an index, so its cost does not grow with the
-- table (issue: 100,000 entities). The next membership number reads max(added): without
-- an index, a scan of every membership (7 ms at 27,600 rows). A request's requestor is
-- filtered on (`requestor/objectId eq`). The rest are foreign keys: deleting the row they
-- point at makes SQLite look for rows that still name it, a scan without an index.
CREATE INDEX group_members_added ON group_members (added);
CREATE INDEX assignment_requests_requestor ON assignment_requests (requestor_id);
CREATE INDEX assignment_requests_catalog ON assignment_requests (catalog_id);
CREATE INDEX assignments_catalog ON assignments (catalog_id);
CREATE INDEX assignment_policies_catalog ON assignment_policies (catalog_id);
CREATE INDEX resource_requests_catalog ON resource_requests (catalog_id);
CREATE INDEX role_scopes_scope ON role_scopes (scope_id);
CREATE INDEX role_assignments_catalog ON role_assignments (catalog_id);
CREATE INDEX role_assignments_definition ON role_assignments (role_definition_id);
