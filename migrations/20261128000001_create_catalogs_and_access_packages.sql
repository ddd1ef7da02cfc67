-- Catalogs and the access packages they hold.
--
-- Ids are GUIDs as Graph writes them (lower case, hyphenated). Timestamps are Graph's
-- DateTimeOffset text, UTC with seven fractional digits, which also sorts correctly as text.
-- STRICT makes SQLite refuse values of the wrong type instead of storing them.

CREATE TABLE catalogs (
    id                    TEXT PRIMARY KEY NOT NULL,
    display_name          TEXT NOT NULL,
    description           TEXT,
    -- v1.0's enum spellings; beta's PascalCase forms are derived when a row is written out.
    catalog_type          TEXT NOT NULL
        CHECK (catalog_type IN ('userManaged', 'serviceDefault', 'serviceManaged')),
    state                 TEXT NOT NULL CHECK (state IN ('published', 'unpublished')),
    is_externally_visible INTEGER NOT NULL CHECK (is_externally_visible IN (0, 1)),
    created_by            TEXT,
    created_date_time     TEXT NOT NULL,
    modified_by           TEXT,
    modified_date_time    TEXT NOT NULL
) STRICT;

CREATE TABLE access_packages (
    id                     TEXT PRIMARY KEY NOT NULL,
    catalog_id             TEXT NOT NULL REFERENCES catalogs (id),
    display_name           TEXT NOT NULL,
    description            TEXT,
    is_hidden              INTEGER NOT NULL CHECK (is_hidden IN (0, 1)),
    is_role_scopes_visible INTEGER NOT NULL CHECK (is_role_scopes_visible IN (0, 1)),
    created_by             TEXT,
    created_date_time      TEXT NOT NULL,
    modified_by            TEXT,
    modified_date_time     TEXT NOT NULL
) STRICT;

-- Graph refuses a second access package of the same name in a catalog, ignoring case
-- (409 DuplicateAccessPackage). NOCASE folds ASCII letters only; see README.
-- The index also serves lookups of a catalog's packages, as its first column is catalog_id.
CREATE UNIQUE INDEX access_packages_catalog_display_name
    ON access_packages (catalog_id, display_name COLLATE NOCASE);

-- Every tenant has the built-in "General" catalog. Its id is the catalogId of the example
-- on Microsoft's "Create accessPackage" page, so that request works verbatim here.
INSERT INTO catalogs (
    id, display_name, description, catalog_type, state, is_externally_visible,
    created_by, created_date_time, modified_by, modified_date_time
) VALUES (
    'aa2f6514-3232-46e7-a08a-2411ad8d7128', 'General', 'Built-in catalog.',
    'serviceDefault', 'published', 1,
    NULL, '2019-01-01T00:00:00.0000000Z', NULL, '2019-01-01T00:00:00.0000000Z'
);
