//! Builds the application from its settings: state, router, listener. Tests call the same
//! functions with a port-0 listener, so they drive exactly what production runs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use std::net::SocketAddr;

use media_bridge::bridge::{Bridge, BridgeConfig, IssuerLines};
use media_bridge::browser::BrowserLegConfig;
use media_bridge::call::CallConfig;
use media_bridge::trunk::{DialError, Dialer};

use crate::auth::throttle::{LoginLimits, LoginThrottle, SignUpThrottle};
use crate::calls::admission::CallAdmission;
use crate::calls::authority::{GuildAuthority, RunningCalls};
use crate::calls::lines::IssuerLineRegistry;
use crate::calls::live::LiveCalls;
use crate::cards::page_cache::PageCache;
use crate::cards::service::{CardService, MediaStore};
use crate::config::Settings;
use crate::heavy::HeavyWork;
use crate::mail::Mailer;
use crate::{auth, calls, cards, ledger, openapi, render, security, security_headers};

/// How long a request waits for a slot of heavy work before it is answered 503.
const HEAVY_QUEUE_WAIT: Duration = Duration::from_secs(5);

/// The window of `signup_max_per_address`.
const SIGNUP_WINDOW: Duration = Duration::from_secs(60 * 60);

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub leptos: LeptosOptions,
    pub media: MediaStore,
    pub throttle: Arc<Mutex<LoginThrottle>>,
    pub signup_throttle: Arc<Mutex<SignUpThrottle>>,
    pub page_cache: Arc<PageCache>,
    /// Card page views not yet stored (`cards/views.rs`).
    pub card_views: Arc<crate::cards::views::ViewCounter>,
    /// Browser calls (issue 4): `None` until [`AppState::start_calling`].
    pub bridge: Option<Arc<Bridge<GuildAuthority>>>,
    /// The calls this process runs, stamped every `call_stamp_secs` (`stamp_running_calls`).
    pub running_calls: RunningCalls,
    pub live_calls: LiveCalls,
    pub issuer_lines: IssuerLineRegistry,
    /// Password hashing (memory-hard: each slot holds ~19 MiB while it runs).
    pub hashing: HeavyWork,
    /// Bounds on anonymous call starts (`calls/admission.rs`).
    pub admission: CallAdmission,
    /// Parsing and decoding what strangers send: SDP offers, vCards, images.
    pub parsing: HeavyWork,
    /// The CSP hashes of the inline scripts Leptos writes into every page, learnt on first use
    /// (security_headers.rs).
    pub page_script_hashes: Arc<tokio::sync::OnceCell<Vec<String>>>,
    /// Sign-up confirmations and notices (`mail.rs`).
    pub mailer: Mailer,
    /// Cards' names as callback prompts say them (`calls/card_name_voice.rs`).
    pub card_names: Arc<crate::calls::card_name_voice::CardNameVoice>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, settings: Settings) -> AppState {
        // Leptos renders on tokio; a second call (another AppState in tests) is a harmless no-op.
        let _ = any_spawner::Executor::init_tokio();
        let leptos = LeptosOptions::builder()
            .output_name("app")
            .site_root(settings.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .build();
        let admission = CallAdmission::new(settings.calling.admission);
        let mailer = Mailer::new(&settings.mail)
            .expect("the SMTP URL was checked when the settings were read");
        AppState {
            mailer,
            db,
            media: MediaStore::new(&settings.data_dir),
            throttle: Arc::new(Mutex::new(LoginThrottle::new(
                LoginLimits::from_max_failures(settings.login_max_failures),
                Duration::from_secs(settings.login_window_secs),
            ))),
            signup_throttle: Arc::new(Mutex::new(SignUpThrottle::new(
                settings.signup_max_per_address,
                SIGNUP_WINDOW,
            ))),
            settings: Arc::new(settings),
            leptos,
            page_cache: Arc::default(),
            card_views: Arc::default(),
            bridge: None,
            running_calls: RunningCalls::default(),
            live_calls: LiveCalls::default(),
            issuer_lines: IssuerLineRegistry::default(),
            hashing: HeavyWork::per_core(HEAVY_QUEUE_WAIT),
            admission,
            parsing: HeavyWork::per_core(HEAVY_QUEUE_WAIT),
            page_script_hashes: Arc::default(),
            card_names: Arc::default(),
        }
    }

    /// Keeps the card pages' cache told of every card's change, on every process
    /// (`cards/changes.rs`), so a view needs no query; until then each view reads its card's row.
    pub fn watch_card_changes(&self) {
        crate::cards::changes::watch(&self.db, self.page_cache.clone());
    }

    /// Starts the media bridge: the SIP trunk's endpoint when one is configured, and the
    /// bridge that answers browser calls under the Guild engine's decisions.
    pub async fn start_calling(&mut self) -> Result<(), DialError> {
        let calling = &self.settings.calling;
        let dialer = match &calling.trunk {
            Some(trunk) => Some(Dialer::start(trunk.clone()).await?),
            None => None,
        };
        let authority = GuildAuthority::new(
            self.db.clone(),
            Arc::clone(&self.settings),
            dialer.is_some(),
            self.running_calls.clone(),
        );
        let mut browser = BrowserLegConfig {
            udp_addrs: vec![SocketAddr::new(calling.media_ip, 0)],
            include_loopback_candidate: calling.media_ip.is_loopback(),
            nat_public_ips: calling.public_ip.into_iter().collect(),
            candidates: calling.candidate_policy(),
            ..BrowserLegConfig::default()
        };
        if calling.media_ip.is_loopback() {
            browser.ice_gathering_timeout = Duration::from_secs(2);
        }
        let config = BridgeConfig {
            call: CallConfig::default(),
            browser,
            rtp_ip: calling.media_ip,
        };
        let lines: Arc<dyn IssuerLines> = Arc::new(self.issuer_lines.clone());
        self.bridge = Some(Bridge::new(authority, dialer, Some(lines), config));
        Ok(())
    }

    /// Whether phone destinations can be reached; without a trunk, calls ring the issuer's
    /// browser or are refused with `no_trunk`.
    pub fn trunk_configured(&self) -> bool {
        self.settings.calling.trunk.is_some()
    }

    pub fn cards(&self) -> CardService<'_> {
        CardService {
            db: &self.db,
            pages: &self.page_cache,
            media: &self.media,
            public_url: &self.settings.public_url,
            default_region: self.settings.default_region,
        }
    }
}

