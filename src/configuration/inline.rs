//! `EMULATOR_CONFIG`: a configuration file's text in one environment variable.

use config::{Config, File, FileFormat};

use super::ConfigurationError;

/// The environment variable holding a configuration file's text: every setting, those
/// with no `EMULATOR__…` form too (lists of tables: clients, users, fault rules), for a
/// container configured by its environment alone. It sits between `--config` and the
/// `EMULATOR__…` variables.
pub const INLINE_FILE: &str = "EMULATOR_CONFIG";

pub fn file_text() -> Result<Option<String>, ConfigurationError> {
    let Some(text) = std::env::var_os(INLINE_FILE) else {
        return Ok(None);
    };
    let text = text
        .into_string()
        .map_err(|_| ConfigurationError(format!("{INLINE_FILE} is not UTF-8")))?;
    // Parsed here as well, so that a mistake names the variable it is in.
    Config::builder()
        .add_source(File::from_str(&text, FileFormat::Toml))
        .build()
        .map_err(|error| ConfigurationError(format!("{INLINE_FILE}: {}", one_line(&error))))?;
    Ok(Some(text))
}

/// TOML's error as one line: where (its first line) and what (its last), without the
/// quoted source between them, as every other setting's error is one line.
fn one_line(error: &config::ConfigError) -> String {
    let text = error.to_string();
    let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
    match (lines.next(), lines.next_back()) {
        (Some(first), Some(last)) => format!("{first}: {last}"),
        (Some(first), None) => first.to_owned(),
        _ => text,
    }
}
