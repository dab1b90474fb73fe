//! Tests of validation, interpolation and triggers (the expression language's own tests live in `expr`).

mod interpolate;
mod triggers;
mod validate;
