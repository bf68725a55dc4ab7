// SPDX-License-Identifier: Apache-2.0
//! Connection labels by name, from /etc/xtables/connlabel.conf
//! ("BIT NAME" per line), as libnetfilter_conntrack's labelmap reads them.

use crate::error::{param, Result};

const CONNLABEL_CONF: &str = "/etc/xtables/connlabel.conf";

/// labelmap_init: done once; a missing map is reported as perror() does.
pub fn init() {
    static DONE: std::sync::Once = std::sync::Once::new();
    DONE.call_once(|| {
        if let Err(e) = std::fs::metadata(CONNLABEL_CONF) {
            eprintln!("nfct_labelmap_new: {}", kcommon::errno::io_error(&e));
        }
    });
}

/// (bit, name) pairs of the label map; empty when there is none.
pub fn map() -> Vec<(u32, String)> {
    let Ok(text) = std::fs::read_to_string(CONNLABEL_CONF) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            if l.starts_with('#') {
                return None;
            }
            let mut it = l.split_whitespace();
            let bit = it.next()?.parse::<u32>().ok().filter(|b| *b < 128)?;
            Some((bit, it.next()?.to_string()))
        })
        .collect()
}

/// A comma-separated list of label names → bit numbers.
pub fn parse_list(list: &str) -> Result<Vec<u32>> {
    let m = map();
    list.split(',')
        .map(|name| match m.iter().find(|(_, n)| n == name) {
            Some((b, _)) => Ok(*b),
            None => param(format!("unknown label '{name}'")),
        })
        .collect()
}

/// The names of the bits set in a kernel label bitmap.
pub fn names(bits: &[u8]) -> Vec<String> {
    let m = map();
    let mut out = Vec::new();
    for (i, byte) in bits.iter().enumerate() {
        for b in 0..8 {
            if byte & (1 << b) != 0 {
                let bit = (i * 8 + b) as u32;
                if let Some((_, n)) = m.iter().find(|(k, n)| *k == bit && !n.is_empty()) {
                    out.push(n.clone());
                }
            }
        }
    }
    out
}
