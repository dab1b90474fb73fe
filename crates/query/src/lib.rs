//! The query builder's compiler: the JSON query DSL (seed 000, section 2.2.1) to a checked
//! plan to SQL for MySQL/MariaDB, PostgreSQL and SQLite.
//!
//! Pure: no I/O, no database driver, no async runtime. Every identifier in the output is
//! checked against a [`Catalog`] and quoted for the dialect; every value from the query is a
//! bound parameter ([`Param`]). The only SQL text this crate writes comes from fixed keywords
//! (`NULL` among them), checked identifiers and placeholders.
//!
//! Queries come from the JSON DSL ([`parse`]) or are built directly from the public DSL types
//! ([`TableQuery`], [`Cond`]…) by another front door; both go through [`resolve`] and
//! [`compile`]. The [`write`] module compiles inserts, updates and deletes by key the same way.

mod catalog;
mod compile;
mod diagnostic;
mod dsl;
mod plan;
mod value;
pub mod write;

pub use catalog::{Catalog, CatalogColumn, CatalogTable, TypeFamily};
pub use compile::{CompiledQuery, Dialect, OutputColumn, Param, compile};
pub use diagnostic::{Diagnostic, closest};
pub use dsl::{
    AggFn, CmpOp, ColRef, ColumnItem, Cond, Directives, JoinKind, JoinSpec, Op, OrderItem, Query, Scalar, TableQuery,
    Target, parse,
};
pub use plan::{ColumnUse, Plan, resolve};
pub use write::{CompiledWrite, Delete, Insert, Update, compile_delete, compile_insert, compile_update};

/// Parses, checks and compiles a query in one step, collecting every problem.
pub fn build(query: &serde_json::Value, catalog: &Catalog, dialect: Dialect) -> Result<CompiledQuery, Vec<Diagnostic>> {
    let parsed = parse(query)?;
    let plan = resolve(&parsed, catalog)?;
    compile(&plan, dialect)
}
