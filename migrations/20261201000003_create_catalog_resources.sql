-- What catalogs hold (resources onboarded by resource requests, their roles and scopes),
-- the resource roles access packages grant (role scopes), and Entitlement Management's
-- own role definitions and assignments.

CREATE TABLE access_package_resources (
    id                    TEXT PRIMARY KEY NOT NULL,
    catalog_id            TEXT NOT NULL REFERENCES catalogs (id),
    origin_id             TEXT NOT NULL,
    origin_system         TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    description           TEXT,
    resource_type         TEXT,
    url                   TEXT,
    is_pending_onboarding INTEGER NOT NULL CHECK (is_pending_onboarding IN (0, 1)),
    added_by              TEXT,
    added_on              TEXT NOT NULL,
    attributes            TEXT NOT NULL CHECK (json_valid(attributes)),
    created_date_time     TEXT NOT NULL,
    modified_date_time    TEXT NOT NULL
) STRICT;

-- A resource is onboarded into a catalog once (400 ResourceAlreadyOnboarded).
CREATE UNIQUE INDEX access_package_resources_origin ON access_package_resources (catalog_id, origin_id);
CREATE INDEX access_package_resources_created ON access_package_resources (created_date_time, id);
CREATE INDEX access_package_resources_catalog ON access_package_resources (catalog_id, created_date_time, id);

CREATE TABLE access_package_resource_roles (
    id            TEXT PRIMARY KEY NOT NULL,
    catalog_id    TEXT NOT NULL REFERENCES catalogs (id),
    resource_id   TEXT NOT NULL REFERENCES access_package_resources (id),
    origin_id     TEXT NOT NULL,
    origin_system TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    description   TEXT
) STRICT;

CREATE INDEX access_package_resource_roles_resource ON access_package_resource_roles (resource_id, origin_id, id);
CREATE INDEX access_package_resource_roles_catalog ON access_package_resource_roles (catalog_id, origin_id, id);

CREATE TABLE access_package_resource_scopes (
    id            TEXT PRIMARY KEY NOT NULL,
    catalog_id    TEXT NOT NULL REFERENCES catalogs (id),
    resource_id   TEXT NOT NULL REFERENCES access_package_resources (id),
    origin_id     TEXT NOT NULL,
    origin_system TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    description   TEXT,
    is_root_scope INTEGER NOT NULL CHECK (is_root_scope IN (0, 1)),
    url           TEXT
) STRICT;

CREATE INDEX access_package_resource_scopes_resource ON access_package_resource_scopes (resource_id, origin_id, id);
CREATE INDEX access_package_resource_scopes_catalog ON access_package_resource_scopes (catalog_id, origin_id, id);

CREATE TABLE resource_requests (
    id                   TEXT PRIMARY KEY NOT NULL,
    catalog_id           TEXT NOT NULL REFERENCES catalogs (id),
    resource_id          TEXT,
    request_type         TEXT NOT NULL,
    state                TEXT NOT NULL,
    status               TEXT NOT NULL,
    justification        TEXT,
    execute_immediately  INTEGER NOT NULL CHECK (execute_immediately IN (0, 1)),
    is_validation_only   INTEGER NOT NULL CHECK (is_validation_only IN (0, 1)),
    expiration_date_time TEXT,
    created_date_time    TEXT NOT NULL
) STRICT;

CREATE INDEX resource_requests_created ON resource_requests (created_date_time, id);

CREATE TABLE role_scopes (
    id                 TEXT PRIMARY KEY NOT NULL,
    access_package_id  TEXT NOT NULL REFERENCES access_packages (id),
    role_id            TEXT NOT NULL REFERENCES access_package_resource_roles (id),
    scope_id           TEXT NOT NULL REFERENCES access_package_resource_scopes (id),
    created_by         TEXT,
    created_date_time  TEXT NOT NULL,
    modified_by        TEXT,
    modified_date_time TEXT NOT NULL
) STRICT;

CREATE INDEX role_scopes_package ON role_scopes (access_package_id, created_date_time, id);
CREATE INDEX role_scopes_role ON role_scopes (role_id);
CREATE INDEX role_scopes_created ON role_scopes (created_date_time, id);

CREATE TABLE role_definitions (
    id           TEXT PRIMARY KEY NOT NULL,
    display_name TEXT NOT NULL,
    description  TEXT,
    template_id  TEXT NOT NULL,
    is_built_in  INTEGER NOT NULL CHECK (is_built_in IN (0, 1)),
    is_enabled   INTEGER NOT NULL CHECK (is_enabled IN (0, 1))
) STRICT;

CREATE INDEX role_definitions_display_name ON role_definitions (display_name COLLATE NOCASE, id);

-- The five built-in roles, with the ids clients look them up by (model/role_management).
INSERT INTO role_definitions (id, display_name, description, template_id, is_built_in, is_enabled) VALUES
    ('ba92d953-d8e0-4e39-a797-0cbedb0a89e8', 'Catalog creator', 'Create and manage catalogs.', 'ba92d953-d8e0-4e39-a797-0cbedb0a89e8', 1, 1),
    ('ae79f266-94d4-4dab-b730-feca7e132178', 'Catalog owner', 'Manage a catalog: its access packages, resources and roles.', 'ae79f266-94d4-4dab-b730-feca7e132178', 1, 1),
    ('44272f93-9762-48e8-af59-1b5351b1d6b3', 'Catalog reader', 'Read a catalog and everything in it.', '44272f93-9762-48e8-af59-1b5351b1d6b3', 1, 1),
    ('7f480852-ebdc-47d4-87de-0d8498384a83', 'Access package manager', 'Manage the access packages of a catalog.', '7f480852-ebdc-47d4-87de-0d8498384a83', 1, 1),
    ('e2182095-804a-4656-ae11-64734e9b7ae5', 'Access package assignment manager', 'Manage the assignments of a catalog''s access packages.', 'e2182095-804a-4656-ae11-64734e9b7ae5', 1, 1);

CREATE TABLE role_assignments (
    id                 TEXT PRIMARY KEY NOT NULL,
    principal_id       TEXT NOT NULL,
    role_definition_id TEXT NOT NULL REFERENCES role_definitions (id),
    app_scope_id       TEXT NOT NULL,
    directory_scope_id TEXT NOT NULL,
    catalog_id         TEXT NOT NULL REFERENCES catalogs (id)
) STRICT;

CREATE INDEX role_assignments_principal ON role_assignments (principal_id);
