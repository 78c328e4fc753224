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
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use store::Store;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub mod cli;
pub mod config;
pub mod sync;
pub mod telemetry;

pub use config::{Config, DemoData, Secret};

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
        store::load_demo(store.as_ref()).await?;
        tracing::info!("new embedded database: loaded the demo dataset");
    }
    Ok(store)
}

/// The whole HTTP surface: the Leptos pages and server functions, static files, `/healthz`.
pub fn router(store: Arc<dyn Store>, leptos_options: LeptosOptions) -> Router {
    let state = AppState {
        leptos_options,
        services: AppServices { store },
    };
    let routes = generate_route_list(app::App);
    let services = state.services.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .merge(sync::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(services.clone()),
            {
                let options = state.leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                // The matched route, never the query string: a search may hold a name.
                let route = req
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("", MatchedPath::as_str)
                    .to_owned();
                tracing::info_span!("request", method = %req.method(), route, path = %req.uri().path())
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
        .with_state(state)
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
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let addr = config.leptos.site_addr;
        // Bind first: a port in use is reported before anything is written.
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        let store = open_store(&config).await?;
        let router = router(store.clone(), config.leptos.clone());
        Ok(Self {
            listener,
            store,
            router,
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
        tracing::info!(
            addr = %self.local_addr(),
            database = self.store.backend().name(),
            "Circle is listening on http://{}",
            self.local_addr()
        );
        let served = axum::serve(self.listener, self.router.into_make_service())
            .with_graceful_shutdown(shutdown)
            .await;
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
