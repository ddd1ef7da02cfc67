//! Logs go to stderr through tracing; stdout carries only the "listening on" line, so that
//! scripts can read it.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once. `RUST_LOG`, when set, wins over `log.level`.
pub fn init(level: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    // A second call (as in tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal, not in log files and `docker logs`.
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
