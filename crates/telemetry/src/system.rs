//! Host and process readings from `/proc` (Linux): CPU usage between two readings, memory in
//! use, the process's resident set. Elsewhere the readings are absent rather than invented.

/// One reading of the host's CPU counters.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuTimes {
    busy: u64,
    total: u64,
}

/// Reads `/proc/stat`'s first line.
pub fn cpu_times() -> Option<CpuTimes> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    parse_cpu(text.lines().next()?)
}

fn parse_cpu(line: &str) -> Option<CpuTimes> {
    let mut parts = line.split_whitespace();
    if parts.next()? != "cpu" {
        return None;
    }
    let v: Vec<u64> = parts.filter_map(|p| p.parse().ok()).collect();
    if v.len() < 4 {
        return None;
    }
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    let total: u64 = v.iter().take(8).sum();
    let idle = v[3] + v.get(4).copied().unwrap_or(0);
    Some(CpuTimes { busy: total - idle, total })
}

/// Percentage of CPU time busy between two readings.
pub fn cpu_usage(before: CpuTimes, after: CpuTimes) -> Option<f64> {
    let total = after.total.checked_sub(before.total)?;
    let busy = after.busy.checked_sub(before.busy)?;
    (total > 0).then(|| busy as f64 * 100.0 / total as f64)
}

/// Percentage of the host's memory in use (`MemTotal` − `MemAvailable`).
pub fn memory_usage() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_meminfo(&text)
}

fn parse_meminfo(text: &str) -> Option<f64> {
    let field = |name: &str| -> Option<f64> {
        text.lines().find(|l| l.starts_with(name))?.split_whitespace().nth(1)?.parse().ok()
    };
    let total = field("MemTotal:")?;
    let available = field("MemAvailable:")?;
    (total > 0.0).then(|| (total - available) * 100.0 / total)
}

/// The process's resident set, in bytes.
pub fn process_rss() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = text.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_usage_is_busy_over_total() {
        let a = parse_cpu("cpu  100 0 100 800 0 0 0 0 0 0").unwrap();
        let b = parse_cpu("cpu  150 0 150 900 0 0 0 0 0 0").unwrap();
        assert_eq!(cpu_usage(a, b), Some(50.0));
        assert_eq!(cpu_usage(b, b), None);
        assert!(parse_cpu("intr 1 2 3").is_none());
    }

    #[test]
    fn memory_usage_uses_available_memory() {
        let text = "MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    250 kB\n";
        assert_eq!(parse_meminfo(text), Some(75.0));
    }

    #[test]
    fn this_machine_answers_readings() {
        if cfg!(target_os = "linux") {
            assert!(process_rss().unwrap() > 0.0);
            assert!(memory_usage().is_some());
            assert!(cpu_times().is_some());
        }
    }
}
