// SPDX-License-Identifier: Apache-2.0
//! `KROOT_NFT_MEM_STATS=1`: the resident set at the load's stage boundaries, on stderr
//! (`mem: STAGE rss=… hwm=…` in KiB, from /proc/self/status), for measuring where a large
//! load's memory goes. Nothing is read when the variable is unset.

use std::sync::OnceLock;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("KROOT_NFT_MEM_STATS").is_some_and(|v| v != "0"))
}

/// Report the current and peak resident set after `stage`.
pub fn mark(stage: &str) {
    if !enabled() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().trim_end_matches(" kB").to_string())
            .unwrap_or_default()
    };
    eprintln!(
        "mem: {stage} rss={} hwm={}",
        field("VmRSS:"),
        field("VmHWM:")
    );
}
