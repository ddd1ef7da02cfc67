-- Custom workflow extensions (model::custom_extension): the endpoints a catalog calls out
-- to at a stage of a request or an assignment, contained in their catalog. Which derived
-- type each is, is stored; its configurations are typed JSON.
CREATE TABLE custom_extensions (
    odata_type                   TEXT NOT NULL CHECK (odata_type IN (
        'accessPackageAssignmentRequestWorkflowExtension',
        'accessPackageAssignmentWorkflowExtension',
        'customAccessPackageWorkflowExtension')),
    id                           TEXT PRIMARY KEY NOT NULL,
    catalog_id                   TEXT NOT NULL REFERENCES catalogs (id),
    display_name                 TEXT NOT NULL,
    description                  TEXT,
    created_by                   TEXT,
    created_date_time            TEXT NOT NULL,
    last_modified_by             TEXT,
    last_modified_date_time      TEXT NOT NULL,
    client_configuration         TEXT
        CHECK (client_configuration IS NULL OR json_valid(client_configuration)),
    endpoint_configuration       TEXT NOT NULL CHECK (json_valid(endpoint_configuration)),
    authentication_configuration TEXT NOT NULL CHECK (json_valid(authentication_configuration)),
    callback_configuration       TEXT
        CHECK (callback_configuration IS NULL OR json_valid(callback_configuration))
) STRICT;

-- A catalog's extensions, listed in creation order.
CREATE INDEX custom_extensions_catalog ON custom_extensions (catalog_id, created_date_time, id);
CREATE INDEX custom_extensions_created ON custom_extensions (created_date_time, id);

-- A policy calls an extension at a stage (customExtensionStageSettings, beta also
-- customExtensionHandlers); written with the policy, gone with it. An extension in use
-- cannot be deleted.
CREATE TABLE custom_extension_stage_settings (
    id                   TEXT PRIMARY KEY NOT NULL,
    assignment_policy_id TEXT NOT NULL REFERENCES assignment_policies (id),
    stage                TEXT NOT NULL CHECK (stage IN ('assignmentRequestCreated',
        'assignmentRequestApproved', 'assignmentRequestGranted', 'assignmentRequestRemoved',
        'assignmentFourteenDaysBeforeExpiration', 'assignmentOneDayBeforeExpiration',
        'unknownFutureValue')),
    custom_extension_id  TEXT NOT NULL REFERENCES custom_extensions (id),
    created_date_time    TEXT NOT NULL
) STRICT;

CREATE INDEX custom_extension_stage_settings_policy
    ON custom_extension_stage_settings (assignment_policy_id, created_date_time, id);
CREATE INDEX custom_extension_stage_settings_extension
    ON custom_extension_stage_settings (custom_extension_id);

-- What a request's callouts did (customExtensionCalloutInstances, model::callout).
ALTER TABLE assignment_requests ADD COLUMN custom_extension_callout_instances TEXT NOT NULL
    DEFAULT '[]' CHECK (json_valid(custom_extension_callout_instances));

-- Callouts to send (repository::callouts): queued by the move that reaches a stage,
-- claimed (sent = 1) by the one sender that then posts them. Not an entity set.
CREATE TABLE callouts (
    id         TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL,
    url        TEXT,
    payload    TEXT NOT NULL CHECK (json_valid(payload)),
    timeout_ms INTEGER NOT NULL,
    retries    INTEGER NOT NULL,
    sent       INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1))
) STRICT;

CREATE INDEX callouts_unsent ON callouts (sent) WHERE sent = 0;

CREATE TRIGGER assignment_requests_forget_callouts AFTER DELETE ON assignment_requests
BEGIN DELETE FROM callouts WHERE request_id = old.id; END;
