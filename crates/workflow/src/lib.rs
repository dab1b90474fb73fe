//! The pure core of Quarry's workflow engine: definitions, their validation, expressions and interpolation.
//!
//! No I/O and no async runtime: [`model`] holds the serde types of a definition as POSTed,
//! [`validate::validate`] checks a whole definition at once (every problem with its path) and
//! returns a [`ValidDefinition`] with typed node configs, [`expr`] is the small, sandboxed,
//! non-Turing-complete expression language of `docs/workflows.md`, [`interpolate`] fills
//! `${…}` placeholders in JSON templates, [`trigger`] reads the typed triggers and [`schedule`]
//! computes cron fire times (taking "now" as a parameter, never reading the clock). The runner,
//! store and HTTP endpoints build on these.

pub mod config;
pub mod expr;
pub mod interpolate;
pub mod model;
pub mod schedule;
pub mod trigger;
pub mod validate;

pub use config::{
    ApiConfig, ConditionConfig, DelayConfig, EndConfig, NodeConfig, QueryConfig, QuerySource, RetryPolicy,
    TransformConfig,
};
pub use expr::{EvalError, Expr, ExprError, Path, Segment, parse};
pub use interpolate::{interpolate, template_references};
pub use model::{Definition, Edge, EdgeCondition, Node, NodeType, Position, Variable, VariableType};
pub use schedule::{CatchUp, Due, InvalidCron, ScheduleTrigger};
pub use trigger::{Trigger, TriggerKind, WebhookTrigger, read_schedule};
pub use validate::{MAX_NODES, Problem, ValidDefinition, validate};

#[cfg(test)]
mod tests;
