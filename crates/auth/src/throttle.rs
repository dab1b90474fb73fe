//! Throttling of failed logins, per account-and-client, per client and per account.
//!
//! Counting only per account would let anyone lock the administrator out; only
//! per client would let a botnet guess freely. So three counters are kept, each
//! with its own threshold, and a login is refused while any of them is locked.
//! Locked answers look the same whether or not the username exists.
//! The counters live in this process; a multi-instance deployment gets one set
//! per instance.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The thresholds; failures are counted within `window`.
#[derive(Debug, Clone)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub per_account_and_client: u32,
    pub per_client: u32,
    pub per_account: u32,
    /// The first lockout; each further failure while over a threshold doubles it up to `max_lockout`.
    pub base_lockout: Duration,
    pub max_lockout: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window: Duration::from_secs(15 * 60),
            per_account_and_client: 5,
            per_client: 30,
            per_account: 50,
            base_lockout: Duration::from_secs(30),
            max_lockout: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    failures: u32,
    first: Instant,
    locked_until: Option<Instant>,
}

pub struct LoginThrottle {
    policy: ThrottlePolicy,
    counters: Mutex<HashMap<String, Counter>>,
}

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> LoginThrottle {
        LoginThrottle { policy, counters: Mutex::new(HashMap::new()) }
    }

    fn keys(username: &str, client: &str) -> [(String, u8); 3] {
        let user = username.to_lowercase();
        [(format!("uc\u{0}{user}\u{0}{client}"), 0), (format!("c\u{0}{client}"), 1), (format!("u\u{0}{user}"), 2)]
    }

    fn threshold(&self, kind: u8) -> u32 {
        match kind {
            0 => self.policy.per_account_and_client,
            1 => self.policy.per_client,
            _ => self.policy.per_account,
        }
    }

    /// Seconds to wait before another attempt, or `None` when a login may be tried now.
    pub fn check(&self, username: &str, client: &str) -> Option<u64> {
        let now = Instant::now();
        let counters = self.counters.lock().expect("throttle lock");
        Self::keys(username, client)
            .iter()
            .filter_map(|(key, _)| counters.get(key)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| (until - now).as_secs().max(1))
            .max()
    }

    /// Records a failed login.
    pub fn failed(&self, username: &str, client: &str) {
        let now = Instant::now();
        let mut counters = self.counters.lock().expect("throttle lock");
        if counters.len() > 100_000 {
            let window = self.policy.window;
            counters.retain(|_, c| now - c.first < window || c.locked_until.is_some_and(|u| u > now));
        }
        for (key, kind) in Self::keys(username, client) {
            let threshold = self.threshold(kind);
            let c = counters.entry(key).or_insert(Counter { failures: 0, first: now, locked_until: None });
            if now - c.first >= self.policy.window && c.locked_until.is_none_or(|u| u <= now) {
                *c = Counter { failures: 0, first: now, locked_until: None };
            }
            c.failures += 1;
            if c.failures >= threshold {
                let doublings = (c.failures - threshold).min(16);
                let lockout = self.policy.base_lockout.saturating_mul(1 << doublings).min(self.policy.max_lockout);
                c.locked_until = Some(now + lockout);
            }
        }
    }

    /// Records a successful login: the counters that name this account are cleared.
    pub fn succeeded(&self, username: &str, client: &str) {
        let mut counters = self.counters.lock().expect("throttle lock");
        let [pair, _, account] = Self::keys(username, client);
        counters.remove(&pair.0);
        counters.remove(&account.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> LoginThrottle {
        LoginThrottle::new(ThrottlePolicy {
            per_account_and_client: 3,
            per_client: 5,
            per_account: 8,
            ..Default::default()
        })
    }

    #[test]
    fn locks_after_threshold_for_that_client_only() {
        let t = throttle();
        for _ in 0..2 {
            t.failed("alice", "1.1.1.1");
            assert_eq!(t.check("alice", "1.1.1.1"), None);
        }
        t.failed("Alice", "1.1.1.1");
        assert!(t.check("alice", "1.1.1.1").unwrap() >= 29);
        assert_eq!(t.check("alice", "2.2.2.2"), None, "another client is not locked out");
    }

    #[test]
    fn a_client_spraying_usernames_is_locked() {
        let t = throttle();
        for i in 0..5 {
            t.failed(&format!("user{i}"), "6.6.6.6");
        }
        assert!(t.check("somebody-else", "6.6.6.6").is_some());
    }

    #[test]
    fn success_clears_the_account_counters() {
        let t = throttle();
        t.failed("bob", "1.1.1.1");
        t.failed("bob", "1.1.1.1");
        t.succeeded("bob", "1.1.1.1");
        t.failed("bob", "1.1.1.1");
        assert_eq!(t.check("bob", "1.1.1.1"), None);
    }
}
