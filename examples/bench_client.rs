//! The benchmark's own load generator, for the loads wrk cannot express (`bench/run.py`
//! runs it; wrk does every single-request scenario).
//!
//! - `workflow`: the provisioning sequence of `bench/workflow.json` (create a catalog, a
//!   package in it, read it back with `$expand`, delete both, …), each step using ids the
//!   earlier steps returned, as workflows per second and the latency of whole workflows.
//!   wrk's Lua cannot do this: its `request()`/`response()` callbacks are per thread, not per
//!   connection, so with 8 connections on a thread a response cannot be matched to the
//!   workflow that sent it. Here each of `--concurrency` tasks runs one workflow at a time on
//!   a pooled keep-alive connection, the tasks split over two threads as wrk -t2 splits its
//!   connections (one thread alone tops out below what the ceiling answers).
//! - `fill`: `--count` creates named `bench package NNNNNN` through the API, so the listing
//!   scenarios read rows with real, distinct timestamps written by the emulator itself.
//!
//! Prints one line `BENCH_JSON {…}` that bench/run.py reads; exits 1 on any unexpected status.
//!
//! ```sh
//! cargo run --release --example bench_client -- workflow --base http://127.0.0.1:8080 \
//!     --steps bench/workflow.json --concurrency 16 --duration 10
//! cargo run --release --example bench_client -- fill --base http://127.0.0.1:8080 --count 1000
//! ```

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use clap::{Parser, Subcommand};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the workflow of a steps file for a while.
    Workflow {
        /// The server, e.g. http://127.0.0.1:8080. Given more than once (replicas on one
        /// database), a workflow's steps go to each in turn: a step reads what the step
        /// before wrote through another replica.
        #[arg(long, required = true)]
        base: Vec<String>,
        /// The steps file (bench/workflow.json).
        #[arg(long)]
        steps: PathBuf,
        /// Step names not to run (comma-separated): the ones the server does not serve yet.
        #[arg(long, default_value = "")]
        skip: String,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Threads sharing the concurrency, as wrk -t2 does.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Seconds; workflows started before the end are finished, none after.
        #[arg(long, default_value_t = 10.0)]
        duration: f64,
        /// Tells this run's names apart from every other run's against the same database.
        #[arg(long, default_value = "0")]
        run: String,
    },
    /// Create `count` access packages through the API.
    Fill {
        #[arg(long)]
        base: String,
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        #[arg(long, default_value = "aa2f6514-3232-46e7-a08a-2411ad8d7128")]
        catalog: String,
        /// The collection to create in (default: the access packages).
        #[arg(long)]
        path: Option<String>,
        /// The body, as JSON text: `{n}` is the row's number (six digits), `{id}` the
        /// row's line of `--ids` (cycling). Default: a package in `--catalog`.
        #[arg(long)]
        body: Option<String>,
        /// A file of ids, one per line, for `{id}`.
        #[arg(long)]
        ids: Option<PathBuf>,
    },
}

/// What `fill` creates: where, and the body of row `n`.
struct Rows {
    path: String,
    body: String,
    ids: Vec<String>,
}

impl Rows {
    fn body(&self, n: usize) -> String {
        let mut body = self.body.replace("{n}", &format!("{n:06}"));
        if !self.ids.is_empty() {
            body = body.replace("{id}", &self.ids[n % self.ids.len()]);
        }
        body
    }
}

/// One request of the workflow, as bench/workflow.json spells it. `{name}` in the path or
/// body stands for the id an earlier step captured under that name, `{unique}` for a name
/// no other workflow uses.
#[derive(Deserialize)]
struct Step {
    name: String,
    method: String,
    path: String,
    #[serde(default)]
    body: Option<Value>,
    expect: u16,
    /// Keep this JSON pointer of the response (default `/id`) under this name.
    #[serde(default)]
    capture: Option<String>,
    #[serde(default = "default_pointer")]
    pointer: String,
    /// Repeat the request until the answer has `equals` at `pointer`.
    #[serde(default)]
    until: Option<Until>,
}

