//! Trigger cases: reading and validation (each problem at its path), cron fire times across time zones and DST, `due` and its cap.

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::schedule::{GRACE_SECONDS, MAX_DUE_SCAN, MAX_UPCOMING};
use crate::{CatchUp, Definition, Due, Problem, ScheduleTrigger, Trigger, TriggerKind, WebhookTrigger, validate};

/// Validates a one-node workflow with these triggers.
fn read(triggers: Value) -> Result<Vec<Trigger>, Vec<Problem>> {
    let def = json!({"name": "t", "nodes": [{"id": "a", "type": "delay", "config": {"ms": 1}}], "triggers": triggers});
    let def: Definition = serde_json::from_value(def).expect("deserializes");
    validate(&def, &|_| true).map(|v| v.triggers)
}

/// Expects exactly these `(path, code)` problems, in order.
#[track_caller]
fn check(triggers: Value, expected: &[(&str, &str)]) {
    let problems = read(triggers).expect_err("invalid");
    let got: Vec<(&str, &str)> = problems.iter().map(|p| (p.path.as_str(), p.code)).collect();
    assert_eq!(got, expected, "{problems:#?}");
}

/// Expects one problem at `path` whose message contains `fragment`.
#[track_caller]
fn check_message(triggers: Value, path: &str, fragment: &str) {
    let problems = read(triggers).expect_err("invalid");
    assert!(
        problems.iter().any(|p| p.path == path && p.message.contains(fragment)),
        "{problems:#?} lacks {fragment:?} at {path}"
    );
}

fn one(trigger: Value) -> Trigger {
    let mut triggers = read(json!([trigger])).expect("valid");
    assert_eq!(triggers.len(), 1);
    triggers.remove(0)
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single().expect("a valid UTC time")
}

fn tz(name: &str) -> Tz {
    name.parse().expect("a known zone")
}

fn schedule(cron: &str, zone: &str, catch_up: CatchUp) -> ScheduleTrigger {
    ScheduleTrigger::new(cron, tz(zone), catch_up).expect("a valid cron")
}

#[test]
fn the_seed_trigger_validates() {
    let t = one(json!({"type": "webhook",
        "config": {"url": "https://example.com/webhook/order-created", "secret": "webhook_secret_123"}}));
    assert_eq!((t.id.as_str(), t.enabled), ("trigger_1", true));
    let TriggerKind::Webhook(w) = &t.kind else { panic!("a webhook") };
    assert_eq!(w, &WebhookTrigger { path: None, secret: Some("webhook_secret_123".into()) });
    assert_eq!(w.hook_segment("wf_42"), "wf_42");
    assert!(!w.keeps_stored_secret());
    assert_eq!(t.kind.type_name(), "webhook");
}

#[test]
fn each_type_reads_with_its_defaults() {
    let t = one(json!({"id": "order-hook", "type": "webhook", "enabled": false,
        "config": {"path": "order_created", "secret": "******"}}));
    assert_eq!((t.id.as_str(), t.enabled), ("order-hook", false));
    let TriggerKind::Webhook(w) = &t.kind else { panic!("a webhook") };
    assert_eq!(w.hook_segment("wf_42"), "order_created");
    assert!(w.keeps_stored_secret(), "the mask is accepted as is");
    assert_eq!(one(json!({"type": "webhook"})).kind, TriggerKind::Webhook(WebhookTrigger { path: None, secret: None }));

    let t = one(json!({"type": "schedule", "config": {"cron": "0 9 * * MON-FRI"}}));
    let TriggerKind::Schedule(s) = &t.kind else { panic!("a schedule") };
    assert_eq!((s.cron(), s.timezone, s.catch_up), ("0 9 * * MON-FRI", Tz::UTC, CatchUp::Latest));
    let t = one(json!({"type": "schedule",
        "config": {"cron": "0 0 9 * * *", "timezone": "Asia/Shanghai", "catchUp": "none"}}));
    let TriggerKind::Schedule(s) = &t.kind else { panic!("a schedule") };
    assert_eq!((s.timezone, s.catch_up), (tz("Asia/Shanghai"), CatchUp::None));
    assert_eq!(one(json!({"type": "schedule", "config": {"cron": "@daily"}})).kind.type_name(), "schedule");

    assert_eq!(one(json!({"type": "manual"})).kind, TriggerKind::Manual);
    assert_eq!(one(json!({"type": "manual", "config": {}, "enabled": null})).kind, TriggerKind::Manual);
}

