// SPDX-License-Identifier: Apache-2.0
//! kroot's tasks, run as `cargo xtask TASK` (alias in .cargo/config.toml).
//! One module per task; flags live in `flags.rs`.

mod bench;
mod conformance;
mod dist;
mod flags;
mod golden;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cmd: flags::Xtask = argh::from_env();
    let result = match cmd.task {
        flags::Task::Dist(f) => dist::run(f),
        flags::Task::Test(f) => test::run(f),
        flags::Task::Golden(f) => golden::run(f),
        flags::Task::Conformance(f) => conformance::run(f),
        flags::Task::Bench(f) => bench::run(f),
        flags::Task::RawDump(f) => bench::rawdump::run(f),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Errors are plain messages: xtask is for people.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (parent of xtask/).
pub fn project_root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().map(PathBuf::from).unwrap_or(dir)
}

/// `../shared` beside the checkout (read-only material: corpus, goldens, kpgen).
pub fn shared_dir() -> PathBuf {
    project_root().join("../shared")
}

/// The cargo that runs us.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}
