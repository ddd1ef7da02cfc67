//! The settings page: every key of `config/default.toml`, its default and its environment
//! variable, with the comment the file gives it. The keys and defaults are what TOML parses
//! (the file the binary compiles in); the comments, which TOML drops, are read as lines.

use std::fmt::Write;

use entitlement_emulator::configuration::LIST_VARIABLES;

pub fn page(source: &str) -> String {
    let parsed: toml::Table = source.parse().expect("config/default.toml parses");
    let mut out = String::from("# Every setting\n\n");
    out.push_str(&super::banner("from config/default.toml"));
    out.push_str(
        "\nEach key of `config/default.toml` with its default, the environment variable that \
         sets it, and the file's own comment. Settings marked *file only* are set in a file \
         (`--config PATH`) or in `EMULATOR_CONFIG`, which holds a whole file's text.\n",
    );
    let mut section = String::new();
    let mut comment: Vec<&str> = Vec::new();
    // Keys with no comment of their own share the one above them (`cert_file`, `key_file`).
    let mut shared: Vec<&str> = Vec::new();
    let mut keys_in_section = 0;
    let mut seen = Vec::new();
    for line in source.lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_owned();
            let _ = writeln!(out, "\n## `[{section}]`");
            comment.clear();
            shared.clear();
            keys_in_section = 0;
        } else if let Some(text) = line.strip_prefix('#') {
            comment.push(text.strip_prefix(' ').unwrap_or(text));
        } else if let Some((key, _)) = line.split_once(" = ") {
            let key = key.trim();
            let value = lookup(&parsed, &section, key)
                .unwrap_or_else(|| panic!("[{section}] {key} is in the file but not parsed"));
            seen.push(format!("{section}.{key}"));
            if !comment.is_empty() {
                shared = std::mem::take(&mut comment);
            }
            assert!(
                !shared.is_empty(),
                "[{section}] {key} has no comment in default.toml"
            );
            entry(&mut out, &format!("{section}.{key}"), value, &shared);
            keys_in_section += 1;
        } else if line.is_empty() && !comment.is_empty() {
            // A comment then a blank line, before a section's first key, is about the
            // section; the file's own preamble, before any section, the manual replaces.
            if !section.is_empty() && keys_in_section == 0 {
                let _ = writeln!(out, "\n{}", escape_tags(&comment.join(" ")));
            }
            comment.clear();
        }
    }
    // Every parsed key was read as a line, so none is missing from the page.
    let mut parsed_keys = Vec::new();
    collect(&parsed, "", &mut parsed_keys);
    parsed_keys.retain(|key| !seen.contains(key));
    assert!(
        parsed_keys.is_empty(),
        "keys the page misses: {parsed_keys:?}"
    );
    out
}

fn lookup<'a>(table: &'a toml::Table, section: &str, key: &str) -> Option<&'a toml::Value> {
    let mut current = table;
    for part in section.split('.') {
        current = current.get(part)?.as_table()?;
    }
    current.get(key)
}

fn collect(table: &toml::Table, prefix: &str, out: &mut Vec<String>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value.as_table() {
            Some(inner) => collect(inner, &path, out),
            None => out.push(path),
        }
    }
}

fn entry(out: &mut String, name: &str, value: &toml::Value, comment: &[&str]) {
    let variable = format!("EMULATOR__{}", name.replace('.', "__").to_uppercase());
    // The environment sets a scalar, and the lists the loader splits at commas.
    let list = LIST_VARIABLES.contains(&name);
    let setting = if list {
        format!("`{variable}` (comma-separated)")
    } else if value.is_array() {
        "*file only*".to_owned()
    } else {
        format!("`{variable}`")
    };
    let _ = writeln!(out, "\n### `{name}`\n");
    let _ = writeln!(out, "Default `{value}` · {setting}\n");
    // Prose joins into a paragraph; commented TOML (an example of a file-only table) stays
    // TOML.
    let (mut prose, mut example) = (Vec::new(), Vec::new());
    for line in comment {
        if line.starts_with("[[") || (!example.is_empty() && looks_like_toml(line)) {
            example.push(*line);
        } else {
            prose.push(*line);
        }
    }
    if !prose.is_empty() {
        let _ = writeln!(out, "{}", escape_tags(&prose.join(" ")));
    }
    if !example.is_empty() {
        let _ = writeln!(out, "\n```toml\n{}\n```", example.join("\n"));
    }
}

fn looks_like_toml(line: &str) -> bool {
    line.split_once(" = ")
        .is_some_and(|(key, _)| key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// `<tenant GUID>` in a comment is a placeholder, not HTML: escaped outside code spans.
fn escape_tags(text: &str) -> String {
    let mut out = String::new();
    for (index, part) in text.split('`').enumerate() {
        if index > 0 {
            out.push('`');
        }
        if index % 2 == 0 {
            out.push_str(&part.replace('<', "&lt;"));
        } else {
            out.push_str(part);
        }
    }
    out
}
