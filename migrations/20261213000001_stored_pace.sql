-- The pace set at run time (`PUT /_emulator/lifecycle`) is kept beside the clock, as JSON
-- in the shape that endpoint takes; NULL is the configured pace. It was held in memory:
-- lost at a restart, though the due times stored had been computed with it, and unknown
-- to a second process serving the same database.
ALTER TABLE emulator_clock ADD COLUMN pace TEXT CHECK (pace IS NULL OR json_valid(pace));
