// SPDX-License-Identifier: Apache-2.0
//! What a listing streams from the kernel instead of caching: chains and their
//! rules, chain by chain, handed to the printer as they arrive, so that memory
//! does not grow with the size of the table.
//!
//! Rules are dumped per chain (NFTA_RULE_CHAIN; the kernel finds the chain in
//! its hash table): a table-wide rule dump restarts its walk from the table's
//! first rule for every 32 KiB reply, which is quadratic in the number of
//! rules. Chain order, then rule order, is what the table-wide dump gives.
//!
//! Chains and rules are fetched on the listing's own socket and thread. A
//! second thread (and socket) dumping and parsing rules a bounded number of
//! chains ahead of the printer was measured and dropped: on the shared 2-core
//! box it cost 0.3-0.5 s more CPU (musl's malloc lock, wake-ups) and did not
//! make the listing faster.

use nfnl::nftables::{Chain, Dumped, Rule};
use nfnl::{Error, Socket};

/// The rules of one chain, in order; a chain deleted since the chain dump has none.
pub fn chain_rules(
    sock: &mut Socket,
    family: u8,
    table: &str,
    chain: &str,
) -> Result<Vec<Rule>, Error> {
    let mut v = Vec::new();
    let res = sock.nft_rules_each(family, Some(table), Some(chain), |r| {
        if r.table.as_deref() == Some(table) {
            v.push(r);
        }
        Ok(())
    });
    match res {
        Err(e) if e.errno() == Some(libc::ENOENT) => Ok(Vec::new()),
        Err(e) => Err(e),
        Ok(()) => Ok(v),
    }
}

/// Give `f` the rules of each chain of `names` in turn, with its index (a
/// few named chains; whole tables go through [`chains_with_rules`]).
pub fn rules_by_chain<E: From<Error>>(
    sock: &mut Socket,
    family: u8,
    table: &str,
    names: &[&str],
    mut f: impl FnMut(usize, &[Rule]) -> Result<(), E>,
) -> Result<(), E> {
    for (i, n) in names.iter().enumerate() {
        f(i, &chain_rules(sock, family, table, n)?)?;
    }
    Ok(())
}

/// The chains of a table, kept compact (see [`Dumped`]), in kernel order.
/// They are dumped in one go: interleaving the chain dump with rule dumps
/// makes the kernel's chain walks (restarted for every 32 KiB reply) miss the
/// CPU cache, which more than doubles their cost.
pub fn chains(sock: &mut Socket, family: u8, table: &str) -> Result<Dumped, Error> {
    sock.nft_chains_dumped(family, Some(table))
}

/// Chain `i` of `list`; `None` past the end or for another table.
pub fn chain_at(list: &Dumped, table: &str, i: usize) -> Result<Option<Chain>, Error> {
    match list.chain(i) {
        Some(Ok(c)) if c.table.as_deref().is_none_or(|t| t == table) => Ok(Some(c)),
        Some(Ok(_)) | None => Ok(None),
        Some(Err(e)) => Err(e),
    }
}

/// Give `f` every chain of `list` with its rules, in order, one chain's
/// rules in memory at a time.
pub fn chains_with_rules<E: From<Error>>(
    sock: &mut Socket,
    family: u8,
    table: &str,
    list: &Dumped,
    mut f: impl FnMut(&Chain, &[Rule]) -> Result<(), E>,
) -> Result<(), E> {
    for i in 0..list.len() {
        if let Some(c) = chain_at(list, table, i)? {
            let rules = chain_rules(sock, family, table, c.name.as_deref().unwrap_or(""))?;
            f(&c, &rules)?;
        }
    }
    Ok(())
}
