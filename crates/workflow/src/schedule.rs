//! Cron schedules of `schedule` triggers: parsing, and the pure fire-time computations the engine's ticker asks for.
//!
//! Nothing here reads the clock: every computation takes the instants it needs, so the engine
//! decides what "now" is and tests can pin it. Cron expressions are evaluated in the trigger's
//! IANA time zone by `croner`, whose documented DST rules apply: in a spring-forward gap a
//! fixed-time job (`30 2 * * *`) runs at the first valid time after the gap and interval jobs
//! (`*/30 * * * *`) skip the missing times; in a fall-back overlap a fixed-time job runs once (on
//! the first pass) and interval jobs run on both passes, as real time goes on.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use query::closest;

/// How far back a fire time may lie and still be run under [`CatchUp::None`], in seconds.
pub const GRACE_SECONDS: i64 = 60;

/// The most fire times [`ScheduleTrigger::due`] counts when it reports skipped ones, so that an
/// every-second cron after a long downtime costs a bounded amount of work.
pub const MAX_DUE_SCAN: usize = 10_000;

/// The most fire times [`ScheduleTrigger::upcoming`] returns, whatever it is asked for.
pub const MAX_UPCOMING: usize = 1_000;

/// The `@` nicknames a cron may be written as.
pub const NICKNAMES: [&str; 6] = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly"];

/// What to do with fire times that passed while nothing was checking (the engine was down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CatchUp {
    /// Run a fire time only if it is at most [`GRACE_SECONDS`] old; older ones are skipped.
    None,
    /// Run the most recent missed fire time once; earlier ones are skipped.
    #[default]
    Latest,
}

impl CatchUp {
    /// All values with their wire names.
    pub const ALL: [(&'static str, CatchUp); 2] = [("none", CatchUp::None), ("latest", CatchUp::Latest)];

    /// Reads a wire name.
    pub fn parse(s: &str) -> Option<CatchUp> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, c)| *c)
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        Self::ALL.iter().find(|(_, c)| *c == self).map_or("", |(n, _)| n)
    }
}

/// A cron expression that cannot be used, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct InvalidCron {
    /// Why, e.g. "Number out of bounds." or "it never fires".
    pub reason: String,
}

/// What [`ScheduleTrigger::due`] found between the last recorded fire and now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Due {
    /// The fire time to run now, if any (at most one per call).
    pub run: Option<DateTime<Utc>>,
    /// The most recent fire time in `(last, now]`, run or not. The engine records it as the next
    /// `last`, so that skipped fire times are counted once.
    pub latest: Option<DateTime<Utc>>,
    /// How many fire times in `(last, now]` are not run, for the engine's log.
    pub skipped: usize,
    /// Counting stopped after [`MAX_DUE_SCAN`] fire times, so `skipped` is a lower bound.
    pub skipped_capped: bool,
}

/// The settings of a `schedule` trigger, with its parsed cron expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleTrigger {
    /// The time zone the cron expression is read in (default UTC).
    pub timezone: Tz,
    /// What happens to fire times missed during a downtime.
    pub catch_up: CatchUp,
    // The text and its parsed form are private so they cannot disagree. The parsed form is
    // boxed: at some 300 bytes it would make every `TriggerKind` that large.
    text: String,
    cron: Box<Cron>,
}

impl ScheduleTrigger {
    /// Parses `cron`: 5 fields (`min hour dom mon dow`), 6 with seconds first, or one of
    /// [`NICKNAMES`]; croner's extensions (`L`, `W`, `#`, `+`, names such as `MON`) are accepted.
    /// An expression that never fires (`0 0 30 2 *`) is refused too.
    pub fn new(cron: &str, timezone: Tz, catch_up: CatchUp) -> Result<ScheduleTrigger, InvalidCron> {
        // Years are disallowed so that a 6-field expression can only mean "seconds first".
        let parser = CronParser::builder().seconds(Seconds::Optional).year(Year::Disallowed).build();
        let parsed = parser.parse(cron).map_err(|e| InvalidCron { reason: cron_error_reason(cron, &e) })?;
        let trigger = ScheduleTrigger { timezone, catch_up, text: cron.trim().to_owned(), cron: Box::new(parsed) };
        // A pattern with no year field repeats within 400 years, so one that has no fire time after
        // this fixed instant (before croner's search limit) has none at all. A fixed instant keeps
        // validation deterministic.
        let reference = DateTime::<Utc>::from_timestamp(946_684_800, 0).unwrap_or_default(); // 2000-01-01
        if trigger.next_after(reference).is_none() {
            return Err(InvalidCron { reason: "it never fires (no date matches all its fields)".into() });
        }
        Ok(trigger)
    }

