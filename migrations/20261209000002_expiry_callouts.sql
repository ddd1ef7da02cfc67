-- The pre-expiration stages call an assignment's extensions: an assignment records its own
-- callouts (v1.0's accessPackageAssignment.customExtensionCalloutInstances), and a queued
-- callout belongs to a request or to an assignment.
ALTER TABLE assignments ADD COLUMN custom_extension_callout_instances TEXT NOT NULL
    DEFAULT '[]' CHECK (json_valid(custom_extension_callout_instances));

ALTER TABLE callouts RENAME COLUMN request_id TO owner_id;
ALTER TABLE callouts ADD COLUMN owner TEXT NOT NULL DEFAULT 'assignment_requests'
    CHECK (owner IN ('assignment_requests', 'assignments'));

-- Each owner forgets its own: an assignment takes its request's id.
DROP TRIGGER assignment_requests_forget_callouts;
CREATE TRIGGER assignment_requests_forget_callouts AFTER DELETE ON assignment_requests
BEGIN DELETE FROM callouts WHERE owner = 'assignment_requests' AND owner_id = old.id; END;
CREATE TRIGGER assignments_forget_callouts AFTER DELETE ON assignments
BEGIN DELETE FROM callouts WHERE owner = 'assignments' AND owner_id = old.id; END;
