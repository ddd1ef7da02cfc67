//! The group commit's hand-over when a runtime stops under its writing task.

use std::time::Duration;

use serde_json::Value;

use super::*;
use crate::configuration::Settings;
use crate::model::access_package::ACCESS_PACKAGE;
use crate::model::catalog::GENERAL_ID;
use crate::model::Changes;
use crate::repository::Repository;

/// A worker's runtime stops while the writing task it runs waits, with its batch, for
/// the connection: the caller of that batch, waiting elsewhere, still gets its row.
#[test]
fn a_batch_whose_runtime_stops_is_written_by_the_fallback() {
    // The runtime the repository is opened on, and the fallback's: it runs tasks only
    // inside `block_on`, which is when the test waits for them.
    let main = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let directory = tempfile::tempdir().expect("a temporary directory");
    let mut settings = Settings::defaults().expect("the default settings");
    settings.database.url = format!("sqlite://{}", directory.path().join("e.db").display());
    let repository = main
        .block_on(Repository::open(&settings.database))
        .expect("opens");
    let shared = Arc::clone(&repository.creates.shared);
    let mut record = Record::create(&ACCESS_PACKAGE, Changes::default(), "");
    record.set("display_name", Value::from("rescued"));
    record.set("catalog_id", Value::from(GENERAL_ID));
    let id = record.id().to_owned();
    let (reply, answer) = oneshot::channel();
    {
        let mut queue = shared.lock();
        queue.pending.push(Pending { record, reply });
        queue.writing = true;
    }
    let held = main.block_on(repository.writer.lock()).expect("the lock");
    let on_worker = Arc::clone(&shared);
    std::thread::spawn(move || {
        let worker = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a worker runtime");
        worker.block_on(async move {
            tokio::spawn(run(on_worker, false));
            tokio::time::sleep(Duration::from_millis(50)).await;
        });
        // Dropped with the task in it, blocked on the lock with its batch.
    })
    .join()
    .expect("the worker thread");
    assert_eq!(shared.lock().pending.len(), 0, "the batch was taken");
    drop(held);
    let stored = main
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), answer).await })
        .expect("answered in time")
        .expect("answered, not dropped")
        .expect("stored");
    assert_eq!(stored.id(), id);
    assert!(!shared.lock().writing, "the queue is idle again");
    main.block_on(repository.close());
}
