// `sqlx::migrate!()` embeds migrations/ at compile time, but Cargo does not know the macro
// reads that folder: without this, a new migration is missing from the binary until some
// source file changes (what `sqlx migrate build-script` writes).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
