-- The schema of every tenant's store in one PostgreSQL database: the SQLite schema of
-- migrations/ as of 20261213000001, each table keyed by `tenant` first (the tenant's GUID),
-- so a new tenant is a few rows rather than a schema of 28 tables, and every unique index,
-- foreign key and listing index holds within a tenant. What SQLite gives by its own rules,
-- written out here:
-- - Text sorts and compares by bytes, as SQLite's BINARY does, whatever the database's
--   locale: every TEXT column is COLLATE "C".
-- - COLLATE NOCASE (ASCII letters only) is translate(…, 'A…Z', 'a…z'), which folds exactly
--   those letters, in the indexes; queries compare the same expression.
-- - json_valid(x) is a cast to json, which refuses what is not JSON; values stay TEXT as
--   the repository binds and reads them.
-- - Booleans stay 0/1 integers, and integers are BIGINT, as the repository reads them.
-- - `added` (the order of memberships and links) comes from one sequence, in the triggers
--   and the repository's inserts alike: concurrent writers cannot both take max(added) + 1.
-- - Triggers are PL/pgSQL functions, each scoped to the row's tenant. Those that keep
--   memberships in step take a lock per tenant first: SQLite runs one writer at a time, and
--   without it a revoke and a grant in two transactions could each miss the other's row.
-- - Invalid JSON fails the cast (22P02), not a CHECK (23514); the repository writes only
--   JSON it made, so neither is expected.
-- - Tenants are kept apart by views. The tables are in the schema `stored`, keyed by
--   `tenant`; for each, a view of the same name in the schema the migrations run in (the
--   first of the search path) shows the columns SQLite's table has, for the rows of the
--   tenant the connection has set (`emulator.tenant`, set by the repository when it takes a
--   connection for a tenant). The views are updatable: an insert through one takes its
--   `tenant` from the setting (the column's default), and no statement can name another
--   tenant, since the views have no such column. The repository's statements
--   are therefore the SQLite statements, whoever the database role is (row security would
--   not bind a superuser). A connection that has set no tenant reads nothing and writes
--   nothing (an unset setting is an error; an emptied one matches no row).
-- - No rows: a tenant's built-in rows (the General catalog, the settings, the role
--   definitions, from the declarations; the clock's row, from the repository) are written
--   when the tenant is made.

CREATE SCHEMA stored;

CREATE SEQUENCE stored.added_order;

CREATE TABLE stored.catalogs (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    catalog_type TEXT COLLATE "C" NOT NULL CHECK (catalog_type IN ('userManaged', 'serviceDefault', 'serviceManaged')),
    state TEXT COLLATE "C" NOT NULL CHECK (state IN ('published', 'unpublished')),
    is_externally_visible BIGINT NOT NULL CHECK (is_externally_visible IN (0, 1)),
    created_by TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C" NOT NULL,
    modified_by TEXT COLLATE "C",
    modified_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.access_packages (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    catalog_id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    is_hidden BIGINT NOT NULL CHECK (is_hidden IN (0, 1)),
    is_role_scopes_visible BIGINT NOT NULL CHECK (is_role_scopes_visible IN (0, 1)),
    created_by TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C" NOT NULL,
    modified_by TEXT COLLATE "C",
    modified_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, catalog_id) REFERENCES stored.catalogs (tenant, id)
);

CREATE TABLE stored.assignment_policies (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    access_package_id TEXT COLLATE "C" NOT NULL,
    catalog_id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    can_extend BIGINT NOT NULL CHECK (can_extend IN (0, 1)),
    expiration_date_time TEXT COLLATE "C",
    expiration_duration TEXT COLLATE "C",
    expiration_type TEXT COLLATE "C" NOT NULL,
    allowed_target_scope TEXT COLLATE "C" NOT NULL,
    specific_allowed_targets TEXT COLLATE "C" NOT NULL CHECK ((specific_allowed_targets)::json IS NOT NULL),
    accept_requests BIGINT NOT NULL CHECK (accept_requests IN (0, 1)),
    requestor_settings TEXT COLLATE "C" NOT NULL CHECK ((requestor_settings)::json IS NOT NULL),
    request_approval_settings TEXT COLLATE "C" NOT NULL CHECK ((request_approval_settings)::json IS NOT NULL),
    review_settings TEXT COLLATE "C" CHECK (review_settings IS NULL OR (review_settings)::json IS NOT NULL),
    automatic_request_settings TEXT COLLATE "C" CHECK (automatic_request_settings IS NULL OR (automatic_request_settings)::json IS NOT NULL),
    notification_settings TEXT COLLATE "C" CHECK (notification_settings IS NULL OR (notification_settings)::json IS NOT NULL),
    questions TEXT COLLATE "C" NOT NULL CHECK ((questions)::json IS NOT NULL),
    created_by TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C" NOT NULL,
    modified_by TEXT COLLATE "C",
    modified_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, access_package_id) REFERENCES stored.access_packages (tenant, id),
    FOREIGN KEY (tenant, catalog_id) REFERENCES stored.catalogs (tenant, id)
);

CREATE TABLE stored.users (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    account_enabled BIGINT NOT NULL CHECK (account_enabled IN (0, 1)),
    display_name TEXT COLLATE "C" NOT NULL,
    mail_nickname TEXT COLLATE "C" NOT NULL,
    user_principal_name TEXT COLLATE "C" NOT NULL,
    mail TEXT COLLATE "C",
    given_name TEXT COLLATE "C",
    surname TEXT COLLATE "C",
    job_title TEXT COLLATE "C",
    department TEXT COLLATE "C",
    user_type TEXT COLLATE "C" NOT NULL,
    created_date_time TEXT COLLATE "C" NOT NULL,
    identities TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK ((identities)::json IS NOT NULL AND json_typeof((identities)::json) = 'array'),
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.groups (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    mail_enabled BIGINT NOT NULL CHECK (mail_enabled IN (0, 1)),
    mail_nickname TEXT COLLATE "C" NOT NULL,
    security_enabled BIGINT NOT NULL CHECK (security_enabled IN (0, 1)),
    group_types TEXT COLLATE "C" NOT NULL CHECK ((group_types)::json IS NOT NULL),
    mail TEXT COLLATE "C",
    visibility TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.service_principals (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    app_id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C",
    account_enabled BIGINT NOT NULL CHECK (account_enabled IN (0, 1)),
    service_principal_type TEXT COLLATE "C" NOT NULL,
    app_roles TEXT COLLATE "C" NOT NULL CHECK ((app_roles)::json IS NOT NULL),
    created_date_time TEXT COLLATE "C" NOT NULL,
    password_credentials TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK ((password_credentials)::json IS NOT NULL AND json_typeof((password_credentials)::json) = 'array'),
    service_principal_names TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK ((service_principal_names)::json IS NOT NULL AND json_typeof((service_principal_names)::json) = 'array'),
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.group_members (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    group_id TEXT COLLATE "C" NOT NULL,
    relation TEXT COLLATE "C" NOT NULL CHECK (relation IN ('members', 'owners')),
    member_id TEXT COLLATE "C" NOT NULL,
    member_type TEXT COLLATE "C" NOT NULL CHECK (member_type IN ('users', 'groups', 'service_principals')),
    managed BIGINT NOT NULL DEFAULT 0 CHECK (managed IN (0, 1)),
    added BIGINT NOT NULL DEFAULT nextval('stored.added_order'),
    FOREIGN KEY (tenant, group_id) REFERENCES stored.groups (tenant, id) ON DELETE CASCADE,
    PRIMARY KEY (tenant, group_id, relation, member_id)
);

CREATE TABLE stored.resource_requests (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    catalog_id TEXT COLLATE "C" NOT NULL,
    resource_id TEXT COLLATE "C",
    request_type TEXT COLLATE "C" NOT NULL,
    state TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    justification TEXT COLLATE "C",
    execute_immediately BIGINT NOT NULL CHECK (execute_immediately IN (0, 1)),
    is_validation_only BIGINT NOT NULL CHECK (is_validation_only IN (0, 1)),
    expiration_date_time TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, catalog_id) REFERENCES stored.catalogs (tenant, id)
);

CREATE TABLE stored.role_definitions (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    template_id TEXT COLLATE "C" NOT NULL,
    is_built_in BIGINT NOT NULL CHECK (is_built_in IN (0, 1)),
    is_enabled BIGINT NOT NULL CHECK (is_enabled IN (0, 1)),
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.subjects (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    object_id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C",
    email TEXT COLLATE "C",
    principal_name TEXT COLLATE "C",
    subject_type TEXT COLLATE "C" NOT NULL,
    subject_lifecycle TEXT COLLATE "C" NOT NULL,
    created_date_time TEXT COLLATE "C" NOT NULL,
    on_premises_security_identifier TEXT COLLATE "C",
    connected_organization_id TEXT COLLATE "C",
    alt_sec_id TEXT COLLATE "C",
    cleanup_scheduled_date_time TEXT COLLATE "C",
    sign_in_blocked BIGINT NOT NULL DEFAULT 0 CHECK (sign_in_blocked IN (0, 1)),
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.assignments (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    access_package_id TEXT COLLATE "C" NOT NULL,
    assignment_policy_id TEXT COLLATE "C" NOT NULL,
    catalog_id TEXT COLLATE "C" NOT NULL,
    target_id TEXT COLLATE "C" NOT NULL,
    state TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    schedule TEXT COLLATE "C" NOT NULL CHECK ((schedule)::json IS NOT NULL),
    expired_date_time TEXT COLLATE "C",
    is_extended BIGINT NOT NULL CHECK (is_extended IN (0, 1)),
    ends_at TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C" NOT NULL,
    custom_extension_callout_instances TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK ((custom_extension_callout_instances)::json IS NOT NULL),
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, access_package_id) REFERENCES stored.access_packages (tenant, id),
    FOREIGN KEY (tenant, assignment_policy_id) REFERENCES stored.assignment_policies (tenant, id),
    FOREIGN KEY (tenant, catalog_id) REFERENCES stored.catalogs (tenant, id),
    FOREIGN KEY (tenant, target_id) REFERENCES stored.subjects (tenant, id)
);

CREATE TABLE stored.assignment_requests (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    request_type TEXT COLLATE "C" NOT NULL,
    state TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    access_package_id TEXT COLLATE "C" NOT NULL,
    assignment_policy_id TEXT COLLATE "C" NOT NULL,
    catalog_id TEXT COLLATE "C" NOT NULL,
    target_id TEXT COLLATE "C" NOT NULL,
    requestor_id TEXT COLLATE "C",
    assignment_id TEXT COLLATE "C",
    justification TEXT COLLATE "C",
    schedule TEXT COLLATE "C" NOT NULL CHECK ((schedule)::json IS NOT NULL),
    answers TEXT COLLATE "C" NOT NULL CHECK ((answers)::json IS NOT NULL),
    is_validation_only BIGINT NOT NULL CHECK (is_validation_only IN (0, 1)),
    expiration_date_time TEXT COLLATE "C",
    created_by TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C",
    completed_date_time TEXT COLLATE "C",
    state_changed_at TEXT COLLATE "C" NOT NULL,
    next_step_at TEXT COLLATE "C",
    fail_delivery BIGINT NOT NULL CHECK (fail_delivery IN (0, 1)),
    approval_stage BIGINT NOT NULL,
    custom_extension_callout_instances TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK ((custom_extension_callout_instances)::json IS NOT NULL),
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, access_package_id) REFERENCES stored.access_packages (tenant, id),
    FOREIGN KEY (tenant, assignment_policy_id) REFERENCES stored.assignment_policies (tenant, id),
    FOREIGN KEY (tenant, catalog_id) REFERENCES stored.catalogs (tenant, id),
    FOREIGN KEY (tenant, target_id) REFERENCES stored.subjects (tenant, id),
    FOREIGN KEY (tenant, requestor_id) REFERENCES stored.subjects (tenant, id),
    FOREIGN KEY (tenant, assignment_id) REFERENCES stored.assignments (tenant, id)
);

CREATE TABLE stored.approvals (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    created_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, id) REFERENCES stored.assignment_requests (tenant, id)
);

CREATE TABLE stored.approval_stages (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    approval_id TEXT COLLATE "C" NOT NULL,
    position BIGINT NOT NULL,
    display_name TEXT COLLATE "C",
    review_result TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    assigned_to_me BIGINT NOT NULL CHECK (assigned_to_me IN (0, 1)),
    justification TEXT COLLATE "C",
    reviewed_by TEXT COLLATE "C" CHECK (reviewed_by IS NULL OR (reviewed_by)::json IS NOT NULL),
    reviewed_date_time TEXT COLLATE "C",
    settings TEXT COLLATE "C" NOT NULL CHECK ((settings)::json IS NOT NULL),
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, approval_id) REFERENCES stored.approvals (tenant, id)
);

CREATE TABLE stored.emulator_clock (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id BIGINT CHECK (id = 1),
    offset_ms BIGINT NOT NULL,
    pace TEXT COLLATE "C" CHECK (pace IS NULL OR (pace)::json IS NOT NULL),
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.links (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    source_id TEXT COLLATE "C" NOT NULL,
    relation TEXT COLLATE "C" NOT NULL,
    target_id TEXT COLLATE "C" NOT NULL,
    target_type TEXT COLLATE "C" NOT NULL,
    added BIGINT NOT NULL DEFAULT nextval('stored.added_order'),
    PRIMARY KEY (tenant, source_id, relation, target_id)
);

CREATE TABLE stored.connected_organizations (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    identity_sources TEXT COLLATE "C" NOT NULL CHECK ((identity_sources)::json IS NOT NULL),
    state TEXT COLLATE "C" NOT NULL CHECK (state IN ('configured', 'proposed', 'unknownFutureValue')),
    created_by TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C" NOT NULL,
    modified_by TEXT COLLATE "C",
    modified_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.settings (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL CHECK (id = 'singleton'),
    external_user_lifecycle_action TEXT COLLATE "C" NOT NULL CHECK (external_user_lifecycle_action IN ('none', 'blockSignIn', 'blockSignInAndDelete', 'unknownFutureValue')),
    duration_until_deleted TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.custom_extensions (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    odata_type TEXT COLLATE "C" NOT NULL CHECK (odata_type IN ( 'accessPackageAssignmentRequestWorkflowExtension', 'accessPackageAssignmentWorkflowExtension', 'customAccessPackageWorkflowExtension')),
    id TEXT COLLATE "C" NOT NULL,
    catalog_id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    created_by TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C" NOT NULL,
    last_modified_by TEXT COLLATE "C",
    last_modified_date_time TEXT COLLATE "C" NOT NULL,
    client_configuration TEXT COLLATE "C" CHECK (client_configuration IS NULL OR (client_configuration)::json IS NOT NULL),
    endpoint_configuration TEXT COLLATE "C" NOT NULL CHECK ((endpoint_configuration)::json IS NOT NULL),
    authentication_configuration TEXT COLLATE "C" NOT NULL CHECK ((authentication_configuration)::json IS NOT NULL),
    callback_configuration TEXT COLLATE "C" CHECK (callback_configuration IS NULL OR (callback_configuration)::json IS NOT NULL),
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, catalog_id) REFERENCES stored.catalogs (tenant, id)
);

CREATE TABLE stored.custom_extension_stage_settings (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    assignment_policy_id TEXT COLLATE "C" NOT NULL,
    stage TEXT COLLATE "C" NOT NULL CHECK (stage IN ('assignmentRequestCreated', 'assignmentRequestApproved', 'assignmentRequestGranted', 'assignmentRequestRemoved', 'assignmentFourteenDaysBeforeExpiration', 'assignmentOneDayBeforeExpiration', 'unknownFutureValue')),
    custom_extension_id TEXT COLLATE "C" NOT NULL,
    created_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, assignment_policy_id) REFERENCES stored.assignment_policies (tenant, id),
    FOREIGN KEY (tenant, custom_extension_id) REFERENCES stored.custom_extensions (tenant, id)
);

CREATE TABLE stored.callouts (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    owner_id TEXT COLLATE "C" NOT NULL,
    url TEXT COLLATE "C",
    payload TEXT COLLATE "C" NOT NULL CHECK ((payload)::json IS NOT NULL),
    timeout_ms BIGINT NOT NULL,
    retries BIGINT NOT NULL,
    sent BIGINT NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
    owner TEXT COLLATE "C" NOT NULL DEFAULT 'assignment_requests' CHECK (owner IN ('assignment_requests', 'assignments')),
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.role_assignments (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    principal_id TEXT COLLATE "C" NOT NULL,
    role_definition_id TEXT COLLATE "C" NOT NULL,
    app_scope_id TEXT COLLATE "C" NOT NULL,
    directory_scope_id TEXT COLLATE "C" NOT NULL,
    catalog_id TEXT COLLATE "C",
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, role_definition_id) REFERENCES stored.role_definitions (tenant, id),
    FOREIGN KEY (tenant, catalog_id) REFERENCES stored.catalogs (tenant, id)
);

CREATE TABLE stored.access_package_resource_environments (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    origin_system TEXT COLLATE "C" NOT NULL,
    origin_id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    is_default_environment BIGINT NOT NULL DEFAULT 0 CHECK (is_default_environment IN (0, 1)),
    connection_info TEXT COLLATE "C" CHECK (connection_info IS NULL OR (connection_info)::json IS NOT NULL),
    created_by TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C" NOT NULL,
    modified_by TEXT COLLATE "C",
    modified_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.applications (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    app_id TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    sign_in_audience TEXT COLLATE "C" NOT NULL,
    identifier_uris TEXT COLLATE "C" NOT NULL CHECK ((identifier_uris)::json IS NOT NULL AND json_typeof((identifier_uris)::json) = 'array'),
    app_roles TEXT COLLATE "C" NOT NULL CHECK ((app_roles)::json IS NOT NULL),
    password_credentials TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK ((password_credentials)::json IS NOT NULL AND json_typeof((password_credentials)::json) = 'array'),
    created_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE stored.access_package_resources (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    catalog_id TEXT COLLATE "C" NOT NULL,
    origin_id TEXT COLLATE "C" NOT NULL,
    origin_system TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    resource_type TEXT COLLATE "C",
    url TEXT COLLATE "C",
    is_pending_onboarding BIGINT NOT NULL CHECK (is_pending_onboarding IN (0, 1)),
    added_by TEXT COLLATE "C",
    added_on TEXT COLLATE "C" NOT NULL,
    attributes TEXT COLLATE "C" NOT NULL CHECK ((attributes)::json IS NOT NULL),
    created_date_time TEXT COLLATE "C" NOT NULL,
    modified_date_time TEXT COLLATE "C" NOT NULL,
    environment_id TEXT COLLATE "C",
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, catalog_id) REFERENCES stored.catalogs (tenant, id),
    FOREIGN KEY (tenant, environment_id) REFERENCES stored.access_package_resource_environments (tenant, id)
);

CREATE TABLE stored.access_package_resource_roles (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    catalog_id TEXT COLLATE "C" NOT NULL,
    resource_id TEXT COLLATE "C" NOT NULL,
    origin_id TEXT COLLATE "C" NOT NULL,
    origin_system TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, catalog_id) REFERENCES stored.catalogs (tenant, id),
    FOREIGN KEY (tenant, resource_id) REFERENCES stored.access_package_resources (tenant, id)
);

CREATE TABLE stored.access_package_resource_scopes (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    catalog_id TEXT COLLATE "C" NOT NULL,
    resource_id TEXT COLLATE "C" NOT NULL,
    origin_id TEXT COLLATE "C" NOT NULL,
    origin_system TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    is_root_scope BIGINT NOT NULL CHECK (is_root_scope IN (0, 1)),
    url TEXT COLLATE "C",
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, catalog_id) REFERENCES stored.catalogs (tenant, id),
    FOREIGN KEY (tenant, resource_id) REFERENCES stored.access_package_resources (tenant, id)
);

CREATE TABLE stored.role_scopes (
    tenant TEXT COLLATE "C" NOT NULL DEFAULT current_setting('emulator.tenant') CHECK (tenant <> ''),
    id TEXT COLLATE "C" NOT NULL,
    access_package_id TEXT COLLATE "C" NOT NULL,
    role_id TEXT COLLATE "C" NOT NULL,
    scope_id TEXT COLLATE "C" NOT NULL,
    created_by TEXT COLLATE "C",
    created_date_time TEXT COLLATE "C" NOT NULL,
    modified_by TEXT COLLATE "C",
    modified_date_time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, access_package_id) REFERENCES stored.access_packages (tenant, id),
    FOREIGN KEY (tenant, role_id) REFERENCES stored.access_package_resource_roles (tenant, id),
    FOREIGN KEY (tenant, scope_id) REFERENCES stored.access_package_resource_scopes (tenant, id)
);