#[test]
fn ids_default_to_their_position_and_must_be_unique() {
    let triggers =
        read(json!([{"type": "manual"}, {"id": "nightly", "type": "manual"}, {"type": "manual"}])).expect("valid");
    let ids: Vec<&str> = triggers.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["trigger_1", "nightly", "trigger_3"]);

    check(json!([{"id": "a", "type": "manual"}, {"id": "a", "type": "manual"}]), &[("triggers[1].id", "duplicate_id")]);
    // A default id can collide with one that was given.
    let def = json!([{"id": "trigger_2", "type": "manual"}, {"type": "manual"}]);
    check(def.clone(), &[("triggers[1].id", "duplicate_id")]);
    check_message(def, "triggers[1].id", "it is called trigger_2, which triggers[0] already uses");

    check(
        json!([{"id": "a b", "type": "manual"}, {"id": "x".repeat(65), "type": "manual"}, {"id": 7, "type": "manual"},
               {"id": "", "type": "manual"}]),
        &[
            ("triggers[0].id", "invalid_field"),
            ("triggers[1].id", "invalid_field"),
            ("triggers[2].id", "invalid_field"),
            ("triggers[3].id", "invalid_field"),
        ],
    );
    assert_eq!(one(json!({"id": "x".repeat(64), "type": "manual"})).id.len(), 64);
}

#[test]
fn trigger_level_problems() {
    check(json!([7]), &[("triggers[0]", "invalid_field")]);
    check(json!([{"config": {}}]), &[("triggers[0].type", "missing_field")]);
    check(json!([{"type": 1}]), &[("triggers[0].type", "invalid_field")]);
    check(json!([{"type": "webhok"}]), &[("triggers[0].type", "unknown_trigger_type")]);
    check_message(json!([{"type": "webhok"}]), "triggers[0].type", "did you mean webhook?");
    check(json!([{"type": "manual", "enabled": "yes"}]), &[("triggers[0].enabled", "invalid_field")]);
    check(json!([{"type": "webhook", "config": "x"}]), &[("triggers[0].config", "invalid_field")]);
    // A typo in `enabled` would otherwise leave a trigger meant to be off firing.
    check(json!([{"type": "manual", "enable": false}]), &[("triggers[0].enable", "unknown_field")]);
    check_message(json!([{"type": "manual", "enable": false}]), "triggers[0].enable", "did you mean enabled?");
    check(json!([{"type": "manual", "config": {"x": 1}}]), &[("triggers[0].config.x", "unknown_field")]);
    let many: Vec<Value> = (0..101).map(|_| json!({"type": "manual"})).collect();
    check(json!(many), &[("triggers", "too_many_triggers")]);
}

#[test]
fn webhook_problems() {
    check(
        json!([{"type": "webhook", "config": {"path": "orders/new", "secret": "short", "url": 3, "secrt": "x"}}]),
        &[
            ("triggers[0].config.path", "invalid_field"),
            ("triggers[0].config.secret", "invalid_field"),
            ("triggers[0].config.url", "invalid_field"),
            ("triggers[0].config.secrt", "unknown_field"),
        ],
    );
    check_message(
        json!([{"type": "webhook", "config": {"secrt": "x"}}]),
        "triggers[0].config.secrt",
        "did you mean secret?",
    );
    check_message(json!([{"type": "webhook", "config": {"secret": ""}}]), "triggers[0].config.secret", "at least 16");
    check(
        json!([{"type": "webhook", "config": {"path": "p".repeat(101)}}]),
        &[("triggers[0].config.path", "invalid_field")],
    );
    assert!(
        read(json!([{"type": "webhook", "config": {"secret": "0123456789abcdef", "path": "p".repeat(100)}}])).is_ok()
    );
    // Two webhooks cannot share a URL: both without a path listen at the workflow's own hook.
    check(json!([{"type": "webhook"}, {"type": "webhook"}]), &[("triggers[1].config.path", "duplicate_path")]);
    check(
        json!([{"type": "webhook", "config": {"path": "a"}}, {"type": "webhook", "config": {"path": "a"}}]),
        &[("triggers[1].config.path", "duplicate_path")],
    );
    assert!(read(json!([{"type": "webhook"}, {"type": "webhook", "config": {"path": "a"}}])).is_ok());
}

