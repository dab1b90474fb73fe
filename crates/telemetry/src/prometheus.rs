//! The Prometheus text exposition format (version 0.0.4): `quarry_`-prefixed names with dots
//! turned into underscores, counters suffixed `_total`, histograms in seconds with cumulative
//! `le` buckets, `_sum` and `_count`.

use std::fmt::Write;

use crate::registry::{BUCKETS, Sample, Value};

fn metric_name(name: &str, value: &Value) -> String {
    let mut out = String::from("quarry_");
    out.extend(name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }));
    match value {
        Value::Counter(_) => out.push_str("_total"),
        Value::Histogram { .. } => out.push_str("_seconds"),
        Value::Gauge(_) => {}
    }
    out
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn labels(tags: &[(&'static str, String)], extra: Option<(&str, &str)>) -> String {
    let mut parts: Vec<String> = tags.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
    if let Some((k, v)) = extra {
        parts.push(format!("{k}=\"{v}\""));
    }
    if parts.is_empty() { String::new() } else { format!("{{{}}}", parts.join(",")) }
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else {
        format!("{v}")
    }
}

/// Renders samples (as [`crate::Metrics::snapshot`] sorts them: a name's series together).
pub fn render(samples: &[Sample]) -> String {
    let mut out = String::new();
    let mut last: Option<&str> = None;
    for s in samples {
        let name = metric_name(s.name, &s.value);
        if last != Some(s.name) {
            let kind = match s.value {
                Value::Counter(_) => "counter",
                Value::Gauge(_) => "gauge",
                Value::Histogram { .. } => "histogram",
            };
            let _ = writeln!(out, "# HELP {name} Quarry {}", s.name);
            let _ = writeln!(out, "# TYPE {name} {kind}");
            last = Some(s.name);
        }
        match &s.value {
            Value::Counter(n) => {
                let _ = writeln!(out, "{name}{} {n}", labels(&s.tags, None));
            }
            Value::Gauge(v) => {
                let _ = writeln!(out, "{name}{} {}", labels(&s.tags, None), number(*v));
            }
            Value::Histogram { cumulative, count, sum } => {
                for (i, c) in cumulative.iter().enumerate() {
                    let le = BUCKETS.get(i).map_or("+Inf".to_owned(), |b| number(*b));
                    let _ = writeln!(out, "{name}_bucket{} {c}", labels(&s.tags, Some(("le", &le))));
                }
                let _ = writeln!(out, "{name}_sum{} {}", labels(&s.tags, None), number(*sum));
                let _ = writeln!(out, "{name}_count{} {count}", labels(&s.tags, None));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::Metrics;

    #[test]
    fn a_real_parser_reads_every_kind() {
        let m = Metrics::default();
        m.counter_add("api.request.count", &[("endpoint", "/api/v1/x/:id"), ("method", "GET"), ("status", "200")], 3);
        m.counter_add("query.count", &[("datasource", "we\"ird\\name\n")], 1);
        m.gauge_set("system.cpu.usage", &[("host", "h1")], 12.5);
        m.observe("api.request.duration", &[("endpoint", "/e")], Duration::from_millis(7));
        m.observe("api.request.duration", &[("endpoint", "/e")], Duration::from_secs(60));
        let text = super::render(&m.snapshot());
        let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("parses");
        let find =
            |name: &str| scrape.samples.iter().find(|s| s.metric == name).unwrap_or_else(|| panic!("{name}\n{text}"));
        let c = find("quarry_api_request_count_total");
        assert_eq!(c.labels.get("endpoint"), Some("/api/v1/x/:id"));
        assert!(matches!(c.value, prometheus_parse::Value::Counter(v) if v == 3.0), "{:?}", c.value);
        // Escaped as the format requires (this parser hands values back still escaped).
        assert_eq!(find("quarry_query_count_total").labels.get("datasource"), Some(r#"we\"ird\\name\n"#));
        assert!(matches!(find("quarry_system_cpu_usage").value, prometheus_parse::Value::Gauge(v) if v == 12.5));
        let h = find("quarry_api_request_duration_seconds");
        let prometheus_parse::Value::Histogram(buckets) = &h.value else { panic!("{:?}", h.value) };
        let at = |le: f64| buckets.iter().find(|b| b.less_than == le).map(|b| b.count);
        assert_eq!(at(0.005), Some(0.0));
        assert_eq!(at(0.01), Some(1.0));
        assert_eq!(at(f64::INFINITY), Some(2.0));
        assert!(scrape.docs.contains_key("quarry_api_request_duration_seconds"));
    }
}