CREATE UNIQUE INDEX access_packages_catalog_display_name ON stored.access_packages (tenant, catalog_id, translate(display_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));

CREATE INDEX access_packages_created ON stored.access_packages (tenant, created_date_time, id);

CREATE INDEX access_packages_display_name ON stored.access_packages (tenant, translate(display_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), id);

CREATE INDEX access_packages_catalog_created ON stored.access_packages (tenant, catalog_id, created_date_time, id);

CREATE INDEX catalogs_created ON stored.catalogs (tenant, created_date_time, id);

CREATE INDEX catalogs_display_name ON stored.catalogs (tenant, translate(display_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), id);

CREATE INDEX assignment_policies_package ON stored.assignment_policies (tenant, access_package_id, created_date_time, id);

CREATE INDEX assignment_policies_created ON stored.assignment_policies (tenant, created_date_time, id);

CREATE INDEX assignment_policies_display_name ON stored.assignment_policies (tenant, translate(display_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), id);

CREATE UNIQUE INDEX users_user_principal_name ON stored.users (tenant, translate(user_principal_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));

CREATE INDEX users_created ON stored.users (tenant, created_date_time, id);

CREATE INDEX users_display_name ON stored.users (tenant, translate(display_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), id);

CREATE INDEX groups_created ON stored.groups (tenant, created_date_time, id);