#[test]
fn schedule_problems() {
    let at = "triggers[0].config.cron";
    check(json!([{"type": "schedule"}]), &[(at, "missing_field")]);
    check(json!([{"type": "schedule", "config": {"cron": null}}]), &[(at, "missing_field")]);
    check(json!([{"type": "schedule", "config": {"cron": 5}}]), &[(at, "invalid_field")]);
    for cron in ["61 * * * *", "* * * *", "* * * * * * *", "", "@dayly", "0 0 30 2 *", "*/0 * * * *", "5/5 * * * *"] {
        check(json!([{"type": "schedule", "config": {"cron": cron}}]), &[(at, "invalid_cron")]);
    }
    check_message(json!([{"type": "schedule", "config": {"cron": "* * * *"}}]), at, "5 fields");
    check_message(json!([{"type": "schedule", "config": {"cron": "@dayly"}}]), at, "did you mean @daily?");
    check_message(json!([{"type": "schedule", "config": {"cron": "0 0 30 2 *"}}]), at, "never fires");
    check_message(json!([{"type": "schedule", "config": {"cron": "61 * * * *"}}]), at, "out of bounds");

    let zone = "triggers[0].config.timezone";
    check(
        json!([{"type": "schedule", "config": {"cron": "@daily", "timezone": "Asia/Shangai"}}]),
        &[(zone, "unknown_timezone")],
    );
    check_message(
        json!([{"type": "schedule", "config": {"cron": "@daily", "timezone": "Asia/Shangai"}}]),
        zone,
        "did you mean Asia/Shanghai?",
    );
    check_message(
        json!([{"type": "schedule", "config": {"cron": "@daily", "timezone": "america/new_york"}}]),
        zone,
        "did you mean America/New_York?",
    );
    check(
        json!([{"type": "schedule", "config": {"cron": "@daily", "catchUp": "lates", "timezon": "UTC"}}]),
        &[("triggers[0].config.catchUp", "invalid_field"), ("triggers[0].config.timezon", "unknown_field")],
    );
    check_message(
        json!([{"type": "schedule", "config": {"cron": "@daily", "catchUp": "lates"}}]),
        "triggers[0].config.catchUp",
        "did you mean latest?",
    );
    check_message(
        json!([{"type": "schedule", "config": {"cron": "@daily", "timezon": "UTC"}}]),
        "triggers[0].config.timezon",
        "did you mean timezone?",
    );
}

#[test]
fn trigger_problems_are_listed_with_every_other_problem() {
    let def = json!({"name": "", "nodes": [{"id": "a", "type": "dealy"}],
        "triggers": [{"type": "schedule", "config": {"cron": "bad"}}, {"type": "webhook", "config": {"secret": "s"}}]});
    let def: Definition = serde_json::from_value(def).expect("deserializes");
    let problems = validate(&def, &|_| true).expect_err("invalid");
    let got: Vec<(&str, &str)> = problems.iter().map(|p| (p.path.as_str(), p.code)).collect();
    assert_eq!(
        got,
        [
            ("name", "missing_field"),
            ("nodes[0].type", "unknown_node_type"),
            ("triggers[0].config.cron", "invalid_cron"),
            ("triggers[1].config.secret", "invalid_field"),
        ]
    );
}

#[test]
fn the_documented_triggers_validate() {
    let doc = include_str!("../../../../docs/workflows.md");
    let start = doc.find("\n## Triggers").expect("a Triggers section");
    let section = &doc[start + 1..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |i| i + 1)];
    let mut examples = 0;
    for block in section.split("```json\n").skip(1) {
        let json = &block[..block.find("```").expect("closed")];
        let triggers: Value = serde_json::from_str(json).expect("the example is JSON");
        read(triggers).expect("the documented triggers are valid");
        examples += 1;
    }
    assert!(examples > 0, "the Triggers section has a JSON example");
}

