// SPDX-License-Identifier: Apache-2.0
//! The `nft` applet. Entry point: [`main`] (argv in, exit status out).
//!
//! Input path (nftables' main.c → scanner.l/parser_bison.y → evaluate.c →
//! netlink_linearize.c → mnl.c):
//!
//! - [`cli`]: getopt_long-compatible options; `-f FILE`, `-f -` (named `/dev/stdin`), or the
//!   command words joined by spaces.
//! - [`source`]: the input text; `-f` input is spilled to a sealed memory file, read through
//!   a mapping whose passed pages are dropped, and read back for error lines.
//! - [`syntax`]: lexer and recursive-descent parser → [`ast::Cmd`]s with byte spans; bison's
//!   error wording; `define`/`$var`.
//! - [`eval`]: per command, against a [`eval::Scope`] (the kernel's tables and sets as the
//!   command sees them, updated by earlier commands): datatypes and symbols, protocol
//!   dependencies, set/map typing, rule placement for `index`/`position`.
//! - [`linearize`]: kernel expressions over registers, anonymous sets, set userdata, elements;
//!   every message remembers the source span of each attribute.
//! - [`batch`]: one transaction (BATCH_BEGIN … BATCH_END, or no END for `--check`); kernel
//!   errors are mapped by sequence number and extended-ack offset back to source spans.
//! - [`run`]: the driver; nothing is sent when parsing or evaluation fails.
//! - [`list`]: executes the `list` commands (the output path below).
//! - [`erec`]: the one error printer.
//!
//! Output path: kernel → [`cache`] → [`delinearize`] → [`print`](mod@print) (`list` commands).
pub mod ast;
pub mod batch;
pub mod cache;
pub mod cli;
pub mod delinearize;
pub mod erec;
pub mod eval;
mod filemap;
pub mod linearize;
pub mod list;
pub mod memstat;
pub mod print;
pub mod run;
pub mod schedule;
pub mod source;
mod spill;
pub mod syntax;

use std::ffi::OsString;

/// The version line, as the real tool prints it, with kroot in the parentheses.
pub fn version_line() -> String {
    format!("nftables v1.1.4 (kroot {})", kcommon::KROOT_VERSION)
}

/// Run the applet. `args[0]` is the name it was called by.
pub fn main(args: Vec<OsString>) -> i32 {
    cli::main(args)
}
