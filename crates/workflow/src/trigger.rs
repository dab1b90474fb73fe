//! Typed triggers (webhook, schedule, manual), read from a definition's `triggers` JSON with every problem collected.
//!
//! [`crate::model::Definition::triggers`] stays raw JSON so that a definition with a broken
//! trigger still deserializes and [`crate::validate`] can list that problem with all the others;
//! [`read_all`] turns each entry into a [`Trigger`].

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono_tz::Tz;
use serde_json::{Map, Value};

use crate::config::Reader;
use crate::schedule::{CatchUp, ScheduleTrigger};
use crate::validate::Problem;
use query::closest;

/// The most triggers a definition may have.
pub const MAX_TRIGGERS: usize = 100;
/// The longest trigger id.
pub const MAX_ID_LEN: usize = 64;
/// The longest webhook path.
pub const MAX_PATH_LEN: usize = 100;
/// The shortest webhook secret a user may choose.
pub const MIN_SECRET_LEN: usize = 16;
/// What the API shows instead of a stored webhook secret; sent back, it means "keep the stored one".
pub const MASKED_SECRET: &str = "******";

/// One trigger of a workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    /// Unique within the definition; `trigger_<position>` (1-based) when not given.
    pub id: String,
    /// A disabled trigger is kept but never fires (default `true`).
    pub enabled: bool,
    /// The type and its settings.
    pub kind: TriggerKind,
}

/// A trigger's type, with its settings.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerKind {
    /// An HTTP request to the workflow's hook starts an execution.
    Webhook(WebhookTrigger),
    /// A cron schedule starts executions.
    Schedule(ScheduleTrigger),
    /// Executions are started by a user.
    Manual,
}

impl TriggerKind {
    /// The wire names of the types.
    pub const NAMES: [&'static str; 3] = ["webhook", "schedule", "manual"];

    /// The wire name of this type.
    pub fn type_name(&self) -> &'static str {
        match self {
            TriggerKind::Webhook(_) => "webhook",
            TriggerKind::Schedule(_) => "schedule",
            TriggerKind::Manual => "manual",
        }
    }
}

/// The settings of a `webhook` trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTrigger {
    /// The last segment of the hook's URL; the workflow id when `None`.
    pub path: Option<String>,
    /// The HMAC secret as given: `None` (the server generates one), a new secret, or
    /// [`MASKED_SECRET`] (keep the stored one).
    pub secret: Option<String>,
}

impl WebhookTrigger {
    /// The last segment of the hook's URL: the path, or else `workflow_id`.
    pub fn hook_segment<'a>(&'a self, workflow_id: &'a str) -> &'a str {
        self.path.as_deref().unwrap_or(workflow_id)
    }

    /// Whether the secret is [`MASKED_SECRET`], so the stored secret is kept.
    pub fn keeps_stored_secret(&self) -> bool {
        self.secret.as_deref() == Some(MASKED_SECRET)
    }
}

