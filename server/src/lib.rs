//! Circle's server: reads [`Config`], opens the store, and serves the Leptos app with
//! `/healthz`, request logging and graceful shutdown. `main.rs` only parses the command line
//! and calls in here.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use app::server::AppServices;
use axum::Router;
use axum::extract::{FromRef, MatchedPath, State};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use store::Store;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub mod account;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod cli;
pub mod compress;
pub mod config;
pub mod csrf;
pub mod governance;
pub mod guard;
pub mod mail;
pub mod openapi;
pub mod people;
pub mod sync;
pub mod telemetry;

pub use config::{Config, DemoData, HttpSettings, Secret};

/// Why Circle could not start, in one line a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(String),
    #[error(
        "cannot use the data directory {path}: {source}. Set CIRCLE_DATA_DIR to a directory Circle can write to."
    )]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}. Check DATABASE_URL.")]
    Database(#[from] store::StoreError),
    #[error(
        "cannot listen on {addr}: {source}. Is Circle already running? Set LEPTOS_SITE_ADDR to use another address."
    )]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the server stopped with an error: {0}")]
    Serve(#[source] std::io::Error),
}

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: AppServices,
    /// What the configuration decides about HTTP: https, the session idle time, trusted proxies.
    pub http: Arc<HttpSettings>,
}

impl FromRef<AppState> for Arc<dyn Store> {
    fn from_ref(state: &AppState) -> Self {
        state.services.store.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Opens the configured database (creating and migrating it when needed) and, for a new
/// embedded database, loads the demo dataset unless told not to.
pub async fn open_store(config: &Config) -> Result<Arc<dyn Store>, StartupError> {
    let url = config.database_url()?;
    let store = store::connect(url.expose()).await?;
    if config.is_embedded() && config.demo == DemoData::WhenEmpty && store.is_empty().await? {
        store::load_demo_with_plans(store.as_ref()).await?;
        tracing::info!("new embedded database: loaded the demo dataset");
    }
    Ok(store)
}

/// The whole HTTP surface over plain HTTP with the default settings (session cookies without
/// `Secure`, 30 minutes idle, no trusted proxy), as tests and a local install use it.
pub fn router(store: Arc<dyn Store>, leptos_options: LeptosOptions) -> Router {
    router_with(store, leptos_options, HttpSettings::default())
}

/// The whole HTTP surface: the Leptos pages and server functions, the sync API, the account
/// forms, static files, `/healthz`.
pub fn router_with(
    store: Arc<dyn Store>,
    leptos_options: LeptosOptions,
    http: HttpSettings,
) -> Router {
    let https = http.https;
    let idle = http.session_idle;
    let state = AppState {
        leptos_options,
        services: AppServices {
            store: store.clone(),
            mail: http.mail.clone(),
        },
        http: Arc::new(http),
    };
    let routes = generate_route_list(app::App);
    let services = state.services.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .merge(sync::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(people::routes())
        .merge(governance::routes())
        .merge(assets::routes(&state.leptos_options))
        .leptos_routes_with_context(&state, routes, move || provide_context(services.clone()), {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::resolve_user,
        ))
        .layer(auth::session_layer(store, https, idle))
        .layer(axum::middleware::from_fn(guard::server_fn_status))
        .layer(axum::middleware::from_fn(guard::refuse_nul))
        .layer(axum::middleware::from_fn(csrf::refuse_cross_site))
        .layer(axum::middleware::from_fn_with_state(
            https,
            guard::cache_and_transport,
        ))
        .layer(axum::middleware::from_fn(compress::mark))
        .layer(compress::layer())
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                // The matched route, never the query string: a search may hold a name.
                let route = req
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("", MatchedPath::as_str)
                    .to_owned();
                let path = logged_path(req.uri().path());
                tracing::info_span!("request", method = %req.method(), route, path)
            }),
        )
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(state)
}

/// A request's path as logs may hold it: an invitation link is a secret, so its token is
/// never written down.
fn logged_path(path: &str) -> String {
    for prefix in ["/invitations/", "/auth/invitations/"] {
        if path.starts_with(prefix) {
            return format!("{prefix}…");
        }
    }
    path.to_owned()
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let store = &state.services.store;
    let backend = store.backend().name();
    match store.health().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({ "status": "ok", "database": backend })),
        ),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({ "status": "unavailable", "database": backend })),
            )
        }
    }
}

/// A started server: the store is open and the address is bound.
pub struct Application {
    listener: TcpListener,
    store: Arc<dyn Store>,
    router: Router,
    mail: Option<mail::Mail>,
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let addr = config.leptos.site_addr;
        // Bind first: a port in use is reported before anything is written.
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        let mail = config.mail()?;
        let store = open_store(&config).await?;
        let router = router_with(
            store.clone(),
            config.leptos.clone(),
            config.http(mail.as_ref()),
        );
        Ok(Self {
            listener,
            store,
            router,
            mail,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish and closes the
    /// database.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        // Ended sessions are removed from the database once an hour.
        let sweeper = tokio::spawn({
            let store = self.store.clone();
            async move {
                let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
                loop {
                    every.tick().await;
                    if let Err(error) = store.delete_expired_sessions(auth::now_ms()).await {
                        tracing::warn!(%error, "could not remove ended sessions");
                    }
                    let window = i64::try_from(auth::THROTTLE_WINDOW.as_millis()).unwrap_or(0);
                    let before = auth::now_ms() - window;
                    if let Err(error) = store.delete_old_sign_in_failures(before).await {
                        tracing::warn!(%error, "could not forget old sign-in failures");
                    }
                }
            }
        });
        // Email goes out from the outbox, when a relay is set up.
        let sender = self.mail.as_ref().map(|m| {
            tracing::info!(relay = ?m.relay, "email is sent through the configured relay");
            mail::spawn_sender(self.store.clone(), m.relay.clone(), m.queued.clone())
        });
        if sender.is_none() {
            tracing::info!(
                "no email relay is set up (CIRCLE_SMTP_URL): documents are shared in Circle only"
            );
        }
        tracing::info!(
            addr = %self.local_addr(),
            database = self.store.backend().name(),
            "Circle is listening on http://{}",
            self.local_addr()
        );
        // Each answer's last bytes go out at once, not after the client's delayed
        // acknowledgement of the ones before (Nagle's algorithm: about 40 ms on a quarter of
        // pages, measured in docs/BENCHMARKS.md).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
        });
        let served = axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        sweeper.abort();
        if let Some(sender) = sender {
            sender.abort();
        }
        self.store.close().await;
        tracing::info!("Circle stopped");
        served.map_err(StartupError::Serve)
    }
}

/// Completes on SIGTERM (how service managers stop Circle) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::logged_path;

    #[test]
    fn invitation_tokens_never_reach_the_logs() {
        assert_eq!(logged_path("/invitations/abc123"), "/invitations/…");
        assert_eq!(
            logged_path("/auth/invitations/abc123"),
            "/auth/invitations/…"
        );
        assert_eq!(logged_path("/people/1"), "/people/1");
    }
}