CREATE INDEX groups_display_name ON stored.groups (tenant, translate(display_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), id);

CREATE UNIQUE INDEX service_principals_app_id ON stored.service_principals (tenant, app_id);

CREATE INDEX service_principals_created ON stored.service_principals (tenant, created_date_time, id);

CREATE INDEX group_members_member ON stored.group_members (tenant, member_id);

CREATE UNIQUE INDEX access_package_resources_origin ON stored.access_package_resources (tenant, catalog_id, origin_id);

CREATE INDEX access_package_resources_created ON stored.access_package_resources (tenant, created_date_time, id);

CREATE INDEX access_package_resources_catalog ON stored.access_package_resources (tenant, catalog_id, created_date_time, id);

CREATE INDEX access_package_resource_roles_resource ON stored.access_package_resource_roles (tenant, resource_id, origin_id, id);

CREATE INDEX access_package_resource_roles_catalog ON stored.access_package_resource_roles (tenant, catalog_id, origin_id, id);

CREATE INDEX access_package_resource_scopes_resource ON stored.access_package_resource_scopes (tenant, resource_id, origin_id, id);

CREATE INDEX access_package_resource_scopes_catalog ON stored.access_package_resource_scopes (tenant, catalog_id, origin_id, id);

CREATE INDEX resource_requests_created ON stored.resource_requests (tenant, created_date_time, id);

