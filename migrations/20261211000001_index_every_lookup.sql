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
-- The lifecycle's next due time reads the earliest end of an assignment not yet expired
-- after every write: expired ones pile up at the front of the plain `ends_at` index.
CREATE INDEX assignments_ending ON assignments (ends_at)
    WHERE ends_at IS NOT NULL AND state <> 'expired';
-- A page of one package's (or one policy's) assignments or requests comes in creation
-- order: an index in that order serves it without sorting every row of the package
-- (5 of 20,000 took 7.6 ms). Each replaces an index that was its first column alone.
CREATE INDEX assignments_package_created ON assignments (access_package_id, created_date_time, id);
CREATE INDEX assignments_policy_created ON assignments (assignment_policy_id, created_date_time, id);
DROP INDEX assignments_policy;
-- A request's time is null in its 201 only, so listings sort it as ifnull(…, ''): the
-- index holds that expression.
CREATE INDEX assignment_requests_package_created
    ON assignment_requests (access_package_id, ifnull(created_date_time, '') COLLATE NOCASE, id);
DROP INDEX assignment_requests_package;
-- A group's members and a link list page in the order they were added (20 ms for the
-- first page of 20,000 members, sorted whole).
CREATE INDEX group_members_listed ON group_members (group_id, relation, added, member_id);
CREATE INDEX links_listed ON links (source_id, relation, added, target_id);