pub fn router(state: AppState) -> Router {
    let pkg_dir = state.settings.site_root.join("pkg");
    // Trunk's file names are fixed (app.js, app_bg.wasm), so browsers must revalidate them;
    // ServeDir answers revalidation with 304 from Last-Modified.
    let pkg = Router::new()
        .fallback_service(ServeDir::new(pkg_dir).precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    // Room for two images and the text of a card; the image rules themselves are in media.rs.
    // The editor's save routes take more (its video too): `cards::router`.
    let body_limit = state.settings.upload_max_bytes * 2 + 256 * 1024;
    Router::new()
        .merge(auth::router())
        .merge(cards::router(state.settings.form_body_limit()))
        .merge(ledger::router())
        .merge(calls::router())
        .merge(crate::verification::router())
        .merge(crate::ui_language::router())
        .route("/healthz", get(healthz))
        .route(
            "/api/openapi.json",
            get(|| async { Json(openapi::document()) }),
        )
        .route("/favicon.svg", get(favicon))
        .route("/robots.txt", get(robots))
        .nest("/pkg", pkg)
        .fallback(not_found)
        .layer(axum::middleware::from_fn(crate::ui_language::choose))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::reject_cross_site,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        // Outside the others, so refusals (CSRF, body limit) get the headers too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers::add,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unreachable",
            )
        }
    }
}

async fn not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::NotFound.into_response();
    }
    render::not_found(&state).await
}

async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../public/favicon.svg"),
    )
}

async fn robots() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain")],
        include_str!("../../public/robots.txt"),
    )
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Responses go out in several writes (headers, then body chunks); without TCP_NODELAY,
    // Nagle's algorithm meets the client's delayed ACK and stalls each one ~40 ms.
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
    });
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
