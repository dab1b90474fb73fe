//! Tests of validation and interpolation (the expression language's own tests live in `expr`).

mod interpolate;
mod validate;