#[derive(Deserialize)]
struct Until {
    pointer: String,
    equals: Value,
    polls: u32,
}

fn default_pointer() -> String {
    "/id".to_owned()
}

#[derive(Deserialize)]
struct Steps {
    #[serde(default)]
    vars: HashMap<String, String>,
    steps: Vec<Step>,
}

/// Per-step tallies and whole-workflow latencies, shared by the tasks of the one thread.
#[derive(Default)]
struct Tally {
    workflows_us: Vec<u64>,
    /// Each step's latencies, to say where a workflow's time goes.
    steps_us: BTreeMap<String, Vec<u64>>,
    failed_workflows: u64,
    requests: u64,
    unexpected: BTreeMap<String, u64>,
    first_failure: Option<String>,
}

impl Tally {
    fn fail(&mut self, step: &str, detail: String) {
        *self.unexpected.entry(step.to_owned()).or_default() += 1;
        if self.first_failure.is_none() {
            self.first_failure = Some(format!("{step}: {detail}"));
        }
    }
}

fn client(concurrency: usize) -> awc::Client {
    // One pooled keep-alive connection per task, as wrk keeps one per connection.
    awc::Client::builder()
        .connector(awc::Connector::new().limit(concurrency))
        .timeout(Duration::from_secs(30))
        .finish()
}

fn fill_in(template: &str, vars: &HashMap<String, String>) -> Result<String, String> {
    let mut out = template.to_owned();
    for (name, value) in vars {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    // A JSON body has braces of its own; only a `{word}` left over is an unresolved name.
    for (open, _) in out.match_indices('{') {
        if let Some(close) = out[open..].find('}') {
            let candidate = &out[open + 1..open + close];
            if !candidate.is_empty()
                && candidate
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(format!("unresolved {{{candidate}}}"));
            }
        }
    }
    Ok(out)
}

/// Sends one request; returns the response body when the status was the expected one.
async fn send(
    client: &awc::Client,
    base: &str,
    method: &str,
    path: &str,
    body: Option<String>,
    expect: u16,
) -> Result<Value, String> {
    let verb = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let request = client
        .request(verb, format!("{base}{path}"))
        .insert_header(("Authorization", "Bearer bench"));
    let sent = match body {
        Some(body) => {
            request
                .insert_header(("Content-Type", "application/json"))
                .send_body(body)
                .await
        }
        None => request.send().await,
    };
    let mut response = sent.map_err(|e| format!("{method} {path}: {e}"))?;
    let body = response.body().await.map_err(|e| e.to_string())?;
    if response.status().as_u16() != expect {
        return Err(format!(
            "{method} {path}: {} (expected {expect}) {}",
            response.status().as_u16(),
            String::from_utf8_lossy(&body[..body.len().min(300)])
        ));
    }
    if body.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&body).map_err(|e| format!("{path}: not JSON: {e}"))
}

/// Sends one step of the workflow, its `{names}` filled in.
async fn send_step(
    client: &awc::Client,
    base: &str,
    step: &Step,
    vars: &HashMap<String, String>,
) -> Result<Value, String> {
    let path = fill_in(&step.path, vars)?;
    let body = match &step.body {
        Some(body) => Some(fill_in(&body.to_string(), vars)?),
        None => None,
    };
    let Some(until) = &step.until else {
        return send(client, base, &step.method, &path, body, step.expect).await;
    };
    for _ in 0..until.polls {
        let answer = send(client, base, &step.method, &path, body.clone(), step.expect).await?;
        if answer.pointer(&until.pointer) == Some(&until.equals) {
            return Ok(answer);
        }
    }
    Err(format!(
        "{path}: {} never became {}",
        until.pointer, until.equals
    ))
}

