//! Permission strings: `*`, `resource:*`, `resource:action` and `resource:action:scope`.
//!
//! A scope narrows a grant to one object, such as one datasource
//! (`datasource:write:ds_main`). A grant without a scope covers every object.

use std::fmt;

/// Every `resource:action` pair Quarry checks, with what it allows.
pub const KNOWN_PERMISSIONS: &[(&str, &str)] = &[
    ("users:read", "List and view users"),
    ("users:write", "Create, update, disable and enable users"),
    ("roles:read", "List and view roles"),
    ("roles:write", "Create, update and delete roles"),
    ("datasource:read", "List datasources and browse their schemas"),
    ("datasource:write", "Create, change and delete datasources; write through the gateway"),
    ("datasource:test", "Test datasource connections"),
    ("query:execute", "Validate and run queries"),
    ("workflow:read", "List and view workflows, their versions and executions"),
    ("workflow:write", "Create, change, publish and delete workflows"),
    ("workflow:execute", "Run workflows, cancel and retry their executions"),
    ("metrics:read", "Read metrics, alerts and the Prometheus endpoint"),
    ("alerts:write", "Create, change and delete alert rules"),
];

/// One parsed permission grant or requirement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Permission {
    resource: String,
    /// `None` means every action (`resource:*`, or `*` when `resource` is also `*`).
    action: Option<String>,
    scope: Option<String>,
}

fn is_word(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && s.len() <= 64
}

fn is_scope(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

impl Permission {
    /// Parses a permission string, accepting only known resources and actions.
    pub fn parse(text: &str) -> Result<Permission, String> {
        if text == "*" {
            return Ok(Permission { resource: "*".into(), action: None, scope: None });
        }
        let mut parts = text.splitn(3, ':');
        let (resource, action, scope) = (parts.next().unwrap_or(""), parts.next(), parts.next());
        let Some(action) = action else {
            return Err(format!("{text:?} is not of the form resource:action"));
        };
        if !is_word(resource) || !(action == "*" || is_word(action)) {
            return Err(format!("{text:?} is not of the form resource:action"));
        }
        if !KNOWN_PERMISSIONS.iter().any(|(p, _)| p.split(':').next() == Some(resource)) {
            return Err(format!("unknown resource {resource:?} in {text:?}"));
        }
        if action != "*" && !KNOWN_PERMISSIONS.iter().any(|(p, _)| *p == format!("{resource}:{action}")) {
            return Err(format!("unknown action {action:?} for {resource:?} in {text:?}"));
        }
        if let Some(scope) = scope
            && (action == "*" || !is_scope(scope))
        {
            return Err(format!("invalid scope in {text:?}"));
        }
        Ok(Permission {
            resource: resource.to_owned(),
            action: (action != "*").then(|| action.to_owned()),
            scope: scope.map(str::to_owned),
        })
    }

    /// Whether this grant covers `resource:action` on the object `scope` (or on all objects when `None`).
    fn covers(&self, resource: &str, action: &str, scope: Option<&str>) -> bool {
        if self.resource == "*" {
            return true;
        }
        if self.resource != resource {
            return false;
        }
        if let Some(own) = &self.action
            && own != action
        {
            return false;
        }
        match (&self.scope, scope) {
            (None, _) => true,
            (Some(own), Some(wanted)) => own == wanted,
            (Some(_), None) => false,
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.resource == "*" {
            return f.write_str("*");
        }
        write!(f, "{}:{}", self.resource, self.action.as_deref().unwrap_or("*"))?;
        if let Some(scope) = &self.scope {
            write!(f, ":{scope}")?;
        }
        Ok(())
    }
}

/// The union of a principal's grants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSet {
    grants: Vec<Permission>,
}

impl PermissionSet {
    /// Builds a set from stored strings, skipping (and logging) any that no longer parse.
    pub fn from_strings<'a>(strings: impl IntoIterator<Item = &'a str>) -> PermissionSet {
        let mut grants = Vec::new();
        for s in strings {
            match Permission::parse(s) {
                Ok(p) if !grants.contains(&p) => grants.push(p),
                Ok(_) => {}
                Err(e) => tracing::warn!("ignoring stored permission: {e}"),
            }
        }
        PermissionSet { grants }
    }

    /// Whether the set allows `required` (`resource:action`) on every object.
    pub fn allows(&self, required: &str) -> bool {
        self.allows_on(required, None)
    }

    /// Whether the set allows `required` (`resource:action`) on the object `scope`.
    pub fn allows_on(&self, required: &str, scope: Option<&str>) -> bool {
        let Some((resource, action)) = required.split_once(':') else {
            return false;
        };
        self.grants.iter().any(|g| g.covers(resource, action, scope))
    }

    /// Whether some grant covers `required` on at least one object (a scoped grant counts).
    pub fn allows_somewhere(&self, required: &str) -> bool {
        let Some((resource, action)) = required.split_once(':') else {
            return false;
        };
        self.grants.iter().any(|g| g.covers(resource, action, g.scope.as_deref()))
    }

    /// Whether the set holds `*`.
    pub fn is_superuser(&self) -> bool {
        self.grants.iter().any(|g| g.resource == "*")
    }

    /// The grants as strings, in a stable order.
    pub fn to_strings(&self) -> Vec<String> {
        self.grants.iter().map(ToString::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(grants: &[&str]) -> PermissionSet {
        PermissionSet::from_strings(grants.iter().copied())
    }

    #[test]
    fn wildcard_allows_everything() {
        assert!(set(&["*"]).allows("users:write"));
        assert!(set(&["*"]).allows_on("datasource:write", Some("ds_1")));
    }

    #[test]
    fn resource_wildcard_stays_in_its_resource() {
        let s = set(&["users:*"]);
        assert!(s.allows("users:read") && s.allows("users:write"));
        assert!(!s.allows("roles:read"));
    }

    #[test]
    fn scoped_grants_cover_only_their_object() {
        let s = set(&["datasource:write:ds_1"]);
        assert!(s.allows_on("datasource:write", Some("ds_1")));
        assert!(!s.allows_on("datasource:write", Some("ds_2")));
        assert!(!s.allows("datasource:write"));
        assert!(set(&["datasource:write"]).allows_on("datasource:write", Some("ds_2")));
    }

    #[test]
    fn rejects_unknown_and_malformed() {
        for bad in ["", "users", "users:", "nope:read", "users:fly", "Users:read", "users:*:x", "users:read:a b", "*:*"]
        {
            assert!(Permission::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        for good in ["*", "users:*", "users:read", "datasource:read:ds_main"] {
            assert_eq!(Permission::parse(good).unwrap().to_string(), good);
        }
    }

    #[test]
    fn scoped_grants_count_somewhere() {
        let s = set(&["datasource:read:demo"]);
        assert!(s.allows_somewhere("datasource:read"));
        assert!(!s.allows_somewhere("datasource:write"));
        assert!(!s.is_superuser() && set(&["*"]).is_superuser());
    }

    #[test]
    fn empty_set_allows_nothing() {
        assert!(!PermissionSet::default().allows("users:read"));
        assert!(!set(&["users:read"]).allows("malformed"));
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(s in "\\PC{0,40}") {
            if let Ok(p) = Permission::parse(&s) {
                prop_assert_eq!(Permission::parse(&p.to_string()).unwrap(), p);
            }
        }
    }
}
