//! The composition root: turns [`config::Settings`] into a running Quarry server.

pub mod config;
pub mod rsql_cli;
pub mod secrets;
mod workflows;

use std::net::SocketAddr;
use std::os::unix::fs::DirBuilderExt;
use std::time::Duration;

use anyhow::Context;
use config::{LogFormat, Settings};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// The product version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Sets up logging to stderr in the configured format.
pub fn init_logging(settings: &Settings) {
    let filter =
        EnvFilter::try_new(format!("{},sqlx=warn", settings.log)).unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    use std::io::IsTerminal;
    // Colour only for a person at a terminal; files and log collectors get plain text.
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    let _ = match settings.log_format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Opens the store, prepares secrets and the admin account, and serves until SIGINT or SIGTERM.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    // The data dir holds the store (password hashes) and secrets: private to the server's user.
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&settings.data_dir)
        .with_context(|| format!("cannot create data dir {}", settings.data_dir.display()))?;
    let secrets = secrets::Secrets::load(&settings.data_dir)?;

    let store = store::Store::connect(&settings.database_url)
        .await
        .with_context(|| format!("cannot open the store at {}", store::redact_url(&settings.database_url)))?;
    store.migrate().await.context("store migration failed")?;
    tracing::info!(backend = store.backend().as_str(), url = %store::redact_url(&settings.database_url), "store ready");

    let auth_config = auth::AuthConfig {
        access_ttl: settings.access_token_ttl,
        session_ttl: settings.session_ttl,
        ..Default::default()
    };
    let auth = auth::AuthService::new(store.clone(), auth::TokenKeys::new(&secrets.jwt), auth_config);
    let admin_password = std::env::var("QUARRY_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty());
    if let Some(generated) = auth.bootstrap_admin(admin_password).await.context("cannot create the admin user")? {
        // Printed once, on the console only: never logged, never stored in clear.
        println!("Created user 'admin' with generated password: {generated}");
        println!("(set QUARRY_ADMIN_PASSWORD on first start to choose it; change it after signing in)");
    }

    let policy = registry::SqlitePolicy {
        protected: store_files(&settings),
        allow: std::env::var("QUARRY_SQLITE_ALLOW").ok().map(|dirs| {
            dirs.split(',').map(str::trim).filter(|d| !d.is_empty()).map(std::path::PathBuf::from).collect()
        }),
        builtin: vec![settings.data_dir.join("demo.db")],
    };
    let registry = registry::Registry::new(store.clone(), &secrets.data_key, policy);
    if settings.demo {
        match registry.ensure_demo(&settings.data_dir).await {
            Ok(Some(ds)) => tracing::info!(id = ds.id(), "registered the demo datasource"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not create the demo datasource"),
        }
    }

    let engine = workflows::engine(&settings, store.clone(), registry.clone(), &secrets.data_key)?;
    engine.start().await.context("cannot start the workflow engine")?;
    let state = api::AppState::new(
        auth,
        registry.clone(),
        engine.clone(),
        api::ApiSettings {
            rate_limit_rps: settings.rate_limit_rps,
            rate_limit_burst: settings.rate_limit_burst,
            body_limit: settings.body_limit,
            cors_origins: settings.cors_origins.clone(),
            version: VERSION,
            realtime: api::realtime::RealtimeSettings {
                metrics_interval: settings.metrics_interval,
                idle_timeout: settings.ws_idle,
                heartbeat: settings.ws_heartbeat,
                metrics_token: settings.metrics_token.clone(),
                max_per_user: settings.realtime_per_user,
            },
        },
    );
    let state = match &settings.redis_url {
        Some(url) => {
            let state = state
                .with_redis(url)
                .await
                .with_context(|| format!("cannot connect to Redis at {}", store::redact_url(url)))?;
            tracing::info!("query cache and realtime events shared through Redis");
            state
        }
        None => state,
    };
    let maintenance = tokio::spawn(maintenance(state.clone()));
    let instance_id = workflows::instance_id(&settings)?;
    api::monitor::spawn(
        state.clone(),
        api::monitor::MonitorSettings {
            instance_id: instance_id.clone(),
            flush_every: settings.metrics_flush,
            alert_every: settings.alert_interval,
            retention: settings.metrics_retention,
        },
    );
    let monitor_state = state.clone();
    let gateway = gateway::Gateway::new(state.auth.clone(), registry.clone());
    let app = api::router_with(state, gateway::router(gateway));

    let listener =
        TcpListener::bind(&settings.listen).await.with_context(|| format!("cannot listen on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, version = VERSION, "Quarry listening");
    println!("Quarry {VERSION} listening on http://{addr}");

    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")?;
    maintenance.abort();
    engine.stop();
    // What this instance counted since the last flush belongs in the history too.
    api::monitor::flush_once(&monitor_state, &instance_id).await;
    registry.close_all().await;
    store.close().await;
    tracing::info!("Quarry stopped");
    Ok(())
}

/// Files no datasource may open: the SQLite store (when it is one) and the secrets directory.
fn store_files(settings: &Settings) -> Vec<std::path::PathBuf> {
    let mut files = vec![settings.data_dir.join("secrets")];
    if let Some(rest) = settings.database_url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//").split('?').next().unwrap_or("");
        if !path.is_empty() && !path.contains(":memory:") {
            files.push(std::path::PathBuf::from(path));
        }
    }
    files
}

/// Periodic housekeeping: bound the rate limiter's memory and purge long-expired sessions.
async fn maintenance(state: api::AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        state.limiter.retain_recent();
        let cutoff = chrono::Utc::now() - chrono::Duration::days(7);
        if let Err(e) = state.store.purge_expired_sessions(cutoff).await {
            tracing::warn!(error = %e, "purging expired sessions failed");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