    /// The cron expression as written (trimmed).
    pub fn cron(&self) -> &str {
        &self.text
    }

    /// The first fire time strictly after `t`, or `None` past croner's range (the year 5000).
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = t.with_timezone(&self.timezone);
        self.cron.find_next_occurrence(&local, false).ok().map(|f| f.with_timezone(&Utc))
    }

    /// The last fire time at or before `t`.
    fn latest_at_or_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = t.with_timezone(&self.timezone);
        self.cron.find_previous_occurrence(&local, true).ok().map(|f| f.with_timezone(&Utc))
    }

    /// Which fire times in `(last, now]` to run, where `last` is the last fire time recorded (or
    /// the time the workflow was published). At most one is run: with [`CatchUp::Latest`] the
    /// most recent one; with [`CatchUp::None`] the most recent one if it is at most
    /// [`GRACE_SECONDS`] before `now`. The others are counted in [`Due::skipped`], up to
    /// [`MAX_DUE_SCAN`]. Nothing is due when `now <= last`.
    pub fn due(&self, last: DateTime<Utc>, now: DateTime<Utc>) -> Due {
        if now <= last {
            return Due::default();
        }
        // The most recent fire time is found by searching backwards from `now`, so that it is
        // exact even when the count below stops at its cap.
        let Some(latest) = self.latest_at_or_before(now).filter(|l| *l > last) else {
            return Due::default();
        };
        let mut earlier = 0;
        let mut capped = false;
        let mut t = last;
        while let Some(fire) = self.next_after(t).filter(|f| *f < latest) {
            if earlier == MAX_DUE_SCAN {
                capped = true;
                break;
            }
            earlier += 1;
            t = fire;
        }
        let run = match self.catch_up {
            CatchUp::Latest => Some(latest),
            CatchUp::None => (now - latest <= TimeDelta::seconds(GRACE_SECONDS)).then_some(latest),
        };
        let skipped = earlier + usize::from(run.is_none());
        Due { run, latest: Some(latest), skipped, skipped_capped: capped }
    }

    /// The next `n` fire times after `after` (at most [`MAX_UPCOMING`]), for previews.
    pub fn upcoming(&self, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let n = n.min(MAX_UPCOMING);
        let mut times = Vec::with_capacity(n);
        let mut t = after;
        while times.len() < n {
            let Some(next) = self.next_after(t) else { break };
            times.push(next);
            t = next;
        }
        times
    }
}

/// Words for a parse error. croner's messages start with the name of its error kind
/// ("Component error: …") and speak of its own options ("when years are disallowed"); the user
/// needs what to write instead.
fn cron_error_reason(cron: &str, e: &croner::errors::CronError) -> String {
    use croner::errors::CronError;
    let cron = cron.trim();
    if cron.starts_with('@') && !NICKNAMES.contains(&cron.to_ascii_lowercase().as_str()) {
        let hint = closest(cron, NICKNAMES).map(|c| format!("did you mean {c}? ")).unwrap_or_default();
        return format!("unknown nickname {cron}; {hint}use one of {}", NICKNAMES.join(", "));
    }
    match e {
        CronError::EmptyPattern => "it is empty".into(),
        CronError::InvalidPattern(m) if m.contains("fields") => {
            "it must have 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first".into()
        }
        CronError::InvalidPattern(m) | CronError::IllegalCharacters(m) | CronError::ComponentError(m) => {
            m.trim_end_matches('.').to_owned()
        }
        other => other.to_string().trim_end_matches('.').to_owned(),
    }
}
