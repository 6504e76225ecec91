//! The cluster summary's second table: which Redis commands a broadcast cost, from the `redis`
//! object of each run (jam-bench's `--redis-url`).

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::{lookup, median, text};

/// Which Redis commands a broadcast cost, per setup that used Redis: the median over runs of each
/// command's calls in the window ÷ broadcasts sent in it.
pub(super) fn table(servers: &[(&str, Vec<&Value>)], out: &mut Value) -> String {
    let per_broadcast = |run: &Value, cmd: &str| {
        let calls = lookup(run, &format!("redis.by_command.{cmd}")).unwrap_or(0.0);
        lookup(run, "redis.broadcasts")
            .filter(|&b| b > 0.0)
            .map(|b| calls / b)
    };
    let mut names: Vec<&str> = Vec::new();
    for (_, list) in servers {
        for run in list {
            let by = run.pointer("/redis/by_command").and_then(Value::as_object);
            names.extend(by.into_iter().flat_map(|m| m.keys().map(String::as_str)));
        }
    }
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        return String::new();
    }
    let mut md = String::from(
        "\nRedis commands per broadcast (by Redis's `INFO commandstats`):\n\n| server |",
    );
    for name in &names {
        let _ = write!(md, " {name} |");
    }
    md.push_str(" all |\n|---|");
    md.push_str(&"---:|".repeat(names.len() + 1));
    md.push('\n');
    for (server, list) in servers {
        if !list
            .iter()
            .any(|r| r.get("redis").is_some_and(|v| !v.is_null()))
        {
            continue;
        }
        let _ = write!(md, "| {server} |");
        for name in &names {
            let v = median(list.iter().filter_map(|r| per_broadcast(r, name)).collect());
            let _ = write!(md, " {} |", text(v, 4));
            out[*server]["redis_per_broadcast"][*name] = json!(v);
        }
        let all = median(
            list.iter()
                .filter_map(|r| lookup(r, "redis.commands_per_broadcast"))
                .collect(),
        );
        let _ = writeln!(md, " {} |", text(all, 4));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::super::scenario_table;
    use serde_json::{json, Value};

    #[test]
    fn the_cluster_table_lists_redis_commands_per_broadcast() {
        let run = |server: &str, rpush: u64, redis: bool| {
            let cost = json!({"broadcasts": 100, "commands_per_broadcast": rpush as f64 / 100.0,
                "cpu_us_per_broadcast": 2.0, "by_command": {"rpush": rpush}});
            json!({"scenario": "cluster", "server": server, "deliveries_per_cpu_s": 1000.0,
                "server_cpu_us_per_delivery": 1000.0, "redis": if redis { cost } else { Value::Null }})
        };
        let one = run("1-node", 0, false);
        let (a, b) = (
            run("2-nodes+redis", 10, true),
            run("2-nodes+redis", 30, true),
        );
        let servers = vec![("1-node", vec![&one]), ("2-nodes+redis", vec![&a, &b])];
        let mut out = json!({});
        let md = scenario_table("cluster", &servers, &mut out);
        assert!(
            md.contains("| 2-nodes+redis ÷ 1-node | | 1.00× 1-node"),
            "{md}"
        );
        assert!(md.contains("| server | rpush | all |"), "{md}");
        let by_command = &md[md.find("| server | rpush").unwrap()..];
        assert!(
            by_command.contains("| 2-nodes+redis | 0.2000 | 0.2000 |"),
            "{md}"
        );
        assert!(!by_command.contains("| 1-node |"), "{md}");
        assert_eq!(
            out["cluster"]["2-nodes+redis"]["redis.cpu_us_per_broadcast"],
            json!(2.0)
        );
    }
}
