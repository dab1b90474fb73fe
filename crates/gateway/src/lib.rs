//! The Oinone gateway: GraphQL over `/pamirs/{module}` with RSQL filters, generated at run time
//! from each datasource's introspected schema (seed 002, `docs/oinone.md`).
//!
//! Each datasource is a module named by its code. Its schema is built from the registry's cached
//! introspection and rebuilt only when that changes. Filters lower into the query builder's own
//! representation, so the gateway and REST share one compiler and one permission check
//! ([`auth::Principal::datasource_access`]); this crate never imports the REST crate.

pub mod exec;
pub mod filter;
pub mod model;
pub mod oinone;
pub mod placeholder;
pub mod schema;
mod transport;
pub mod write;

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::RwLock;

pub use transport::router;

/// The cookie that carries the access token for browser clients (set at login by REST).
pub const SESSION_COOKIE: &str = "quarry_token";

/// A built schema and what it was built from.
struct Cached {
    source: Arc<datasource::Schema>,
    updated_at: chrono::DateTime<chrono::Utc>,
    schema: async_graphql::dynamic::Schema,
}

/// Shared by every gateway request.
#[derive(Clone)]
pub struct Gateway {
    pub(crate) auth: auth::AuthService,
    pub(crate) registry: registry::Registry,
    pub(crate) placeholders: Arc<placeholder::Placeholders>,
    schemas: Arc<RwLock<HashMap<String, Arc<Cached>>>>,
}

impl Gateway {
    pub fn new(auth: auth::AuthService, registry: registry::Registry) -> Gateway {
        Gateway {
            auth,
            registry,
            placeholders: Arc::new(placeholder::Placeholders::builtin()),
            schemas: Arc::default(),
        }
    }

    /// Adds placeholders beyond the built-in ones.
    pub fn with_placeholders(mut self, placeholders: placeholder::Placeholders) -> Gateway {
        self.placeholders = Arc::new(placeholders);
        self
    }

    /// The module's GraphQL schema: from the cache while the datasource and its introspected
    /// schema are unchanged, otherwise rebuilt once.
    pub(crate) async fn schema(
        &self,
        ds: &registry::Datasource,
    ) -> Result<async_graphql::dynamic::Schema, oinone::OinoneError> {
        let source = self.registry.schema(ds, false).await.map_err(|e| {
            oinone::OinoneError::new(oinone::DATA_ERROR, format!("数据源不可用 (the datasource is unavailable: {e})"))
        })?;
        if let Some(c) = self.schemas.read().await.get(ds.id())
            && Arc::ptr_eq(&c.source, &source)
            && c.updated_at == ds.row.updated_at
        {
            return Ok(c.schema.clone());
        }
        let module = model::Module::from_schema(ds.kind, &source);
        for (table, why) in &module.skipped {
            tracing::info!(module = ds.code(), table, why, "table left out of the GraphQL schema");
        }
        let schema = schema::build(&module, ds.code()).map_err(|e| {
            tracing::error!(module = ds.code(), error = %e, "building the GraphQL schema failed");
            oinone::OinoneError::new(oinone::SYSTEM_ERROR, "the module's schema could not be built")
        })?;
        let cached = Arc::new(Cached { source, updated_at: ds.row.updated_at, schema: schema.clone() });
        self.schemas.write().await.insert(ds.id().to_owned(), cached);
        Ok(schema)
    }
}
