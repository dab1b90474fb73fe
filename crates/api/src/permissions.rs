//! The permission each endpoint declares, as types, so a handler cannot run without its check.

/// A permission an endpoint requires, named `resource:action`.
pub trait Perm: Send + Sync + 'static {
    const NAME: &'static str;
}

macro_rules! permissions {
    ($($ty:ident = $name:literal;)+) => {
        $(
            #[doc = concat!("Requires `", $name, "`.")]
            pub struct $ty;
            impl Perm for $ty {
                const NAME: &'static str = $name;
            }
        )+
        /// Every permission REST endpoints require.
        pub const ALL: &[&str] = &[$($name),+];
    };
}

permissions! {
    UsersRead = "users:read";
    UsersWrite = "users:write";
    RolesRead = "roles:read";
    RolesWrite = "roles:write";
    DatasourceRead = "datasource:read";
    DatasourceWrite = "datasource:write";
    DatasourceTest = "datasource:test";
    QueryExecute = "query:execute";
    WorkflowRead = "workflow:read";
    WorkflowWrite = "workflow:write";
    WorkflowExecute = "workflow:execute";
    MetricsRead = "metrics:read";
    AlertsWrite = "alerts:write";
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_required_permission_is_known_to_auth() {
        for p in super::ALL {
            assert!(auth::KNOWN_PERMISSIONS.iter().any(|(k, _)| k == p), "{p} missing from auth::KNOWN_PERMISSIONS");
        }
    }
}