CREATE INDEX role_scopes_package ON stored.role_scopes (tenant, access_package_id, created_date_time, id);

CREATE INDEX role_scopes_role ON stored.role_scopes (tenant, role_id);

CREATE INDEX role_scopes_created ON stored.role_scopes (tenant, created_date_time, id);

CREATE INDEX role_definitions_display_name ON stored.role_definitions (tenant, translate(display_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), id);

CREATE UNIQUE INDEX subjects_object_id ON stored.subjects (tenant, object_id);

CREATE INDEX subjects_created ON stored.subjects (tenant, created_date_time, id);

CREATE INDEX assignments_created ON stored.assignments (tenant, created_date_time, id);

CREATE INDEX assignments_package ON stored.assignments (tenant, access_package_id, state);

CREATE INDEX assignments_target ON stored.assignments (tenant, target_id, state);

CREATE INDEX assignments_ends ON stored.assignments (tenant, ends_at) WHERE ends_at IS NOT NULL;

CREATE UNIQUE INDEX assignment_requests_open ON stored.assignment_requests (tenant, access_package_id, target_id) WHERE state IN ('submitted', 'pendingApproval', 'scheduled', 'delivering');

CREATE INDEX assignment_requests_created ON stored.assignment_requests (tenant, created_date_time, id);

