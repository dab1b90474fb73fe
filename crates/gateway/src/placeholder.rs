//! `${…}` placeholders in RSQL (seed 002 §(五)): replaced on the server by values, never by
//! text, so a user name with quotes or RSQL operators in it cannot change a filter. The set is
//! an extensible registry: each placeholder has a namespace and a priority, and when two share a
//! name the higher priority wins; `${namespace:name}` picks one explicitly.

use std::sync::Arc;

use crate::oinone::{self, OinoneError};

/// What a placeholder stands for: one value, or a list (spread into `=in=`/`=out=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    One(String),
    Many(Vec<String>),
}

/// Who is asking, for placeholders that depend on the session.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub roles: Vec<String>,
}

type Resolver = Arc<dyn Fn(&Session) -> Option<Resolved> + Send + Sync>;

#[derive(Clone)]
pub struct Placeholder {
    pub namespace: String,
    pub name: String,
    pub priority: i32,
    /// Whether the placeholder needs a signed-in user (11500001 without one).
    pub needs_session: bool,
    resolve: Resolver,
}

impl Placeholder {
    pub fn new(
        namespace: &str,
        name: &str,
        priority: i32,
        needs_session: bool,
        resolve: impl Fn(&Session) -> Option<Resolved> + Send + Sync + 'static,
    ) -> Placeholder {
        Placeholder {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            priority,
            needs_session,
            resolve: Arc::new(resolve),
        }
    }
}

#[derive(Clone, Default)]
pub struct Placeholders {
    entries: Vec<Placeholder>,
}

impl Placeholders {
    /// Oinone's built-ins: `currentUserId`, `currentUser`, `currentUsername`, `currentRoles`,
    /// `now` (UTC, `YYYY-MM-DD HH:MM:SS`) and `today` (`YYYY-MM-DD`).
    pub fn builtin() -> Placeholders {
        let mut p = Placeholders::default();
        p.register(Placeholder::new("builtin", "currentUserId", 0, true, |s| s.user_id.clone().map(Resolved::One)));
        p.register(Placeholder::new("builtin", "currentUser", 0, true, |s| s.user_id.clone().map(Resolved::One)));
        p.register(Placeholder::new("builtin", "currentUsername", 0, true, |s| s.username.clone().map(Resolved::One)));
        p.register(Placeholder::new("builtin", "currentRoles", 0, true, |s| {
            s.user_id.as_ref().map(|_| Resolved::Many(s.roles.clone()))
        }));
        p.register(Placeholder::new("builtin", "now", 0, false, |_| {
            Some(Resolved::One(chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string()))
        }));
        p.register(Placeholder::new("builtin", "today", 0, false, |_| {
            Some(Resolved::One(chrono::Utc::now().format("%Y-%m-%d").to_string()))
        }));
        p
    }

    pub fn register(&mut self, placeholder: Placeholder) {
        self.entries.push(placeholder);
        // Highest priority first; among equals, the latest registration wins.
        self.entries.sort_by_key(|p| std::cmp::Reverse(p.priority));
    }

    /// The value of `${key}` (`name` or `namespace:name`) for `session`; `Ok(None)` when no
    /// placeholder has that name.
    pub fn resolve(&self, key: &str, session: &Session) -> Result<Option<Resolved>, OinoneError> {
        let (namespace, name) = match key.split_once(':') {
            Some((ns, n)) => (Some(ns), n),
            None => (None, key),
        };
        let mut found = self.entries.iter().filter(|p| p.name == name && namespace.is_none_or(|ns| p.namespace == ns));
        let Some(p) = found.next() else { return Ok(None) };
        if p.needs_session && session.user_id.is_none() {
            return Err(OinoneError::new(oinone::NOT_LOGGED_IN, format!("${{{key}}} needs a signed-in user")));
        }
        Ok((p.resolve)(session))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_and_priority() {
        let session =
            Session { user_id: Some("u1".into()), username: Some("o'brien,x==y".into()), roles: vec!["a".into()] };
        let p = Placeholders::builtin();
        assert_eq!(p.resolve("currentUserId", &session).unwrap(), Some(Resolved::One("u1".into())));
        assert_eq!(p.resolve("currentUsername", &session).unwrap(), Some(Resolved::One("o'brien,x==y".into())));
        assert_eq!(p.resolve("currentRoles", &session).unwrap(), Some(Resolved::Many(vec!["a".into()])));
        assert_eq!(p.resolve("nope", &session).unwrap(), None);
        let anonymous = Session::default();
        assert_eq!(p.resolve("currentUser", &anonymous).unwrap_err().code, oinone::NOT_LOGGED_IN);
        assert!(p.resolve("today", &anonymous).unwrap().is_some());

        let mut custom = Placeholders::builtin();
        custom.register(Placeholder::new("tenant", "currentUserId", 10, false, |_| Some(Resolved::One("t".into()))));
        assert_eq!(custom.resolve("currentUserId", &anonymous).unwrap(), Some(Resolved::One("t".into())));
        assert_eq!(custom.resolve("builtin:currentUserId", &session).unwrap(), Some(Resolved::One("u1".into())));
    }
}
