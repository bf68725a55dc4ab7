// SPDX-License-Identifier: Apache-2.0
//! Anonymous set names the batch chooses itself: the kernel's `__set%d` numbering (lowest
//! number no live set has), replayed per table.

use kcommon::fxhash::{FxMap, FxSet};

/// Anonymous set numbering of one table, per template (`__set`, `__map`).
#[derive(Default)]
pub(super) struct Naming {
    pub(super) pools: FxMap<String, Pool>,
    /// The anonymous sets (template, number) each existing chain's rules use.
    pub(super) chain_sets: FxMap<String, Vec<(String, u32)>>,
    /// Chains this batch added binding rules to (their new sets' chains are not tracked).
    pub(super) bound_new: FxSet<String>,
}

impl Naming {
    pub(super) fn free_chain(&mut self, chain: Option<&str>, tid: u32, off: &mut Vec<u32>) {
        let Some(c) = chain else {
            off.push(tid);
            return;
        };
        if self.bound_new.contains(c) {
            off.push(tid);
            return;
        }
        for (tmpl, n) in self.chain_sets.remove(c).unwrap_or_default() {
            self.pools.entry(tmpl).or_default().free.insert(n);
        }
    }
}

/// The numbers of one template: the kernel takes the lowest one no live set has.
#[derive(Default)]
pub(super) struct Pool {
    /// Numbers in use as read from the kernel (until `settle`).
    pub(super) used: Vec<u32>,
    /// Free numbers below `next`.
    free: std::collections::BTreeSet<u32>,
    next: u32,
}

impl Pool {
    pub(super) fn settle(&mut self) {
        self.used.sort_unstable();
        self.used.dedup();
        self.next = self.used.last().map_or(0, |m| m + 1);
        let mut used = self.used.iter().peekable();
        for n in 0..self.next {
            if used.peek() == Some(&&n) {
                used.next();
            } else {
                self.free.insert(n);
            }
        }
        self.used = Vec::new();
    }

    pub(super) fn take(&mut self) -> u32 {
        if let Some(n) = self.free.pop_first() {
            return n;
        }
        self.next += 1;
        self.next - 1
    }
}

/// `__set12` → (`__set`, 12): a name the kernel's `__set%d` numbering counts.
pub(super) fn anon_number(name: &str) -> Option<(String, u32)> {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (tmpl, num) = name.split_at(name.len() - digits);
    if tmpl.is_empty() || num.is_empty() || (num.len() > 1 && num.starts_with('0')) {
        return None;
    }
    Some((tmpl.to_string(), num.parse().ok()?))
}
