-- A role may be assigned over the whole of Entitlement Management (appScopeId "/", the
-- root scope, where Catalog creator is assigned), not only over one catalog: such an
-- assignment names no catalog. SQLite changes a column's nullability by rebuilding.
CREATE TABLE role_assignments_rebuilt (
    id                 TEXT PRIMARY KEY NOT NULL,
    principal_id       TEXT NOT NULL,
    role_definition_id TEXT NOT NULL REFERENCES role_definitions (id),
    app_scope_id       TEXT NOT NULL,
    directory_scope_id TEXT NOT NULL,
    catalog_id         TEXT REFERENCES catalogs (id)
) STRICT;

INSERT INTO role_assignments_rebuilt
    SELECT id, principal_id, role_definition_id, app_scope_id, directory_scope_id, catalog_id
    FROM role_assignments;

DROP TABLE role_assignments;

ALTER TABLE role_assignments_rebuilt RENAME TO role_assignments;

CREATE INDEX role_assignments_principal ON role_assignments (principal_id);