#[test]
fn next_after_reads_five_and_six_fields() {
    let weekdays = schedule("0 9 * * MON-FRI", "UTC", CatchUp::Latest);
    // 2026-01-03 is a Saturday.
    assert_eq!(weekdays.next_after(utc(2026, 1, 3, 12, 0, 0)), Some(utc(2026, 1, 5, 9, 0, 0)));
    // Strictly after: a fire time itself is not returned.
    assert_eq!(weekdays.next_after(utc(2026, 1, 5, 9, 0, 0)), Some(utc(2026, 1, 6, 9, 0, 0)));
    let seconds = schedule("*/10 * * * * *", "UTC", CatchUp::Latest);
    assert_eq!(seconds.next_after(utc(2026, 1, 1, 12, 0, 5)), Some(utc(2026, 1, 1, 12, 0, 10)));
    assert_eq!(seconds.next_after(utc(2026, 1, 1, 12, 0, 10)), Some(utc(2026, 1, 1, 12, 0, 20)));
    let noon = schedule("30 0 12 * * *", "UTC", CatchUp::Latest);
    assert_eq!(noon.next_after(utc(2026, 1, 1, 0, 0, 0)), Some(utc(2026, 1, 1, 12, 0, 30)));
    // Fractions of a second: the next whole fire time after the instant.
    let t = utc(2026, 1, 1, 9, 59, 59) + Duration::milliseconds(500);
    assert_eq!(schedule("0 10 * * *", "UTC", CatchUp::Latest).next_after(t), Some(utc(2026, 1, 1, 10, 0, 0)));
    assert_eq!(
        schedule("@hourly", "UTC", CatchUp::Latest).next_after(utc(2026, 1, 1, 10, 15, 0)),
        Some(utc(2026, 1, 1, 11, 0, 0))
    );
    assert_eq!(
        schedule("@monthly", "UTC", CatchUp::Latest).next_after(utc(2026, 1, 15, 0, 0, 0)),
        Some(utc(2026, 2, 1, 0, 0, 0))
    );
    // Leap days only: the next one after 2026 is in 2028.
    assert_eq!(
        schedule("0 0 29 2 *", "UTC", CatchUp::Latest).next_after(utc(2026, 1, 1, 0, 0, 0)),
        Some(utc(2028, 2, 29, 0, 0, 0))
    );
}

#[test]
fn time_zones_shift_fire_times() {
    let shanghai = schedule("0 9 * * *", "Asia/Shanghai", CatchUp::Latest);
    // 09:00 in Shanghai (UTC+8, no DST) is 01:00 UTC.
    assert_eq!(shanghai.next_after(utc(2026, 1, 1, 0, 0, 0)), Some(utc(2026, 1, 1, 1, 0, 0)));
    assert_eq!(shanghai.next_after(utc(2026, 1, 1, 2, 0, 0)), Some(utc(2026, 1, 2, 1, 0, 0)));
    assert_eq!(shanghai.next_after(utc(2026, 7, 1, 2, 0, 0)), Some(utc(2026, 7, 2, 1, 0, 0)));
    // New York: 09:00 is 14:00 UTC in winter (EST) and 13:00 UTC in summer (EDT).
    let ny = schedule("0 9 * * *", "America/New_York", CatchUp::Latest);
    assert_eq!(ny.next_after(utc(2026, 1, 10, 0, 0, 0)), Some(utc(2026, 1, 10, 14, 0, 0)));
    assert_eq!(ny.next_after(utc(2026, 7, 10, 0, 0, 0)), Some(utc(2026, 7, 10, 13, 0, 0)));
}