/// One workflow: every step in order; the first unexpected answer ends it (the rest would
/// only fail for want of its id) and marks it failed.
async fn workflow(
    client: &awc::Client,
    bases: &[String],
    steps: &[&Step],
    constants: &HashMap<String, String>,
    unique: String,
    tally: &RefCell<Tally>,
) {
    let mut vars = constants.clone();
    vars.insert("slug".to_owned(), unique.replace(' ', "-"));
    vars.insert("unique".to_owned(), unique);
    let started = Instant::now();
    for (step, base) in steps.iter().zip(bases.iter().cycle()) {
        tally.borrow_mut().requests += 1;
        let sent = Instant::now();
        let answer = send_step(client, base, step, &vars).await;
        let took = sent.elapsed().as_micros() as u64;
        match answer {
            Ok(body) => {
                let mut tally_now = tally.borrow_mut();
                tally_now
                    .steps_us
                    .entry(step.name.clone())
                    .or_default()
                    .push(took);
                drop(tally_now);
                if let Some(name) = &step.capture {
                    match body.pointer(&step.pointer).and_then(Value::as_str) {
                        Some(id) => {
                            vars.insert(name.clone(), id.to_owned());
                        }
                        None => {
                            let mut tally = tally.borrow_mut();
                            tally.fail(&step.name, format!("no {} in the answer", step.pointer));
                            tally.failed_workflows += 1;
                            return;
                        }
                    }
                }
            }
            Err(detail) => {
                let mut tally = tally.borrow_mut();
                tally.fail(&step.name, detail);
                tally.failed_workflows += 1;
                return;
            }
        }
    }
    let elapsed = started.elapsed().as_micros() as u64;
    tally.borrow_mut().workflows_us.push(elapsed);
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// One thread's share of the workflows: `tasks` of them at a time, each on its own pooled
/// connection, until the deadline.
async fn thread_workflows(
    bases: &[String],
    steps: &Steps,
    skipped: &[String],
    tasks: usize,
    first_task: usize,
    deadline: Instant,
    run: &str,
) -> Tally {
    let active: Vec<&Step> = steps
        .steps
        .iter()
        .filter(|step| !skipped.contains(&step.name))
        .collect();
    let client = client(tasks);
    let tally = RefCell::new(Tally::default());
    let counter = Cell::new(0u64);
    let runs = (first_task..first_task + tasks).map(|task| {
        let (client, active, tally, counter) = (&client, &active, &tally, &counter);
        async move {
            while Instant::now() < deadline {
                counter.set(counter.get() + 1);
                let unique = format!("wf {run}-{task}-{}", counter.get());
                workflow(client, bases, active, &steps.vars, unique, tally).await;
            }
        }
    });
    futures_util::future::join_all(runs).await;
    tally.into_inner()
}

/// Runs the workflows on `threads` threads (wrk -t2's split), each an actix system of its
/// own: one thread alone tops out below what the ceiling answers.
fn run_workflows(
    bases: Vec<String>,
    steps: Steps,
    skip: String,
    concurrency: usize,
    threads: usize,
    duration: f64,
    run: String,
) -> i32 {
    let skipped: Vec<String> = skip
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let threads = threads.clamp(1, concurrency.max(1));
    let deadline = Instant::now() + Duration::from_secs_f64(duration);
    let started = Instant::now();
    let shared = Arc::new((bases, steps, skipped, run));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let shared = Arc::clone(&shared);
            // Tasks split as evenly as the threads allow, e.g. 16 over 2: 8 and 8.
            let tasks = concurrency / threads + usize::from(t < concurrency % threads);
            let first_task = t * (concurrency / threads) + t.min(concurrency % threads);
            std::thread::spawn(move || {
                let (bases, steps, skipped, run) = &*shared;
                actix_web::rt::System::new().block_on(thread_workflows(
                    bases, steps, skipped, tasks, first_task, deadline, run,
                ))
            })
        })
        .collect();
    let mut tally = Tally::default();
    for handle in handles {
        let part = handle.join().expect("a workflow thread panicked");
        tally.workflows_us.extend(part.workflows_us);
        for (step, times) in part.steps_us {
            tally.steps_us.entry(step).or_default().extend(times);
        }
        tally.failed_workflows += part.failed_workflows;
        tally.requests += part.requests;
        for (step, n) in part.unexpected {
            *tally.unexpected.entry(step).or_default() += n;
        }
        tally.first_failure = tally.first_failure.or(part.first_failure);
    }
    let elapsed = started.elapsed().as_secs_f64();
    tally.workflows_us.sort_unstable();
    let (_, steps, skipped, _) = &*shared;
    let errors: u64 = tally.unexpected.values().sum();
    let per_step: BTreeMap<&str, Value> = tally
        .steps_us
        .iter_mut()
        .map(|(step, times)| {
            times.sort_unstable();
            let summary = json!({
                "p50_us": percentile(times, 50.0),
                "p99_us": percentile(times, 99.0),
            });
            (step.as_str(), summary)
        })
        .collect();
    let report = json!({
        "workflows": tally.workflows_us.len(),
        "per_step": per_step,
        "failed_workflows": tally.failed_workflows,
        "requests": tally.requests,
        "duration_us": (elapsed * 1e6) as u64,
        "errors": errors,
        "unexpected_by_step": tally.unexpected,
        "first_failure": tally.first_failure,
        "steps_run": steps.steps.iter().filter(|s| !skipped.contains(&s.name)).map(|s| s.name.as_str()).collect::<Vec<_>>(),
        "steps_skipped": skipped,
        "threads": threads,
        "p50_us": percentile(&tally.workflows_us, 50.0),
        "p90_us": percentile(&tally.workflows_us, 90.0),
        "p99_us": percentile(&tally.workflows_us, 99.0),
        "max_us": tally.workflows_us.last().copied().unwrap_or(0),
    });
    println!("BENCH_JSON {report}");
    i32::from(errors > 0)
}

