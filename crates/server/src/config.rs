//! Command line, environment and TOML configuration, merged into one [`Settings`].
//!
//! Precedence: command-line flag, then environment variable, then the TOML
//! file given with `--config`, then the built-in default. Secrets (JWT key,
//! data-encryption key, admin password) come only from the environment or the
//! data directory, never from flags, so they do not show in process lists.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

#[derive(Debug, Parser)]
#[command(name = "quarry", version, about = "Quarry: a low-code data platform in one binary")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the platform (the default).
    Serve(Box<ServeArgs>),
    /// Print the OpenAPI document of the REST API and exit.
    Openapi,
    /// Parse an RSQL filter and print its tree and the SQL it compiles to, with parameters.
    Rsql {
        /// The SQL dialect: postgres, mysql or sqlite.
        #[arg(long, default_value = "sqlite")]
        dialect: String,
        /// The filter, e.g. `name=like=abc;age=ge=18` (a `base64:` prefix is decoded).
        expr: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Default, Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeArgs {
    /// A TOML file with any of these settings (keys in snake_case).
    #[arg(long, env = "QUARRY_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port [default: 127.0.0.1:8080].
    #[arg(long, env = "QUARRY_LISTEN")]
    pub listen: Option<String>,
    /// Directory for the embedded store and generated secrets [default: ./data].
    #[arg(long, env = "QUARRY_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Metadata store URL (`sqlite://…` or `postgres://…`) [default: SQLite file in the data dir].
    #[arg(long, env = "QUARRY_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Sustained requests per second per user or client [default: 100].
    #[arg(long, env = "QUARRY_RATE_LIMIT_RPS")]
    pub rate_limit_rps: Option<u32>,
    /// Burst allowance above the sustained rate [default: 200].
    #[arg(long, env = "QUARRY_RATE_LIMIT_BURST")]
    pub rate_limit_burst: Option<u32>,
    /// Largest accepted request body, in bytes [default: 2097152].
    #[arg(long, env = "QUARRY_BODY_LIMIT")]
    pub body_limit: Option<usize>,
    /// Comma-separated origins allowed to call the API from a browser (`*` for any) [default: none].
    #[arg(long, env = "QUARRY_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Option<Vec<String>>,
    /// Access-token lifetime in seconds [default: 900].
    #[arg(long, env = "QUARRY_ACCESS_TOKEN_TTL")]
    pub access_token_ttl: Option<u64>,
    /// Session (refresh-token) lifetime in seconds [default: 86400; 30 days with rememberMe].
    #[arg(long, env = "QUARRY_SESSION_TTL")]
    pub session_ttl: Option<u64>,
    /// Log format [default: text].
    #[arg(long, env = "QUARRY_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Redis URL for a query cache shared between instances [default: in-process only].
    #[arg(long, env = "QUARRY_REDIS_URL")]
    pub redis_url: Option<String>,
    /// Create and register the `demo` SQLite datasource on first start [default: true].
    #[arg(long, env = "QUARRY_DEMO")]
    pub demo: Option<bool>,
    /// Log filter in `tracing` syntax [default: info].
    #[arg(long, env = "QUARRY_LOG")]
    pub log: Option<String>,
    /// Hosts, IPs and CIDRs that workflow `api` nodes and callbacks may reach although they are
    /// loopback, private or link-local (comma-separated) [default: none].
    #[arg(long, env = "QUARRY_HTTP_ALLOWLIST")]
    pub http_allowlist: Option<String>,
    /// Workflow executions this instance runs at once; more wait in the queue [default: 64].
    #[arg(long, env = "QUARRY_MAX_EXECUTIONS")]
    pub max_executions: Option<usize>,
    /// Executions of one workflow running at once across instances, unless the workflow sets
    /// `maxConcurrency` [default: 16].
    #[arg(long, env = "QUARRY_WORKFLOW_CONCURRENCY")]
    pub workflow_concurrency: Option<i64>,
    /// How long an instance's claim on an execution lasts without a heartbeat, in ms; after
    /// that another instance resumes it [default: 30000].
    #[arg(long, env = "QUARRY_WORKFLOW_LEASE_MS")]
    pub workflow_lease_ms: Option<u64>,
    /// This instance's name in execution leases [default: one generated once into the data dir].
    #[arg(long, env = "QUARRY_INSTANCE_ID")]
    pub instance_id: Option<String>,
    /// How often live metrics are pushed over `/ws/metrics` and `/ws`, in ms [default: 2000].
    #[arg(long, env = "QUARRY_METRICS_INTERVAL_MS")]
    pub metrics_interval_ms: Option<u64>,
    /// A bearer token Prometheus may scrape `/metrics` with [default: none; `metrics:read` users only].
    #[arg(long, env = "QUARRY_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
    /// How often this instance adds its metric totals to the store's rollups, in ms [default: 10000].
    #[arg(long, env = "QUARRY_METRICS_FLUSH_MS")]
    pub metrics_flush_ms: Option<u64>,
    /// Days of metric history kept [default: 30].
    #[arg(long, env = "QUARRY_METRICS_RETENTION_DAYS")]
    pub metrics_retention_days: Option<u64>,
    /// How often alert rules are evaluated, in ms [default: 15000].
    #[arg(long, env = "QUARRY_ALERT_INTERVAL_MS")]
    pub alert_interval_ms: Option<u64>,
    /// WebSocket connections silent for this long are closed, in ms [default: 90000].
    #[arg(long, env = "QUARRY_WS_IDLE_MS")]
    pub ws_idle_ms: Option<u64>,
    /// How often the server pings realtime clients and re-checks their credentials, in ms [default: 30000].
    #[arg(long, env = "QUARRY_WS_HEARTBEAT_MS")]
    pub ws_heartbeat_ms: Option<u64>,
    /// WebSocket and SSE connections one user may hold at once on an instance [default: 20].
    #[arg(long, env = "QUARRY_REALTIME_PER_USER")]
    pub realtime_per_user: Option<usize>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub rate_limit_rps: u32,
    pub rate_limit_burst: u32,
    pub body_limit: usize,
    pub cors_origins: Vec<String>,
    pub access_token_ttl: Duration,
    pub session_ttl: Duration,
    pub log_format: LogFormat,
    pub log: String,
    pub demo: bool,
    pub redis_url: Option<String>,
    pub http_allowlist: String,
    pub max_executions: usize,
    pub workflow_concurrency: i64,
    pub workflow_lease: Duration,
    pub instance_id: Option<String>,
    pub metrics_interval: Duration,
    pub metrics_token: Option<String>,
    pub metrics_flush: Duration,
    pub metrics_retention: Duration,
    pub alert_interval: Duration,
    pub ws_idle: Duration,
    pub ws_heartbeat: Duration,
    pub realtime_per_user: usize,
}

impl ServeArgs {
    /// Fills unset values from `other` (the config file).
    fn or(self, other: ServeArgs) -> ServeArgs {
        ServeArgs {
            config: self.config,
            listen: self.listen.or(other.listen),
            data_dir: self.data_dir.or(other.data_dir),
            database_url: self.database_url.or(other.database_url),
            rate_limit_rps: self.rate_limit_rps.or(other.rate_limit_rps),
            rate_limit_burst: self.rate_limit_burst.or(other.rate_limit_burst),
            body_limit: self.body_limit.or(other.body_limit),
            cors_origins: self.cors_origins.or(other.cors_origins),
            access_token_ttl: self.access_token_ttl.or(other.access_token_ttl),
            session_ttl: self.session_ttl.or(other.session_ttl),
            log_format: self.log_format.or(other.log_format),
            log: self.log.or(other.log),
            demo: self.demo.or(other.demo),
            redis_url: self.redis_url.or(other.redis_url),
            http_allowlist: self.http_allowlist.or(other.http_allowlist),
            max_executions: self.max_executions.or(other.max_executions),
            workflow_concurrency: self.workflow_concurrency.or(other.workflow_concurrency),
            workflow_lease_ms: self.workflow_lease_ms.or(other.workflow_lease_ms),
            instance_id: self.instance_id.or(other.instance_id),
            metrics_interval_ms: self.metrics_interval_ms.or(other.metrics_interval_ms),
            metrics_token: self.metrics_token.or(other.metrics_token),
            metrics_flush_ms: self.metrics_flush_ms.or(other.metrics_flush_ms),
            metrics_retention_days: self.metrics_retention_days.or(other.metrics_retention_days),
            alert_interval_ms: self.alert_interval_ms.or(other.alert_interval_ms),
            ws_idle_ms: self.ws_idle_ms.or(other.ws_idle_ms),
            ws_heartbeat_ms: self.ws_heartbeat_ms.or(other.ws_heartbeat_ms),
            realtime_per_user: self.realtime_per_user.or(other.realtime_per_user),
        }
    }

    pub fn resolve(self) -> anyhow::Result<Settings> {
        let args = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read config file {}", path.display()))?;
                let file: ServeArgs =
                    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))?;
                self.or(file)
            }
            None => self,
        };
        let data_dir = args.data_dir.unwrap_or_else(|| PathBuf::from("./data"));
        let database_url = args.database_url.unwrap_or_else(|| default_database_url(&data_dir));
        let rate_limit_rps = args.rate_limit_rps.unwrap_or(100);
        let rate_limit_burst = args.rate_limit_burst.unwrap_or(200);
        if rate_limit_rps == 0 || rate_limit_burst == 0 {
            bail!("rate limits must be at least 1");
        }
        let access = args.access_token_ttl.unwrap_or(900);
        if access == 0 {
            bail!("access_token_ttl must be at least 1 second");
        }
        let max_executions = args.max_executions.unwrap_or(64);
        let workflow_concurrency = args.workflow_concurrency.unwrap_or(16);
        let lease = args.workflow_lease_ms.unwrap_or(30_000);
        if max_executions == 0 || workflow_concurrency < 1 {
            bail!("max_executions and workflow_concurrency must be at least 1");
        }
        if lease < 300 {
            bail!("workflow_lease_ms must be at least 300");
        }
        let ms = |v: Option<u64>, default: u64, name: &str| -> anyhow::Result<Duration> {
            let v = v.unwrap_or(default);
            if v < 10 {
                bail!("{name} must be at least 10 ms");
            }
            Ok(Duration::from_millis(v))
        };
        let retention_days = args.metrics_retention_days.unwrap_or(30);
        if retention_days == 0 {
            bail!("metrics_retention_days must be at least 1");
        }
        Ok(Settings {
            listen: args.listen.unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            data_dir,
            database_url,
            rate_limit_rps,
            rate_limit_burst,
            body_limit: args.body_limit.unwrap_or(2 * 1024 * 1024),
            cors_origins: args.cors_origins.unwrap_or_default().into_iter().filter(|o| !o.is_empty()).collect(),
            access_token_ttl: Duration::from_secs(access),
            session_ttl: Duration::from_secs(args.session_ttl.unwrap_or(86_400).max(access)),
            log_format: args.log_format.unwrap_or(LogFormat::Text),
            log: args.log.unwrap_or_else(|| "info".to_owned()),
            demo: args.demo.unwrap_or(true),
            redis_url: args.redis_url.filter(|u| !u.is_empty()),
            http_allowlist: args.http_allowlist.unwrap_or_default(),
            max_executions,
            workflow_concurrency,
            workflow_lease: Duration::from_millis(lease),
            instance_id: args.instance_id.filter(|i| !i.trim().is_empty()),
            metrics_interval: ms(args.metrics_interval_ms, 2000, "metrics_interval_ms")?,
            metrics_token: args.metrics_token.filter(|t| !t.is_empty()),
            metrics_flush: ms(args.metrics_flush_ms, 10_000, "metrics_flush_ms")?,
            metrics_retention: Duration::from_secs(retention_days * 86_400),
            alert_interval: ms(args.alert_interval_ms, 15_000, "alert_interval_ms")?,
            ws_idle: ms(args.ws_idle_ms, 90_000, "ws_idle_ms")?,
            ws_heartbeat: ms(args.ws_heartbeat_ms, 30_000, "ws_heartbeat_ms")?,
            realtime_per_user: args.realtime_per_user.unwrap_or(20).max(1),
        })
    }
}

fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("quarry.db").display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_file_and_file_beats_defaults() {
        let dir = std::env::temp_dir().join(format!("quarry-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("q.toml");
        std::fs::write(&file, "listen = \"0.0.0.0:9000\"\nrate_limit_rps = 7\n").unwrap();
        let s =
            ServeArgs { config: Some(file.clone()), rate_limit_rps: Some(9), ..Default::default() }.resolve().unwrap();
        assert_eq!(s.listen, "0.0.0.0:9000");
        assert_eq!(s.rate_limit_rps, 9);
        assert_eq!(s.rate_limit_burst, 200);
        assert!(s.database_url.starts_with("sqlite://./data/quarry.db"));
        std::fs::write(&file, "lisen = \"typo\"\n").unwrap();
        let err = ServeArgs { config: Some(file), ..Default::default() }.resolve().unwrap_err();
        assert!(format!("{err:#}").contains("lisen"), "{err:#}");
    }
}