CREATE INDEX assignment_requests_policy ON stored.assignment_requests (tenant, assignment_policy_id);

CREATE INDEX assignment_requests_assignment ON stored.assignment_requests (tenant, assignment_id);

CREATE INDEX assignment_requests_target ON stored.assignment_requests (tenant, target_id);

CREATE INDEX assignment_requests_due ON stored.assignment_requests (tenant, next_step_at) WHERE next_step_at IS NOT NULL;

CREATE INDEX approval_stages_approval ON stored.approval_stages (tenant, approval_id, position, id);

CREATE INDEX links_target ON stored.links (tenant, target_id, relation);

CREATE INDEX links_added ON stored.links (tenant, added);

CREATE INDEX connected_organizations_display_name ON stored.connected_organizations (tenant, translate(display_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));

CREATE INDEX subjects_cleanup ON stored.subjects (tenant, cleanup_scheduled_date_time) WHERE cleanup_scheduled_date_time IS NOT NULL;

CREATE INDEX custom_extensions_catalog ON stored.custom_extensions (tenant, catalog_id, created_date_time, id);

CREATE INDEX custom_extensions_created ON stored.custom_extensions (tenant, created_date_time, id);

CREATE INDEX custom_extension_stage_settings_policy ON stored.custom_extension_stage_settings (tenant, assignment_policy_id, created_date_time, id);

