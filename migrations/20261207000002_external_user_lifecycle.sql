-- Entitlement Management's settings, one row per tenant (the singleton `/settings`): what
-- becomes of an external user whose last assignment ends (model::settings).
CREATE TABLE settings (
    id                             TEXT PRIMARY KEY NOT NULL CHECK (id = 'singleton'),
    external_user_lifecycle_action TEXT NOT NULL CHECK (external_user_lifecycle_action
        IN ('none', 'blockSignIn', 'blockSignInAndDelete', 'unknownFutureValue')),
    duration_until_deleted         TEXT NOT NULL
) STRICT;

-- A new tenant's, as the portal shows them: block sign-in, delete 30 days later.
INSERT INTO settings (id, external_user_lifecycle_action, duration_until_deleted)
VALUES ('singleton', 'blockSignInAndDelete', 'P30D');

-- What the rule did to a subject's guest: when it deletes it (beta's
-- cleanupScheduledDateTime; the lifecycle deletes those due), and whether it blocked its
-- sign-in, which a new assignment undoes.
ALTER TABLE subjects ADD COLUMN cleanup_scheduled_date_time TEXT;
ALTER TABLE subjects ADD COLUMN sign_in_blocked INTEGER NOT NULL DEFAULT 0
    CHECK (sign_in_blocked IN (0, 1));
CREATE INDEX subjects_cleanup ON subjects (cleanup_scheduled_date_time)
    WHERE cleanup_scheduled_date_time IS NOT NULL;
