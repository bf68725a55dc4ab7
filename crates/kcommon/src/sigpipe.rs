// SPDX-License-Identifier: Apache-2.0
//! Closed pipes: the C tools we replace die of SIGPIPE, silently. Rust ignores
//! SIGPIPE by default, so a write into a closed pipe would return EPIPE and a
//! careless `println!` would panic. Restoring the default disposition gives the
//! exact behaviour of nft/ip/conntrack (killed by SIGPIPE, status 141 in a shell).

/// Restore SIGPIPE's default action. Call once, first thing in `main`.
pub fn restore_default() {
    // SAFETY: signal(2) with SIG_DFL has no preconditions; called before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
