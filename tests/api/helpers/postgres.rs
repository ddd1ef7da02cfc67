//! A PostgreSQL database of the test's own on the server `.ci/postgres.sh` starts (its URL
//! in `EMULATOR_TEST_POSTGRES_URL`): for the schema tests, and for any test when
//! `EMULATOR_TEST_BACKEND=postgres` runs the suite on PostgreSQL (`spawn_app`).

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor};

/// A database of its own on the test server, dropped at the end: tests run in parallel.
pub struct PostgresDatabase {
    pub server: PgConnectOptions,
    pub name: String,
    /// The tables themselves (`stored`) first in its search path.
    pub pool: PgPool,
}

/// Dropped when the test ends, passed or failed, so a red run leaves nothing on the server.
impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // Drop cannot await, and the test's runtime may be gone: a thread with its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let mut admin = server.connect().await?;
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("the test database {} was not dropped", self.name);
        }
    }
}

impl PostgresDatabase {
    /// `None` when no server is named (and `EMULATOR_REQUIRE_POSTGRES` is unset).
    pub async fn new() -> Option<Self> {
        let Ok(url) = std::env::var("EMULATOR_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("EMULATOR_REQUIRE_POSTGRES").is_none(),
                "EMULATOR_REQUIRE_POSTGRES is set but EMULATOR_TEST_POSTGRES_URL is not"
            );
            eprintln!("no EMULATOR_TEST_POSTGRES_URL: the PostgreSQL schema is not checked");
            return None;
        };
        let server: PgConnectOptions = url.parse().expect("EMULATOR_TEST_POSTGRES_URL parses");
        let name = format!("emulator_{}", uuid::Uuid::new_v4().simple());
        let mut admin = server.connect().await.expect("the test server answers");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("a database is made");
        let pool = PgPoolOptions::new()
            // A transaction, a concurrent one and the test's own queries.
            .max_connections(4)
            // The tables themselves, before the tenant's views of them.
            .connect_with(
                server
                    .clone()
                    .database(&name)
                    .options([("search_path", "stored,public")]),
            )
            .await
            .expect("the new database opens");
        Some(Self { server, name, pool })
    }

    /// Rows `tenant` holds in `table` (the table itself, behind the tenant's view).
    pub async fn count_rows(&self, table: &str, tenant: &str) -> i64 {
        let counted: Vec<(i64,)> = self.rows(table, "count(*)", tenant).await;
        counted[0].0
    }

    /// `columns` of the rows `tenant` holds in `table`.
    pub async fn rows<T>(&self, table: &str, columns: &str, tenant: &str) -> Vec<T>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        sqlx::query_as(&format!("SELECT {columns} FROM {table} WHERE tenant = $1"))
            .bind(tenant)
            .fetch_all(&self.pool)
            .await
            .expect("the table has them")
    }

    /// Whether `text` is in any row of any table (read as PostgreSQL writes a row as text).
    pub async fn holds_text(&self, text: &str) -> bool {
        let tables: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_schema, table_name FROM information_schema.tables \
             WHERE table_schema IN ('stored', 'shared') AND table_type = 'BASE TABLE'",
        )
        .fetch_all(&self.pool)
        .await
        .expect("the catalog answers");
        assert!(!tables.is_empty(), "the migrations made tables");
        for (schema, table) in tables {
            let sql = format!(
                "SELECT EXISTS (SELECT 1 FROM {schema}.{table} AS r WHERE strpos(r::text, $1) > 0)"
            );
            let found: bool = sqlx::query_scalar(&sql)
                .bind(text)
                .fetch_one(&self.pool)
                .await
                .expect("the table reads");
            if found {
                return true;
            }
        }
        false
    }

    /// The signing key all replicas share, once one has made it.
    pub async fn signing_key(&self) -> Option<String> {
        sqlx::query_scalar("SELECT pem FROM shared.signing_key")
            .fetch_optional(&self.pool)
            .await
            .expect("the key's table reads")
    }

    /// The database's URL, as the emulator is given it.
    pub fn url(&self) -> String {
        let url = std::env::var("EMULATOR_TEST_POSTGRES_URL").expect("checked by `new`");
        match url.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{}", self.name),
            None => url,
        }
    }

    /// A connection with the server's search path, as the emulator's.
    pub async fn connection(&self) -> sqlx::PgConnection {
        self.server
            .clone()
            .database(&self.name)
            .connect()
            .await
            .expect("the database opens")
    }
}
