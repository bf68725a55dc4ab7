// SPDX-License-Identifier: Apache-2.0
//! Failures and their exit codes, worded as iproute2 words them (lib/utils.c
//! `invarg`, `duparg2`, `nodev`, `incomplete_command`; libnetlink.c errors).
//!
//! Exit codes: 255 for usage errors, 1 for local/lookup failures, 2 for
//! kernel errors.

use crate::nl::KernelError;

/// A failure: the text to put on stderr (complete, with its newlines) and
/// the exit status.
#[derive(Debug)]
pub struct Fail {
    pub code: i32,
    pub msg: String,
}

pub type Res<T = ()> = Result<T, Fail>;

impl Fail {
    pub fn new(code: i32, msg: impl Into<String>) -> Fail {
        Fail {
            code,
            msg: msg.into(),
        }
    }
    /// A usage error that has already been described by `msg` (exit 255).
    pub fn usage(msg: impl Into<String>) -> Fail {
        Fail::new(255, msg)
    }
}

/// `invarg(msg, arg)`: `msg` usually ends in a newline of its own.
pub fn invarg(msg: &str, arg: &str) -> Fail {
    Fail::usage(format!("Error: argument \"{arg}\" is wrong: {msg}\n"))
}

pub fn duparg2(key: &str, arg: &str) -> Fail {
    Fail::usage(format!(
        "Error: either \"{key}\" is duplicate, or \"{arg}\" is a garbage.\n"
    ))
}

pub fn duparg(key: &str, arg: &str) -> Fail {
    Fail::usage(format!(
        "Error: duplicate \"{key}\": \"{arg}\" is the second value.\n"
    ))
}

pub fn incomplete() -> Fail {
    Fail::usage("Command line is not complete. Try option \"help\"\n")
}

pub fn nodev(dev: &str) -> Fail {
    Fail::new(1, format!("Cannot find device \"{dev}\"\n"))
}

pub fn missarg(key: &str) -> Fail {
    Fail::usage(format!("Error: argument \"{key}\" is required\n"))
}

/// A kernel error as `rtnl_talk` reports it: the extended ack text when the
/// kernel sent one, else `RTNETLINK answers: <strerror>`.
pub fn kernel(e: &KernelError) -> Fail {
    Fail::new(2, e.describe())
}

impl From<KernelError> for Fail {
    fn from(e: KernelError) -> Fail {
        kernel(&e)
    }
}
