//! The emulator as the built binary, for what only a process shows: flags, exit codes,
//! signals, its first line.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

/// The emulator as a separate process, with no `EMULATOR__` variables from the test's own
/// environment unless given.
pub fn emulator_command(args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_entitlement-emulator"));
    command.args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("EMULATOR__") || name == "EMULATOR_CONFIG" {
            command.env_remove(name);
        }
    }
    command.envs(envs.iter().copied());
    command
}

/// Runs the binary to its end where it is expected to refuse to start (exit 2 or 1). Should
/// it start after all, it must fail the test rather than hang it, take a fixed port or write
/// `emulator.db` into the checkout: it runs in a temporary folder, with `--port 0` and a
/// database there given beneath everything the test sets (a config file; flags instead when
/// the test passes its own `--config`), and is killed after 30 s.
pub fn refused_start(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = format!("sqlite://{}", dir.path().join("refused.db").display());
    let mut all: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    if args.contains(&"--config") {
        all.extend(["--port".to_owned(), "0".to_owned()]);
        all.extend(["--database".to_owned(), database]);
    } else {
        let file = dir.path().join("fallback.toml");
        std::fs::write(
            &file,
            format!("[server]\nport = 0\n[tls]\nport = 0\n[database]\nurl = \"{database}\"\n"),
        )
        .expect("a config file");
        all.extend(["--config".to_owned(), file.display().to_string()]);
    }
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let mut command = emulator_command(&all, envs);
    let child = command
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let (exited, watch) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if watch.recv_timeout(Duration::from_secs(30)).is_err() {
            // SAFETY: a pid this test spawned; at worst it is already gone.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    let output = child.wait_with_output().expect("the process ends");
    let _ = exited.send(());
    assert!(
        output.status.code().is_some(),
        "{args:?} {envs:?} started a server (killed after 30 s): {}",
        String::from_utf8_lossy(&output.stdout)
    );
    output
}

pub struct RunningEmulator {
    pub child: Child,
    pub address: String,
    pub port: u16,
    stdout: BufReader<ChildStdout>,
}

/// A test that panics before `terminate` must not leave its emulator running.
impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl RunningEmulator {
    /// Starts the binary and waits for its "listening on" line (no sleeping: the read blocks
    /// until the line comes or the process ends).
    pub fn start(mut command: Command) -> RunningEmulator {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("stdout is readable");
        let address = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        let port = address
            .rsplit(':')
            .next()
            .and_then(|port| port.parse().ok())
            .expect("a port");
        RunningEmulator {
            child,
            address,
            port,
            stdout,
        }
    }

    /// The next line of stdout, blocking until it is printed.
    pub fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("stdout is readable");
        line.trim_end().to_owned()
    }

    /// Sends SIGTERM, as `docker stop` does, and returns the exit code and the rest of stdout.
    pub fn terminate(self) -> (Option<i32>, String) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // SAFETY: kill(2) with a pid this test spawned and has not yet waited for.
        let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(sent, 0, "SIGTERM delivered");
        self.terminate_already_signalled()
    }

    /// Waits for a process the test has already sent SIGTERM; returns as `terminate` does.
    pub fn terminate_already_signalled(mut self) -> (Option<i32>, String) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // A watchdog, not a synchronisation: a process that ignores SIGTERM fails the test
        // (killed, so no exit code) instead of hanging the suite.
        let (exited, watch) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if watch.recv_timeout(Duration::from_secs(30)).is_err() {
                // SAFETY: a pid this test spawned; at worst it is already gone.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        });
        let exit = self.child.wait().expect("the process ends");
        let _ = exited.send(());
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stdout, &mut rest).expect("stdout is readable");
        (exit.code(), rest)
    }
}
