// SPDX-License-Identifier: Apache-2.0
//! nfnl's errors. Kernel errors keep the sequence number of the message they
//! answer and the extended-ack text/offset, so callers can map them back to the
//! command (and source span) that caused them.

use std::fmt;

/// An NLMSG_ERROR with a non-zero errno.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelError {
    /// Positive errno (ENOENT = 2, EEXIST = 17, …).
    pub errno: i32,
    /// Sequence number of the request it answers.
    pub seq: u32,
    /// Extended ack message (NLMSGERR_ATTR_MSG), when the kernel sent one.
    pub msg: Option<String>,
    /// Extended ack offset (NLMSGERR_ATTR_OFFS) into the request, when sent.
    pub offset: Option<u32>,
}

#[derive(Debug)]
pub enum Error {
    /// A socket call failed (errno).
    Io(std::io::Error),
    /// The kernel answered with an error.
    Kernel(KernelError),
    /// A dump was interrupted by a concurrent change (NLM_F_DUMP_INTR): retry it.
    DumpInterrupted,
    /// The kernel's answer could not be decoded.
    Malformed(String),
}

impl Error {
    /// The errno behind this error, if there is one.
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Io(e) => e.raw_os_error(),
            Error::Kernel(k) => Some(k.errno),
            Error::DumpInterrupted => Some(libc::EINTR),
            Error::Malformed(_) => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

impl fmt::Display for Error {
    /// glibc's words for errnos (never musl's): callers grep them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => f.write_str(&kcommon_strerror(e.raw_os_error(), &e.to_string())),
            Error::Kernel(k) => f.write_str(&kcommon_strerror(Some(k.errno), "")),
            Error::DumpInterrupted => f.write_str("Interrupted system call"),
            Error::Malformed(m) => write!(f, "malformed netlink message: {m}"),
        }
    }
}

fn kcommon_strerror(errno: Option<i32>, fallback: &str) -> String {
    match errno {
        Some(n) => kcommon::errno::strerror(n),
        None => fallback.to_string(),
    }
}

impl std::error::Error for Error {}
