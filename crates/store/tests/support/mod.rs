//! The databases the store tests run on: a fresh SQLite file, or a fresh PostgreSQL
//! database on the server `GOOSEPOD_TEST_POSTGRES_URL` names (scripts/start-postgres.sh
//! starts one and prints its URL). Each test gets its own, so tests run in parallel.
//!
//! Without the variable the PostgreSQL tests are skipped with a note, unless `CI` is set or
//! `GOOSEPOD_REQUIRE_POSTGRES=1`: then they fail, so a missing server is never mistaken for
//! a pass.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use goosepod_store::{PostgresStore, SqliteStore, Store, redact_url};
use sqlx::{Connection, Executor, PgConnection};

/// The variable naming the PostgreSQL server (a role that may create databases).
pub const URL_VARIABLE: &str = "GOOSEPOD_TEST_POSTGRES_URL";

/// One test's empty database.
pub enum TestDb {
    /// An SQLite file in a temporary directory.
    Sqlite(tempfile::TempDir),
    /// A PostgreSQL database, dropped with this value.
    Postgres(PgDatabase),
}

impl TestDb {
    /// A fresh SQLite database.
    pub async fn sqlite() -> TestDb {
        TestDb::Sqlite(tempfile::tempdir().expect("a temporary directory"))
    }

    /// A fresh PostgreSQL database, or `None` (after a note) when no server is configured
    /// and none is required.
    pub async fn postgres() -> Option<TestDb> {
        let server = match std::env::var(URL_VARIABLE) {
            Ok(url) if !url.trim().is_empty() => url,
            _ if postgres_required() => panic!(
                "{URL_VARIABLE} is not set, but CI or GOOSEPOD_REQUIRE_POSTGRES=1 requires the \
                 PostgreSQL tests: run `export {URL_VARIABLE}=$(scripts/start-postgres.sh)`"
            ),
            _ => {
                eprintln!(
                    "note: PostgreSQL test skipped: {URL_VARIABLE} is not set \
                     (`export {URL_VARIABLE}=$(scripts/start-postgres.sh)` runs them)"
                );
                return None;
            }
        };
        Some(TestDb::Postgres(PgDatabase::create(server).await))
    }

    /// A new store on this database, with its own connections: two calls are two
    /// processes sharing one database.
    pub async fn open(&self) -> Arc<dyn Store> {
        match self {
            TestDb::Sqlite(dir) => Arc::new(
                SqliteStore::open(&dir.path().join("goosepod.db"))
                    .await
                    .expect("the SQLite database opens"),
            ),
            TestDb::Postgres(db) => Arc::new(
                PostgresStore::connect(&db.url)
                    .await
                    .unwrap_or_else(|err| panic!("the PostgreSQL database opens: {err}")),
            ),
        }
    }

    /// The PostgreSQL database's URL (PostgreSQL only).
    pub fn postgres_url(&self) -> Option<&str> {
        match self {
            TestDb::Sqlite(_) => None,
            TestDb::Postgres(db) => Some(&db.url),
        }
    }
}

fn postgres_required() -> bool {
    let ci = std::env::var("CI").unwrap_or_default();
    let ci = !ci.is_empty() && ci != "0" && !ci.eq_ignore_ascii_case("false");
    ci || std::env::var("GOOSEPOD_REQUIRE_POSTGRES").as_deref() == Ok("1")
}

/// A database made for one test on the configured server, dropped when this is.
pub struct PgDatabase {
    server: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create(server: String) -> PgDatabase {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("the clock is after 1970")
            .subsec_nanos();
        let name = format!(
            "goosepod_t{}_{}_{nanos}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        let mut url = url::Url::parse(&server)
            .unwrap_or_else(|err| panic!("{URL_VARIABLE} is not a URL ({err})"));
        url.set_path(&format!("/{name}"));
        let mut conn = PgConnection::connect(&server).await.unwrap_or_else(|err| {
            panic!(
                "cannot reach the PostgreSQL server at {} ({URL_VARIABLE}): {err}; \
                 is it running? scripts/start-postgres.sh starts it",
                redact_url(&server)
            )
        });
        conn.execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .unwrap_or_else(|err| panic!("cannot create the test database {name}: {err}"));
        let _ = conn.close().await;
        PgDatabase {
            server,
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Drop runs outside async code's reach: a thread of its own with its own runtime.
        let (server, name) = (self.server.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&server).await?;
                conn.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
                    .await?;
                conn.close().await
            })
        })
        .join();
        if let Ok(Err(err)) = dropped {
            eprintln!(
                "note: could not drop the test database {}: {err}",
                self.name
            );
        }
    }
}
