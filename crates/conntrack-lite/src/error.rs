// SPDX-License-Identifier: Apache-2.0
//! conntrack's exit_error: every message carries the version prefix; usage
//! problems (exit 2) add the "Try `conntrack -h'" line, other problems exit 1.

use std::io::Write;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fail {
    /// PARAMETER_PROBLEM: exit status 2.
    Param(String),
    /// OTHER_PROBLEM: exit status 1.
    Other(String),
}

pub type Result<T> = std::result::Result<T, Fail>;

pub fn param<T>(msg: impl Into<String>) -> Result<T> {
    Err(Fail::Param(msg.into()))
}

pub fn other<T>(msg: impl Into<String>) -> Result<T> {
    Err(Fail::Other(msg.into()))
}

/// "conntrack v1.4.7 (kroot X.Y.Z): " — what conntrack puts before messages.
pub fn prefix() -> String {
    format!("{}: ", crate::version_line())
}

impl Fail {
    /// Print the error as conntrack does and return the exit status.
    pub fn report(&self) -> i32 {
        let mut e = std::io::stderr().lock();
        match self {
            Fail::Param(m) => {
                let _ = writeln!(e, "{}{m}", prefix());
                let _ = writeln!(
                    e,
                    "Try `conntrack -h' or 'conntrack --help' for more information."
                );
                2
            }
            Fail::Other(m) => {
                let _ = writeln!(e, "{}{m}", prefix());
                1
            }
        }
    }
}

/// conntrack's err2str: its own words for some errnos, else strerror.
pub fn err2str(errno: i32, command: u32) -> String {
    use crate::table::*;
    const ENOTSUPP: i32 = 524;
    let table: &[(u32, i32, &str)] = &[
        (CT_LIST, ENOTSUPP, "function not implemented"),
        (0xFFFF, libc::EINVAL, "invalid parameters"),
        (
            CT_CREATE,
            libc::EEXIST,
            "Such conntrack exists, try -U to update",
        ),
        (
            CT_CREATE | CT_GET | CT_DELETE | CT_ADD,
            libc::ENOENT,
            "such conntrack doesn't exist",
        ),
        (
            CT_CREATE | CT_GET | CT_ADD,
            libc::ENOMEM,
            "not enough memory",
        ),
        (CT_GET, libc::EAFNOSUPPORT, "protocol not supported"),
        (CT_CREATE | CT_ADD, libc::ETIME, "conntrack has expired"),
        (EXP_CREATE, libc::ENOENT, "master conntrack not found"),
        (EXP_CREATE, libc::EINVAL, "invalid parameters"),
        (
            !0u32,
            libc::EPERM,
            "sorry, you must be root or get CAP_NET_ADMIN capability to do this",
        ),
    ];
    for (act, err, msg) in table {
        if act & command != 0 && *err == errno {
            return msg.to_string();
        }
    }
    kcommon::errno::strerror(errno)
}

/// The errno behind an nfnl error (EIO for undecodable answers).
pub fn errno_of(e: &nfnl::Error) -> i32 {
    e.errno().unwrap_or(libc::EIO)
}
