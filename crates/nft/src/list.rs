// SPDX-License-Identifier: Apache-2.0
//! Execution of the `list` commands (after any batch was sent): kernel dumps → [`cache`]
//! → [`delinearize`] → [`print`], streamed to the output.
//!
//! [`cache`]: crate::cache
//! [`delinearize`]: crate::delinearize
//! [`print`]: mod@crate::print

use std::io::Write;

use nfnl::Socket;

use crate::ast::{Cmd, ListCmd, Span};
use crate::cli::Opts;
use crate::erec::{print_all, Input};

/// Run every `list` command of `cmds` in order (none with `--check`); returns the exit
/// status of the first that fails, else 0.
pub fn run_lists(
    sock: &mut Socket,
    cmds: &[(Cmd, Span)],
    opts: &Opts,
    input: &Input,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if opts.check {
        return 0;
    }
    for (cmd, _) in cmds {
        if let Cmd::List(l) = cmd {
            let rc = list(sock, l, opts, input, out, err);
            if rc != 0 {
                return rc;
            }
        }
    }
    0
}

/// One `list` command through the printers.
fn list(
    sock: &mut Socket,
    l: &ListCmd,
    opts: &Opts,
    input: &Input,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let po = crate::print::Opts {
        handle: opts.handle,
        json: opts.json,
        terse: opts.terse,
        numeric: opts.numeric,
        stateless: opts.stateless,
    };
    match crate::print::list(sock, l, &po, out) {
        Ok(()) => 0,
        Err(crate::print::ListError::NotFound(rec)) => {
            print_all(err, input, &[rec]);
            1
        }
        Err(crate::print::ListError::Netlink(e)) => {
            let _ = writeln!(err, "Error: {e}");
            1
        }
        // A closed pipe: stop quietly, like the C tool killed by SIGPIPE.
        Err(crate::print::ListError::Io(_)) => 0,
    }
}