#[test]
fn spring_forward_shifts_fixed_times_and_skips_interval_times() {
    // On 2026-03-08 New York's clocks jump from 02:00 EST to 03:00 EDT (07:00 UTC).
    let before = utc(2026, 3, 8, 5, 0, 0); // 00:00 EST
    let fixed = schedule("30 2 * * *", "America/New_York", CatchUp::Latest);
    // 02:30 does not exist that day: croner runs the job at the first valid time after the gap.
    assert_eq!(fixed.upcoming(before, 2), [utc(2026, 3, 8, 7, 0, 0), utc(2026, 3, 9, 6, 30, 0)]);
    // Interval jobs skip the times in the gap (02:00 and 02:30 that day).
    let interval = schedule("*/30 2 * * *", "America/New_York", CatchUp::Latest);
    assert_eq!(interval.next_after(before), Some(utc(2026, 3, 9, 6, 0, 0)));
    // Hourly goes on hour by hour in real time: 01:00 EST, then 03:00 EDT.
    let hourly = schedule("0 * * * *", "America/New_York", CatchUp::Latest);
    assert_eq!(
        hourly.upcoming(utc(2026, 3, 8, 5, 30, 0), 3),
        [utc(2026, 3, 8, 6, 0, 0), utc(2026, 3, 8, 7, 0, 0), utc(2026, 3, 8, 8, 0, 0)]
    );
}

#[test]
fn fall_back_fires_a_repeated_time_once() {
    // On 2026-11-01 New York's clocks go from 02:00 EDT back to 01:00 EST (06:00 UTC), so 01:30 happens twice.
    let before = utc(2026, 11, 1, 4, 0, 0); // 00:00 EDT
    let fixed = schedule("30 1 * * *", "America/New_York", CatchUp::Latest);
    assert_eq!(
        fixed.upcoming(before, 3),
        [utc(2026, 11, 1, 5, 30, 0), utc(2026, 11, 2, 6, 30, 0), utc(2026, 11, 3, 6, 30, 0)],
        "01:30 EDT only, not 01:30 EST"
    );
    let due = fixed.due(before, utc(2026, 11, 1, 8, 0, 0));
    assert_eq!(
        due,
        Due {
            run: Some(utc(2026, 11, 1, 5, 30, 0)),
            latest: Some(utc(2026, 11, 1, 5, 30, 0)),
            skipped: 0,
            skipped_capped: false
        }
    );
    // Hourly runs on both passes of 01:00, as real time goes on.
    let hourly = schedule("0 * * * *", "America/New_York", CatchUp::Latest);
    assert_eq!(
        hourly.upcoming(utc(2026, 11, 1, 4, 30, 0), 3),
        [utc(2026, 11, 1, 5, 0, 0), utc(2026, 11, 1, 6, 0, 0), utc(2026, 11, 1, 7, 0, 0)]
    );
}

#[test]
fn due_after_a_three_day_downtime() {
    let last = utc(2026, 1, 1, 0, 0, 0);
    let back = last + Duration::hours(72);
    // Latest: the most recent missed hour runs; the 71 before it are skipped.
    let latest = schedule("0 * * * *", "UTC", CatchUp::Latest);
    assert_eq!(latest.due(last, back), Due { run: Some(back), latest: Some(back), skipped: 71, skipped_capped: false });
    let later = back + Duration::minutes(5);
    assert_eq!(
        latest.due(last, later),
        Due { run: Some(back), latest: Some(back), skipped: 71, skipped_capped: false }
    );

    // None: the most recent hour runs only within the grace window.
    let none = schedule("0 * * * *", "UTC", CatchUp::None);
    let grace = Duration::seconds(GRACE_SECONDS);
    assert_eq!(
        none.due(last, back + grace),
        Due { run: Some(back), latest: Some(back), skipped: 71, skipped_capped: false }
    );
    let late = back + grace + Duration::seconds(1);
    assert_eq!(none.due(last, late), Due { run: None, latest: Some(back), skipped: 72, skipped_capped: false });
    // Recording `latest` as the next `last` counts nothing twice.
    assert_eq!(none.due(back, late), Due::default());
}

#[test]
fn due_in_normal_operation() {
    let hourly = schedule("0 * * * *", "UTC", CatchUp::None);
    let last = utc(2026, 1, 1, 10, 0, 0);
    assert_eq!(hourly.due(last, utc(2026, 1, 1, 10, 59, 59)), Due::default());
    let tick = utc(2026, 1, 1, 11, 0, 2);
    assert_eq!(hourly.due(last, tick).run, Some(utc(2026, 1, 1, 11, 0, 0)));
    assert_eq!(hourly.due(last, tick).skipped, 0);
    assert_eq!(hourly.due(last, last), Due::default());
    assert_eq!(hourly.due(tick, last), Due::default(), "a clock that went back runs nothing");
}

