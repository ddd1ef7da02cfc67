//! What SQLite and PostgreSQL spell differently, in one place. Everything else in the
//! repository's statements is one text for both: PostgreSQL's tenant views carry SQLite's
//! table and column names (migrations/postgres), binds are `$n`, flags are 0/1 integers.

use sqlx::AnyConnection;

/// `A…Z` → `a…z` and nothing else, as SQLite's NOCASE folds (PostgreSQL's `lower` folds
/// by locale, non-ASCII letters too).
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const FOLD_TO_LOWER: &str = ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
const FOLD_TO_UPPER: &str = ", 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The dialect of the database `connection` is open on.
    pub fn of(connection: &AnyConnection) -> Self {
        match connection.backend_name() {
            "PostgreSQL" => Self::Postgres,
            _ => Self::Sqlite,
        }
    }

    /// Other processes (replicas) may write the same database: what one process knows of
    /// it in memory may be stale, and a statement that is its own transaction takes no turn.
    pub fn replicated(self) -> bool {
        self == Self::Postgres
    }

    /// Begins a write transaction, in statements sent in turn. Both take the tenant's write
    /// lock at once, so that what a transaction reads is still so when it writes, whichever
    /// process (replica) writes beside it: SQLite's file lock; on PostgreSQL the tenant's
    /// transaction-scoped advisory lock, the one the membership triggers take. Under READ
    /// COMMITTED each later statement then sees what the previous holder committed: a
    /// uniqueness or restrict check cannot race another replica's write, and a due move is
    /// carried out once, by whichever replica settles first.
    pub fn begin(self) -> &'static [&'static str] {
        match self {
            Self::Sqlite => &["BEGIN IMMEDIATE"],
            Self::Postgres => &[
                "BEGIN",
                "SELECT pg_advisory_xact_lock(hashtext(current_setting('emulator.tenant')))",
            ],
        }
    }

    /// A `FROM` item: the elements of the JSON array bound at `bind`, each as `r.value`.
    pub fn json_rows(self, bind: &str) -> String {
        match self {
            Self::Sqlite => format!("json_each({bind}) AS r"),
            Self::Postgres => format!("json_array_elements({bind}::json) AS r(value)"),
        }
    }

    /// A `FROM` item: the JSON object bound at `bind` as the one row `r.value`.
    pub fn json_row(self, bind: &str) -> String {
        match self {
            Self::Sqlite => format!("(SELECT {bind} AS value) AS r"),
            Self::Postgres => format!("(SELECT {bind}::json AS value) AS r"),
        }
    }

    /// The member `key` of the JSON object `object`, as text, or as an integer for an
    /// integer column (PostgreSQL does not cast text to a number on assignment).
    pub fn json_field(self, object: &str, key: &str, integer: bool) -> String {
        match (self, integer) {
            (Self::Postgres, true) => format!("({object} ->> '{key}')::bigint"),
            _ => format!("{object} ->> '{key}'"),
        }
    }

    /// `expression` compared and sorted with ASCII letters folded, as SQLite's NOCASE.
    pub fn folded(self, expression: &str) -> String {
        match self {
            Self::Sqlite => format!("{expression} COLLATE NOCASE"),
            Self::Postgres => format!("translate({expression}, '{UPPER}', '{LOWER}')"),
        }
    }

    /// `expression`, or `otherwise` when it is NULL. SQLite's expression indexes are
    /// written with `ifnull`, and it matches an index only to the same spelling.
    pub fn if_null(self, expression: &str, otherwise: &str) -> String {
        match self {
            Self::Sqlite => format!("ifnull({expression}, {otherwise})"),
            Self::Postgres => format!("coalesce({expression}, {otherwise})"),
        }
    }

    /// What goes before and after an operand compared with ASCII letters folded. SQLite
    /// folds by the collation the left operand names; PostgreSQL folds both sides.
    pub fn fold_around(self, left: bool) -> (&'static str, &'static str) {
        match (self, left) {
            (Self::Sqlite, true) => ("", " COLLATE NOCASE"),
            (Self::Sqlite, false) => ("", ""),
            (Self::Postgres, _) => ("translate(", FOLD_TO_LOWER),
        }
    }

    /// `tolower(…)`/`toupper(…)`: what goes before and after the operand. SQLite's `lower`
    /// and `upper` change ASCII letters only; PostgreSQL's would change every letter.
    pub fn case_around(self, lower: bool) -> (&'static str, &'static str) {
        match (self, lower) {
            (Self::Sqlite, true) => ("lower(", ")"),
            (Self::Sqlite, false) => ("upper(", ")"),
            (Self::Postgres, true) => ("translate(", FOLD_TO_LOWER),
            (Self::Postgres, false) => ("translate(", FOLD_TO_UPPER),
        }
    }

    /// Equality, or its negation, that holds between NULLs (OData's two-valued `eq`).
    pub fn is(self, negated: bool) -> &'static str {
        match (self, negated) {
            (Self::Sqlite, false) => " IS ",
            (Self::Sqlite, true) => " IS NOT ",
            (Self::Postgres, false) => " IS NOT DISTINCT FROM ",
            (Self::Postgres, true) => " IS DISTINCT FROM ",
        }
    }

    /// Opens a condition that few rows pass. SQLite's planner assumes most rows pass a
    /// pattern and walks the sort index reading every row; marked rare, it filters first.
    pub fn rare(self) -> &'static str {
        match self {
            Self::Sqlite => "unlikely(",
            Self::Postgres => "(",
        }
    }

    /// A `FROM` item: the elements of the JSON array `source` as `json_each.value`.
    pub fn elements(self, source: &str) -> String {
        match self {
            Self::Sqlite => format!("json_each({source})"),
            Self::Postgres => format!("json_array_elements({source}::json) AS json_each(value)"),
        }
    }

    /// How many elements the JSON array `source` has.
    pub fn element_count(self, source: &str) -> String {
        match self {
            Self::Sqlite => format!("json_array_length({source})"),
            Self::Postgres => format!("json_array_length({source}::json)"),
        }
    }

    /// The current element of `elements`, as a SQL value.
    pub fn element(self) -> &'static str {
        match self {
            Self::Sqlite => "json_each.value",
            Self::Postgres => "(json_each.value #>> '{}')",
        }
    }

    /// The member bound next of the current element, or NULL when the element is not an
    /// object (a stray string in the list is no match, not a malformed-JSON failure):
    /// what goes before the bind and after it, and the bind's text for `member`.
    pub fn element_member(self, member: &str) -> (&'static str, String, &'static str) {
        match self {
            Self::Sqlite => (
                "(CASE WHEN json_each.type = 'object' THEN json_extract(json_each.value, ",
                format!("$.{member}"),
                ") END)",
            ),
            Self::Postgres => (
                "(CASE WHEN json_typeof(json_each.value) = 'object' THEN json_each.value ->> ",
                member.to_owned(),
                " END)",
            ),
        }
    }

    /// The member `member` of the JSON object in the text `expression`, as text.
    pub fn json_member(self, expression: &str, member: &str) -> String {
        match self {
            Self::Sqlite => format!("json_extract({expression}, '$.{member}')"),
            Self::Postgres => format!("({expression}::json ->> '{member}')"),
        }
    }

    /// A `FROM` item: the elements of the JSON array in the text `source` as `alias.value`.
    pub fn elements_as(self, source: &str, alias: &str) -> String {
        match self {
            Self::Sqlite => format!("json_each({source}) AS {alias}"),
            Self::Postgres => format!("json_array_elements({source}::json) AS {alias}(value)"),
        }
    }

    /// The stored instant `instant` moved `days` days back (an SQL expression giving the
    /// number), its time of day and format kept.
    pub fn days_before(self, instant: &str, days: &str) -> String {
        match self {
            Self::Sqlite => format!(
                "(date(substr({instant}, 1, 10), '-' || ({days}) || ' days') || substr({instant}, 11))"
            ),
            Self::Postgres => format!(
                "(to_char(substr({instant}, 1, 10)::date - ({days}), 'YYYY-MM-DD') || substr({instant}, 11))"
            ),
        }
    }

    /// A join whose order SQLite must keep (its CROSS JOIN is a plain join it does not
    /// reorder); PostgreSQL plans its own.
    pub fn join_in_order(self) -> &'static str {
        match self {
            Self::Sqlite => "CROSS JOIN",
            Self::Postgres => "JOIN",
        }
    }

    /// `left = right` with ASCII letters folded, as SQLite's NOCASE compares.
    pub fn equals_folded(self, left: &str, right: &str) -> String {
        match self {
            Self::Sqlite => format!("{left} = {right} COLLATE NOCASE"),
            Self::Postgres => format!("{} = {}", self.folded(left), self.folded(right)),
        }
    }

    /// `column` is one of the texts of the JSON array bound at `bind`. On PostgreSQL the
    /// array is `stored.json_texts`, immutable, so a custom plan has it as a constant and
    /// estimates `= ANY` from the column's statistics: a subquery of
    /// `json_array_elements_text` counts as 100 rows whatever it holds, which on a column
    /// where one value fills the table (100,000 packages in one catalog) made every
    /// catalog's delete scan the table.
    pub fn among_json_texts(self, column: &str, bind: &str) -> String {
        match self {
            Self::Sqlite => format!("{column} IN (SELECT value FROM json_each({bind}))"),
            Self::Postgres => format!("{column} = ANY (stored.json_texts({bind}::json))"),
        }
    }

    /// The next value of an `added` column (the order of links and memberships): one more
    /// than the table's largest in SQLite, where one writer runs at a time; the sequence
    /// the schema's triggers take theirs from in PostgreSQL, where writers run side by side.
    pub fn next_added(self, table: &str, column: &str) -> String {
        match self {
            Self::Sqlite => format!("(SELECT coalesce(max({column}), 0) + 1 FROM {table})"),
            Self::Postgres => "nextval('stored.added_order')".to_owned(),
        }
    }
}
