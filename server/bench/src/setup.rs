//! Scratch databases and real servers for the benchmarks, removed again afterwards.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use leptos::config::LeptosOptions;
use server::{Application, Config, StartupError};
use sqlx::{Connection, Executor, PgConnection, SqliteConnection};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database that exists for one benchmark.
#[derive(Debug)]
pub enum Scratch {
    /// A directory in the temp dir holding `circle.db` (and its WAL files).
    Sqlite { dir: PathBuf, url: String },
    /// A database created on the server at `admin`.
    Postgres {
        admin: String,
        name: String,
        url: String,
    },
}

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("circle_bench_{tag}_{}_{nanos}", std::process::id())
}

impl Scratch {
    pub fn sqlite(tag: &str) -> Result<Self> {
        let dir = std::env::temp_dir().join(unique(tag));
        std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
        let url = format!("sqlite:{}", dir.join("circle.db").display());
        Ok(Scratch::Sqlite { dir, url })
    }

    pub async fn postgres(admin: &str, tag: &str) -> Result<Self> {
        let name = unique(tag);
        let mut conn = PgConnection::connect(admin)
            .await
            .with_context(|| format!("connect to PostgreSQL at {}", redact(admin)))?;
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .context("create the scratch database")?;
        let _ = conn.close().await;
        let base = admin.rsplit_once('/').map_or(admin, |(base, _)| base);
        Ok(Scratch::Postgres {
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        })
    }

    pub fn url(&self) -> &str {
        match self {
            Scratch::Sqlite { url, .. } | Scratch::Postgres { url, .. } => url,
        }
    }

    /// Deletes the database. Close every store on it first. With `CIRCLE_BENCH_KEEP` set it
    /// is left in place and named, to be looked into (`sqlite3`, `psql`, `EXPLAIN`).
    pub async fn remove(self) {
        if std::env::var_os("CIRCLE_BENCH_KEEP").is_some() {
            crate::progress(&format!("kept the scratch database {}", self.url()));
            return;
        }
        match self {
            Scratch::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Scratch::Postgres { admin, name, .. } => {
                if let Ok(mut conn) = PgConnection::connect(&admin).await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = conn.execute(drop.as_str()).await;
                    let _ = conn.close().await;
                }
            }
        }
    }
}

/// After seeding, gives PostgreSQL the planner statistics its autovacuum would gather within
/// a minute of a bulk load (`ANALYZE`), so that pages are timed as in use, not in the moments
/// after a load when every table still looks empty. SQLite keeps no statistics unless asked,
/// and Circle never asks, so it is left as it is.
pub async fn settle(url: &str) -> Result<()> {
    if url.starts_with("postgres") {
        let mut conn = PgConnection::connect(url)
            .await
            .with_context(|| format!("connect to {}", redact(url)))?;
        conn.execute("ANALYZE")
            .await
            .context("ANALYZE the seeded database")?;
        let _ = conn.close().await;
    }
    Ok(())
}

/// Marks every governance figure Circle keeps out of date, as a start does, so that the next
/// dashboard counts every month again.
pub async fn forget_kept_figures(url: &str) -> Result<()> {
    const FORGET: &str = "UPDATE governance_cells SET stamp = stamp + 1";
    if url.starts_with("postgres") {
        let mut conn = PgConnection::connect(url)
            .await
            .with_context(|| format!("connect to {}", redact(url)))?;
        conn.execute(FORGET).await.context("forget kept figures")?;
        let _ = conn.close().await;
    } else {
        let mut conn = SqliteConnection::connect(url)
            .await
            .with_context(|| format!("connect to {url}"))?;
        conn.execute(FORGET).await.context("forget kept figures")?;
        let _ = conn.close().await;
    }
    Ok(())
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:…{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Whether PostgreSQL answers at `admin`: its version, or why not.
pub async fn probe_postgres(admin: &str) -> Result<String, String> {
    let attempt = async {
        let mut conn = PgConnection::connect(admin).await?;
        let (version,): (String,) = sqlx::query_as("SHOW server_version")
            .fetch_one(&mut conn)
            .await?;
        let _ = conn.close().await;
        Ok::<_, sqlx::Error>(version)
    };
    match tokio::time::timeout(Duration::from_secs(5), attempt).await {
        Ok(Ok(version)) => Ok(version),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("no answer within 5 s".to_owned()),
    }
}

/// The SQLite library sqlx links.
pub async fn sqlite_version() -> String {
    let attempt = async {
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await?;
        let (version,): (String,) = sqlx::query_as("SELECT sqlite_version()")
            .fetch_one(&mut conn)
            .await?;
        Ok::<_, sqlx::Error>(version)
    };
    attempt.await.unwrap_or_else(|e| format!("unknown ({e})"))
}

/// A Circle server started in this process, as `circle serve` would start it.
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), StartupError>>,
}

impl RunningServer {
    /// Starts `server::Application` on 127.0.0.1 (a free port) over `database_url`.
    pub async fn start(database_url: &str) -> Result<Self> {
        let leptos = LeptosOptions::builder()
            .output_name("circle")
            .site_root("target/site")
            .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
            .build();
        let url = database_url.to_owned();
        let config = Config::from_vars(
            |name| match name {
                "DATABASE_URL" => Some(url.clone()),
                "CIRCLE_DEMO" => Some("off".to_owned()),
                _ => None,
            },
            leptos,
        )?;
        let app = Application::build(config)
            .await
            .context("start a Circle server")?;
        let addr = app.local_addr();
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        Ok(Self { addr, stop, task })
    }

    /// Shuts the server down and waits for it to close its database.
    pub async fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        let abort = self.task.abort_handle();
        match tokio::time::timeout(Duration::from_secs(30), self.task).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(error))) => Err(error).context("the server stopped with an error"),
            Ok(Err(error)) => Err(error).context("the server task failed"),
            Err(_) => {
                abort.abort();
                bail!("the server did not stop within 30 s")
            }
        }
    }
}

/// The size on disk of the SQLite database at `url` (its file and write-ahead log); `None` for
/// another database.
pub fn sqlite_bytes(url: &str) -> Option<u64> {
    let path = url.strip_prefix("sqlite:")?;
    let size = |p: &str| std::fs::metadata(p).map_or(0, |m| m.len());
    Some(size(path) + size(&format!("{path}-wal")))
}