/// Whether `s` is 1 to `max` ASCII letters, digits, `_` or `-` (ids and URL segments).
fn is_slug(s: &str, max: usize) -> bool {
    (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Reads a `schedule` trigger's `config` alone (`{"cron", "timezone", "catchUp"}`) exactly as a
/// definition's trigger is read, for previews: problems carry the config's field names as paths
/// (`cron`, `timezone`).
pub fn read_schedule(config: &Value) -> Result<ScheduleTrigger, Vec<Problem>> {
    let mut problems = Vec::new();
    let trigger = serde_json::json!({"type": "schedule", "config": config});
    let read = read_all(std::slice::from_ref(&trigger), &mut problems);
    if !problems.is_empty() {
        for p in &mut problems {
            let path = p.path.strip_prefix("triggers[0]").unwrap_or(&p.path);
            p.path = path.strip_prefix(".config.").or_else(|| path.strip_prefix('.')).unwrap_or(path).to_owned();
        }
        return Err(problems);
    }
    match read.into_iter().next().map(|t| t.kind) {
        Some(TriggerKind::Schedule(s)) => Ok(s),
        _ => Err(vec![Problem { path: "config".into(), code: "invalid_field", message: "not a schedule".into() }]),
    }
}

/// Reads the triggers of a definition, pushing every problem (paths `triggers[1].config.cron`…).
/// The result lists the triggers that were read; it is parallel to `values` when no problem was pushed.
pub(crate) fn read_all(values: &[Value], problems: &mut Vec<Problem>) -> Vec<Trigger> {
    if values.len() > MAX_TRIGGERS {
        problems.push(Problem {
            path: "triggers".into(),
            code: "too_many_triggers",
            message: format!("at most {MAX_TRIGGERS} triggers, got {}", values.len()),
        });
        return Vec::new();
    }
    let mut triggers = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    // Webhooks by hook segment (`None`: the workflow id), since two of them cannot share a URL.
    let mut hooks: HashMap<Option<String>, usize> = HashMap::new();
    for (i, value) in values.iter().enumerate() {
        let at = format!("triggers[{i}]");
        let Some(obj) = value.as_object() else {
            problems.push(Problem { path: at, code: "invalid_field", message: "a trigger must be an object".into() });
            continue;
        };
        let mut r = Reader { obj, at, problems };
        let id = r.id(i, &mut ids);
        let kind = r.kind();
        let enabled = r.enabled();
        r.unknown_fields(&["id", "type", "enabled", "config"]);
        if let Some(TriggerKind::Webhook(w)) = &kind {
            match hooks.entry(w.path.clone()) {
                Entry::Vacant(e) => {
                    e.insert(i);
                }
                Entry::Occupied(e) => {
                    let first = e.get();
                    let message = match &w.path {
                        Some(p) => format!("triggers[{first}] already listens at path {p}"),
                        None => format!(
                            "triggers[{first}] already listens at the workflow's own hook; give this one a path"
                        ),
                    };
                    r.problem("config.path", "duplicate_path", message);
                }
            }
        }
        if let (Some(id), Some(kind)) = (id, kind) {
            triggers.push(Trigger { id, enabled, kind });
        }
    }
    triggers
}

impl Reader<'_> {
    /// An optional string field (`null` counts as absent).
    fn any_string(&mut self, key: &str) -> Option<String> {
        match self.obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.problem(key, "invalid_field", format!("{key} must be a string"));
                None
            }
        }
    }

    /// The id, defaulted from the position `index` and checked against the ids seen so far.
    fn id(&mut self, index: usize, ids: &mut HashMap<String, usize>) -> Option<String> {
        let (id, given) = match self.obj.get("id") {
            None | Some(Value::Null) => (format!("trigger_{}", index + 1), false),
            Some(Value::String(s)) if is_slug(s, MAX_ID_LEN) => (s.clone(), true),
            Some(Value::String(s)) => {
                let m = format!("id {s:?} must be 1 to {MAX_ID_LEN} letters, digits, _ or -");
                self.problem("id", "invalid_field", m);
                return None;
            }
            Some(_) => {
                self.problem("id", "invalid_field", "id must be a string".into());
                return None;
            }
        };
        if let Some(&first) = ids.get(&id) {
            let message = if given {
                format!("trigger id {id} is already used by triggers[{first}]")
            } else {
                format!("this trigger has no id, so it is called {id}, which triggers[{first}] already uses")
            };
            self.problem("id", "duplicate_id", message);
        } else {
            ids.insert(id.clone(), index);
        }
        Some(id)
    }

    fn enabled(&mut self) -> bool {
        match self.obj.get("enabled") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.problem("enabled", "invalid_field", "enabled must be true or false".into());
                true
            }
        }
    }

    /// The type and its config.
    fn kind(&mut self) -> Option<TriggerKind> {
        let names = TriggerKind::NAMES.join(", ");
        let name = match self.obj.get("type") {
            Some(Value::String(s)) => s.clone(),
            None | Some(Value::Null) => {
                self.problem("type", "missing_field", format!("type is required: {names}"));
                return None;
            }
            Some(_) => {
                self.problem("type", "invalid_field", format!("type must be a string: {names}"));
                return None;
            }
        };
        if !TriggerKind::NAMES.contains(&name.as_str()) {
            let hint = closest(&name, TriggerKind::NAMES).map(|c| format!("; did you mean {c}?")).unwrap_or_default();
            let message = format!("unknown trigger type {name:?}{hint} (use {names})");
            self.problem("type", "unknown_trigger_type", message);
            return None;
        }
        let empty = Map::new();
        let obj = match self.obj.get("config") {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(obj)) => obj,
            Some(_) => {
                self.problem("config", "invalid_field", "config must be an object".into());
                return None;
            }
        };
        let before = self.problems.len();
        let mut c = Reader { obj, at: format!("{}.config", self.at), problems: self.problems };
        let kind = match name.as_str() {
            "webhook" => c.webhook(),
            "schedule" => c.schedule(),
            _ => {
                c.unknown_fields(&[]);
                Some(TriggerKind::Manual)
            }
        };
        kind.filter(|_| self.problems.len() == before)
    }

    fn webhook(&mut self) -> Option<TriggerKind> {
        let path = self.any_string("path");
        if let Some(p) = &path
            && !is_slug(p, MAX_PATH_LEN)
        {
            let m = format!("path {p:?} must be 1 to {MAX_PATH_LEN} letters, digits, _ or -");
            self.problem("path", "invalid_field", m);
        }
        let secret = self.any_string("secret");
        if let Some(s) = &secret
            && s != MASKED_SECRET
            && s.chars().count() < MIN_SECRET_LEN
        {
            let m = format!("secret must be at least {MIN_SECRET_LEN} characters; leave it out to have one generated");
            self.problem("secret", "invalid_field", m);
        }
        // `url` is a note for humans (the seed has one): checked for its type, never called.
        self.any_string("url");
        self.unknown_fields(&["path", "secret", "url"]);
        Some(TriggerKind::Webhook(WebhookTrigger { path, secret }))
    }

    fn schedule(&mut self) -> Option<TriggerKind> {
        // The cron is read first so its problem comes first; it does not depend on the zone.
        let given = self.obj.get("cron").is_some_and(|v| !v.is_null());
        let schedule = match self.any_string("cron") {
            None if !given => {
                self.problem("cron", "missing_field", "cron is required, e.g. \"0 9 * * MON-FRI\"".into());
                None
            }
            None => None,
            Some(cron) => match ScheduleTrigger::new(&cron, Tz::UTC, CatchUp::default()) {
                Ok(s) => Some(s),
                Err(e) => {
                    self.problem("cron", "invalid_cron", format!("invalid cron expression {cron:?}: {e}"));
                    None
                }
            },
        };
        let timezone = match self.any_string("timezone") {
            None => Some(Tz::UTC),
            Some(name) => name.parse::<Tz>().ok().or_else(|| {
                let hint = closest(&name, chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()))
                    .map(|c| format!("; did you mean {c}?"))
                    .unwrap_or_default();
                let m = format!("unknown time zone {name:?}{hint} (use an IANA name such as Europe/Paris)");
                self.problem("timezone", "unknown_timezone", m);
                None
            }),
        };
        let catch_up = match self.any_string("catchUp") {
            None => Some(CatchUp::default()),
            Some(s) => CatchUp::parse(&s).or_else(|| {
                let names = CatchUp::ALL.map(|(n, _)| n);
                let hint = closest(&s, names).map(|c| format!("; did you mean {c}?")).unwrap_or_default();
                self.problem("catchUp", "invalid_field", format!("catchUp must be none or latest{hint}"));
                None
            }),
        };
        self.unknown_fields(&["cron", "timezone", "catchUp"]);
        let (mut schedule, timezone, catch_up) = (schedule?, timezone?, catch_up?);
        schedule.timezone = timezone;
        schedule.catch_up = catch_up;
        Some(TriggerKind::Schedule(schedule))
    }
}