CREATE INDEX custom_extension_stage_settings_extension ON stored.custom_extension_stage_settings (tenant, custom_extension_id);

CREATE INDEX callouts_unsent ON stored.callouts (tenant, sent) WHERE sent = 0;

CREATE INDEX role_assignments_principal ON stored.role_assignments (tenant, principal_id);

CREATE UNIQUE INDEX access_package_resource_environments_origin ON stored.access_package_resource_environments (tenant, origin_system, origin_id);

CREATE INDEX access_package_resource_environments_created ON stored.access_package_resource_environments (tenant, created_date_time, id);

CREATE INDEX access_package_resources_environment ON stored.access_package_resources (tenant, environment_id);

CREATE UNIQUE INDEX applications_app_id ON stored.applications (tenant, app_id);

CREATE INDEX applications_created ON stored.applications (tenant, created_date_time, id);

CREATE INDEX applications_display_name ON stored.applications (tenant, translate(display_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), id);

CREATE INDEX group_members_added ON stored.group_members (tenant, added);

CREATE INDEX assignment_requests_requestor ON stored.assignment_requests (tenant, requestor_id);

CREATE INDEX assignment_requests_catalog ON stored.assignment_requests (tenant, catalog_id);

CREATE INDEX assignments_catalog ON stored.assignments (tenant, catalog_id);

CREATE INDEX assignment_policies_catalog ON stored.assignment_policies (tenant, catalog_id);

CREATE INDEX resource_requests_catalog ON stored.resource_requests (tenant, catalog_id);

CREATE INDEX role_scopes_scope ON stored.role_scopes (tenant, scope_id);

CREATE INDEX role_assignments_catalog ON stored.role_assignments (tenant, catalog_id);

CREATE INDEX role_assignments_definition ON stored.role_assignments (tenant, role_definition_id);

