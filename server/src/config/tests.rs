use super::*;

#[test]
fn defaults_are_the_flags_defaults_on_a_free_port() {
    let parsed = Config::try_parse_from(["jam-server"]).unwrap();
    let defaults = Config::defaults();
    assert_eq!(parsed.port, 3001);
    assert_eq!(defaults.port, 0);
    assert_eq!(defaults.max_participants, 16);
    assert_eq!(defaults.empty_room_ttl, Duration::from_secs(600));
    assert_eq!(
        defaults.cors_origins,
        ["http://localhost:5173", "http://127.0.0.1:5173"]
    );
}

#[test]
fn durations_and_repeated_origins_parse() {
    let config = Config::try_parse_from([
        "jam-server",
        "--empty-room-ttl",
        "30s",
        "--cors-origin",
        "http://a.test",
        "--cors-origin",
        "http://b.test",
    ])
    .unwrap();
    assert_eq!(config.empty_room_ttl, Duration::from_secs(30));
    assert_eq!(config.cors_origins, ["http://a.test", "http://b.test"]);
}

/// The flag tables in README.md, docs/operations.md and docs/protocol.md show each flag's
/// default as the parser has it, and README's lists every flag.
#[test]
fn the_docs_tables_show_the_parsers_defaults() {
    let defaults = docs_check::parser_defaults();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let listed = docs_check::check_table(&readme, 2, &defaults);
    for flag in defaults.keys() {
        assert!(listed.contains(flag), "README's flag table lacks --{flag}");
    }
    for (doc, column) in [("docs/operations.md", 2), ("docs/protocol.md", 1)] {
        let text = std::fs::read_to_string(format!("{root}/{doc}")).unwrap();
        assert!(!docs_check::check_table(&text, column, &defaults).is_empty());
    }
}

/// Reading the docs' flag tables.
mod docs_check {
    use std::collections::{BTreeMap, BTreeSet};

    use clap::CommandFactory;

    use crate::config::Config;

    /// Every flag's long name and its default values as the parser renders them (none: optional).
    pub fn parser_defaults() -> BTreeMap<String, Vec<String>> {
        Config::command()
            .get_arguments()
            .filter(|arg| !matches!(arg.get_id().as_str(), "help" | "version"))
            .filter_map(|arg| Some((arg.get_long()?.to_owned(), arg)))
            .map(|(long, arg)| {
                let values = arg.get_default_values().iter();
                (
                    long,
                    values.map(|v| v.to_string_lossy().into_owned()).collect(),
                )
            })
            .collect()
    }

    /// Checks each `| `--flag` | … |` row of `text`: the default in cell `column` (0-based) must be
    /// the parser's, for flags that have one. Returns the flags the rows name.
    pub fn check_table(
        text: &str,
        column: usize,
        defaults: &BTreeMap<String, Vec<String>>,
    ) -> BTreeSet<String> {
        let mut listed = BTreeSet::new();
        for row in text.lines().filter(|line| line.starts_with("| `--")) {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let flags = flag_names(cells[1]);
            let shown = values(cells[column + 1]);
            for (i, flag) in flags.iter().enumerate() {
                let expected = defaults.get(flag);
                let expected = expected.unwrap_or_else(|| panic!("unknown flag --{flag}: {row}"));
                if !expected.is_empty() {
                    let shown = if flags.len() == 1 {
                        shown.clone()
                    } else {
                        vec![shown[i].clone()]
                    };
                    assert_eq!(&shown, expected, "default of --{flag} in: {row}");
                }
                listed.insert(flag.clone());
            }
        }
        listed
    }

    /// `--a` / `--b` (and other words around them) → ["a", "b"].
    fn flag_names(cell: &str) -> Vec<String> {
        cell.split('`')
            .filter_map(|part| part.strip_prefix("--"))
            .map(str::to_owned)
            .collect()
    }

    /// `` `25s` / `20s` `` → ["25s", "20s"]; a cell without backticks (`16`) → its words.
    fn values(cell: &str) -> Vec<String> {
        if cell.contains('`') {
            return cell
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect();
        }
        cell.split(['/', ','])
            .map(|v| v.trim().to_owned())
            .collect()
    }
}
