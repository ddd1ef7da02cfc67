-- The texts of a JSON array, as an array: what `column = ANY (…)` compares with when the
-- repository binds a list (src/repository/sql/dialect.rs, among_json_texts). Immutable, so
-- the planner, given the bound list as a constant, computes the array while planning and
-- estimates the comparison from the column's statistics; a `json_array_elements_text`
-- subquery counts as 100 rows whatever it holds.
CREATE FUNCTION stored.json_texts(list json) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(array_agg(value), '{}') FROM json_array_elements_text(list) AS value $$;