CREATE INDEX assignments_ending ON stored.assignments (tenant, ends_at) WHERE ends_at IS NOT NULL AND state <> 'expired';

CREATE INDEX assignments_package_created ON stored.assignments (tenant, access_package_id, created_date_time, id);

CREATE INDEX assignments_policy_created ON stored.assignments (tenant, assignment_policy_id, created_date_time, id);

CREATE INDEX assignment_requests_package_created ON stored.assignment_requests (tenant, access_package_id, translate(coalesce(created_date_time, ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), id);

CREATE INDEX group_members_listed ON stored.group_members (tenant, group_id, relation, added, member_id);

CREATE INDEX links_listed ON stored.links (tenant, source_id, relation, added, target_id);

-- Which groups a package's role scopes grant, and as members or owners (a role whose
-- origin id starts with "Owner_", in any ASCII case, as SQLite's LIKE matches it).
CREATE VIEW stored.access_package_group_grants AS
SELECT DISTINCT rs.tenant AS tenant,
       rs.access_package_id AS access_package_id,
       resource.origin_id AS group_id,
       CASE WHEN translate(role.origin_id, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') LIKE 'owner!_%' ESCAPE '!'
            THEN 'owners' ELSE 'members' END AS relation
FROM stored.role_scopes AS rs
JOIN stored.access_package_resource_roles AS role ON role.tenant = rs.tenant AND role.id = rs.role_id
JOIN stored.access_package_resources AS resource
  ON resource.tenant = role.tenant AND resource.id = role.resource_id
WHERE resource.origin_system = 'AadGroup';

-- Every membership a delivered assignment grants, to a user or service principal that
-- exists, in a group that exists.
CREATE VIEW stored.granted_memberships AS
SELECT a.tenant AS tenant,
       a.id AS assignment_id,
       a.access_package_id AS access_package_id,
       g.group_id AS group_id,
       g.relation AS relation,
       s.object_id AS member_id,
       CASE s.subject_type WHEN 'servicePrincipal' THEN 'service_principals' ELSE 'users' END
           AS member_type
FROM stored.assignments AS a
JOIN stored.subjects AS s ON s.tenant = a.tenant AND s.id = a.target_id
JOIN stored.access_package_group_grants AS g
  ON g.tenant = a.tenant AND g.access_package_id = a.access_package_id
WHERE a.state = 'delivered'
  AND EXISTS (SELECT 1 FROM stored.groups AS x WHERE x.tenant = a.tenant AND x.id = g.group_id)
  AND (EXISTS (SELECT 1 FROM stored.users AS u WHERE u.tenant = a.tenant AND u.id = s.object_id)
       OR EXISTS (SELECT 1 FROM stored.service_principals AS p
                  WHERE p.tenant = a.tenant AND p.id = s.object_id));

-- A deleted directory object leaves every group it was in.
CREATE FUNCTION stored.leave_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stored.group_members WHERE tenant = OLD.tenant AND member_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_leave_groups AFTER DELETE ON stored.users
    FOR EACH ROW EXECUTE FUNCTION stored.leave_groups();
CREATE TRIGGER groups_leave_groups AFTER DELETE ON stored.groups
    FOR EACH ROW EXECUTE FUNCTION stored.leave_groups();
CREATE TRIGGER service_principals_leave_groups AFTER DELETE ON stored.service_principals
    FOR EACH ROW EXECUTE FUNCTION stored.leave_groups();

-- A deleted row's links go with it, at either end.
CREATE FUNCTION stored.unlink() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stored.links
    WHERE tenant = OLD.tenant AND (source_id = OLD.id OR target_id = OLD.id);
    RETURN NULL;
END $$;
CREATE TRIGGER access_packages_unlink AFTER DELETE ON stored.access_packages
    FOR EACH ROW EXECUTE FUNCTION stored.unlink();
CREATE TRIGGER groups_unlink AFTER DELETE ON stored.groups
    FOR EACH ROW EXECUTE FUNCTION stored.unlink();
CREATE TRIGGER connected_organizations_unlink AFTER DELETE ON stored.connected_organizations
    FOR EACH ROW EXECUTE FUNCTION stored.unlink();
CREATE TRIGGER users_unlink AFTER DELETE ON stored.users
    FOR EACH ROW EXECUTE FUNCTION stored.unlink();

-- A deleted request or assignment forgets its callouts (`owner` is the table's name).
CREATE FUNCTION stored.forget_callouts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stored.callouts
    WHERE tenant = OLD.tenant AND owner = TG_TABLE_NAME AND owner_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER assignment_requests_forget_callouts AFTER DELETE ON stored.assignment_requests
    FOR EACH ROW EXECUTE FUNCTION stored.forget_callouts();
CREATE TRIGGER assignments_forget_callouts AFTER DELETE ON stored.assignments
    FOR EACH ROW EXECUTE FUNCTION stored.forget_callouts();

-- Memberships follow delivered assignments and role scopes in the same transaction, one
-- tenant's at a time (the transaction-scoped lock; READ COMMITTED then lets the next
-- statement see what the previous holder committed). One `added` per trigger run, as
-- SQLite's max(added) + 1 gives one per row: PostgreSQL runs row triggers after the
-- statement, so several role scopes inserted by one statement share the first run's value,
-- where SQLite gives one per row.
CREATE FUNCTION stored.grant_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(NEW.tenant));
    INSERT INTO stored.group_members (tenant, group_id, relation, member_id, member_type, managed, added)
    SELECT granted.*, 1, (SELECT nextval('stored.added_order'))
    FROM (SELECT DISTINCT g.tenant, g.group_id, g.relation, g.member_id, g.member_type
          FROM stored.granted_memberships AS g
          WHERE g.tenant = NEW.tenant
            AND CASE TG_TABLE_NAME
                    WHEN 'assignments' THEN g.assignment_id = NEW.id
                    ELSE g.access_package_id = NEW.access_package_id
                END
            AND NOT EXISTS (SELECT 1 FROM stored.group_members AS m
                            WHERE m.tenant = g.tenant AND m.group_id = g.group_id
                              AND m.relation = g.relation AND m.member_id = g.member_id)
         ) AS granted
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER assignments_grant AFTER UPDATE OF state ON stored.assignments
    FOR EACH ROW WHEN (NEW.state = 'delivered' AND OLD.state <> 'delivered')
    EXECUTE FUNCTION stored.grant_memberships();
CREATE TRIGGER role_scopes_grant AFTER INSERT ON stored.role_scopes
    FOR EACH ROW EXECUTE FUNCTION stored.grant_memberships();

-- Managed memberships no delivered assignment grants any more go: the member's, when an
-- assignment ends; the package's holders', when a role scope goes.
CREATE FUNCTION stored.revoke_memberships_of_assignment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(OLD.tenant));
    DELETE FROM stored.group_members AS gm
    WHERE gm.tenant = OLD.tenant
      AND gm.managed = 1
      AND gm.member_id = (SELECT s.object_id FROM stored.subjects AS s
                          WHERE s.tenant = OLD.tenant AND s.id = OLD.target_id)
      AND NOT EXISTS (SELECT 1 FROM stored.granted_memberships AS g
                      WHERE g.tenant = gm.tenant AND g.member_id = gm.member_id
                        AND g.group_id = gm.group_id AND g.relation = gm.relation);
    RETURN NULL;