#[test]
fn due_is_bounded_for_every_second_over_a_year() {
    let last = utc(2026, 1, 1, 0, 0, 0);
    let now = utc(2027, 1, 1, 0, 0, 0);
    for catch_up in [CatchUp::Latest, CatchUp::None] {
        let due = schedule("* * * * * *", "UTC", catch_up).due(last, now);
        assert_eq!(due, Due { run: Some(now), latest: Some(now), skipped: MAX_DUE_SCAN, skipped_capped: true });
    }
}

#[test]
fn upcoming_previews_fire_times() {
    let quarter = schedule("*/15 * * * *", "UTC", CatchUp::Latest);
    let after = utc(2026, 1, 1, 10, 7, 0);
    let expected = [(10, 15), (10, 30), (10, 45), (11, 0), (11, 15)].map(|(h, m)| utc(2026, 1, 1, h, m, 0));
    assert_eq!(quarter.upcoming(after, 5), expected);
    assert!(quarter.upcoming(after, 0).is_empty());
    assert_eq!(schedule("@daily", "UTC", CatchUp::Latest).upcoming(after, usize::MAX).len(), MAX_UPCOMING);
}

/// Crons and zones for the properties: fixed and interval jobs, seconds, leap days, zones with
/// DST of an hour and of half an hour, and a zone off by 45 minutes.
const CRONS: [&str; 9] = [
    "* * * * *",
    "0 * * * *",
    "*/7 * * * * *",
    "30 2 * * *",
    "0 9 * * MON-FRI",
    "0 0 29 2 *",
    "@daily",
    "15 1 * * *",
    "0 0 L * *",
];
const ZONES: [&str; 6] =
    ["UTC", "America/New_York", "Asia/Shanghai", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu"];
/// Ten years, in milliseconds.
const TEN_YEARS_MS: i64 = 10 * 365 * 24 * 3600 * 1000;

fn instant(offset_ms: i64) -> DateTime<Utc> {
    utc(2026, 1, 1, 0, 0, 0) + Duration::milliseconds(offset_ms)
}

proptest! {
    #[test]
    fn next_after_is_strictly_increasing(cron in 0..CRONS.len(), zone in 0..ZONES.len(), t in -TEN_YEARS_MS..TEN_YEARS_MS) {
        let s = schedule(CRONS[cron], ZONES[zone], CatchUp::Latest);
        let t = instant(t);
        let a = s.next_after(t).expect("fires within the range");
        let b = s.next_after(a).expect("fires again");
        prop_assert!(t < a && a < b, "{t} {a} {b}");
        prop_assert_eq!(a.timestamp_subsec_nanos(), 0);
    }
}

proptest! {
    // Each case may count up to MAX_DUE_SCAN fire times, so fewer cases keep the suite fast.
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn due_never_panics_and_is_consistent(
        cron in 0..CRONS.len(),
        zone in 0..ZONES.len(),
        none in any::<bool>(),
        a in -TEN_YEARS_MS..TEN_YEARS_MS,
        b in -TEN_YEARS_MS..TEN_YEARS_MS,
    ) {
        let catch_up = if none { CatchUp::None } else { CatchUp::Latest };
        let s = schedule(CRONS[cron], ZONES[zone], catch_up);
        let (last, now) = (instant(a.min(b)), instant(a.max(b)));
        let due = s.due(last, now);
        match due.latest {
            Some(latest) => {
                prop_assert!(last < latest && latest <= now);
                // Nothing fires between the latest fire time and now.
                prop_assert!(s.next_after(latest).is_none_or(|n| n > now));
                prop_assert!(due.run.is_none() || due.run == Some(latest));
                prop_assert!(due.skipped <= MAX_DUE_SCAN + 1);
            }
            None => {
                prop_assert_eq!(due, Due::default());
                prop_assert!(s.next_after(last).is_none_or(|n| n > now));
            }
        }
    }
}