async fn fill(base: String, count: usize, concurrency: usize, rows: Rows) -> i32 {
    let client = client(concurrency);
    let next = Cell::new(0usize);
    let tally = RefCell::new(Tally::default());
    let started = Instant::now();
    let tasks = (0..concurrency).map(|_| {
        let (client, base, next, tally, rows) = (&client, &base, &next, &tally, &rows);
        async move {
            while next.get() < count {
                let i = next.get();
                next.set(i + 1);
                tally.borrow_mut().requests += 1;
                let sent = send(client, base, "POST", &rows.path, Some(rows.body(i)), 201).await;
                if let Err(detail) = sent {
                    tally.borrow_mut().fail("fill", detail);
                }
            }
        }
    });
    futures_util::future::join_all(tasks).await;
    let tally = tally.into_inner();
    let errors: u64 = tally.unexpected.values().sum();
    let report = json!({
        "requests": tally.requests,
        "errors": errors,
        "first_failure": tally.first_failure,
        "duration_us": started.elapsed().as_micros() as u64,
    });
    println!("BENCH_JSON {report}");
    i32::from(errors > 0)
}

fn read_steps(path: &PathBuf) -> Result<Steps, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn main() {
    let code = match Cli::parse().command {
        Command::Workflow {
            base,
            steps,
            skip,
            concurrency,
            threads,
            duration,
            run,
        } => match read_steps(&steps) {
            Ok(steps) => run_workflows(base, steps, skip, concurrency, threads, duration, run),
            Err(error) => {
                eprintln!("{error}");
                2
            }
        },
        Command::Fill {
            base,
            count,
            concurrency,
            catalog,
            path,
            body,
            ids,
        } => {
            let ids = match ids.map(std::fs::read_to_string).transpose() {
                Ok(text) => text
                    .unwrap_or_default()
                    .lines()
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect(),
                Err(error) => {
                    eprintln!("--ids: {error}");
                    std::process::exit(2);
                }
            };
            let rows = Rows {
                path: path.unwrap_or_else(|| {
                    "/beta/identityGovernance/entitlementManagement/accessPackages".to_owned()
                }),
                body: body.unwrap_or_else(|| {
                    json!({
                        "catalogId": catalog,
                        "displayName": "bench package {n}",
                        "description": "row {n}",
                    })
                    .to_string()
                }),
                ids,
            };
            actix_web::rt::System::new().block_on(fill(base, count, concurrency, rows))
        }
    };
    std::process::exit(code);
}
