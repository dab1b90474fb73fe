//! Identifiers for stored rows: a readable prefix and a time-ordered UUIDv7 (`user_0193…`).

/// Makes a new id such as `user_01936b2e9f8a7c3d…`, sortable by creation time.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}