END $$;
CREATE TRIGGER assignments_revoke AFTER UPDATE OF state ON stored.assignments
    FOR EACH ROW WHEN (OLD.state = 'delivered' AND NEW.state <> 'delivered')
    EXECUTE FUNCTION stored.revoke_memberships_of_assignment();

CREATE FUNCTION stored.revoke_memberships_of_role_scope() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(OLD.tenant));
    DELETE FROM stored.group_members AS gm
    WHERE gm.tenant = OLD.tenant
      AND gm.managed = 1
      AND gm.member_id IN (SELECT s.object_id FROM stored.assignments AS a
                           JOIN stored.subjects AS s ON s.tenant = a.tenant AND s.id = a.target_id
                           WHERE a.tenant = OLD.tenant
                             AND a.access_package_id = OLD.access_package_id
                             AND a.state = 'delivered')
      AND NOT EXISTS (SELECT 1 FROM stored.granted_memberships AS g
                      WHERE g.tenant = gm.tenant AND g.member_id = gm.member_id
                        AND g.group_id = gm.group_id AND g.relation = gm.relation);
    RETURN NULL;
END $$;
CREATE TRIGGER role_scopes_revoke AFTER DELETE ON stored.role_scopes
    FOR EACH ROW EXECUTE FUNCTION stored.revoke_memberships_of_role_scope();

-- The tenant's view of a table (or of one of the views above): its columns but `tenant`,
-- its rows of the connection's tenant. A later migration that changes a table calls it
-- again for that table.
CREATE FUNCTION stored.expose(name TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    relation regclass := format('stored.%I', name)::regclass;
    columns TEXT;
BEGIN
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO columns
    FROM pg_attribute
    WHERE attrelid = relation AND attnum > 0 AND NOT attisdropped AND attname <> 'tenant';
    EXECUTE format(
        'CREATE OR REPLACE VIEW %I AS SELECT %s FROM %s WHERE tenant = current_setting(%L)',
        name, columns, relation, 'emulator.tenant');
END $$;

SELECT stored.expose(c.relname::text)
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = 'stored' AND c.relkind IN ('r', 'v')
ORDER BY c.relkind, c.relname;
