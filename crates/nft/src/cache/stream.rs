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
//! With many chains the dumps (and their parsing) run in a second thread on
//! sockets of their own, a bounded number of chains ahead of the printer, so
//! the kernel's work and the printer's overlap on two cores.

use std::sync::mpsc;

use nfnl::nftables::{Chain, Dumped, Rule};
use nfnl::{Error, Socket};

/// Below this many chains a second thread costs more than it saves.
pub const FEED_MIN: usize = 64;

/// Chains a dump thread may hold ahead of the printer (bounds memory).
const FEED_AHEAD: usize = 64;

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

fn stopped() -> Error {
    Error::Malformed("the listing stopped".into())
}

/// Give `f` the rules of each chain of `names` in turn, with its index.
pub fn rules_by_chain<E: From<Error>>(
    sock: &mut Socket,
    family: u8,
    table: &str,
    names: &[&str],
    mut f: impl FnMut(usize, &[Rule]) -> Result<(), E>,
) -> Result<(), E> {
    let second = (names.len() >= FEED_MIN)
        .then(Socket::open)
        .and_then(Result::ok);
    let Some(mut other) = second else {
        for (i, n) in names.iter().enumerate() {
            f(i, &chain_rules(sock, family, table, n)?)?;
        }
        return Ok(());
    };
    std::thread::scope(|sc| {
        let (tx, rx) = mpsc::sync_channel(FEED_AHEAD);
        sc.spawn(move || {
            for n in names {
                let r = chain_rules(&mut other, family, table, n);
                let stop = r.is_err();
                // A closed receiver: the printer stopped (an error, a closed pipe).
                if tx.send(r).is_err() || stop {
                    break;
                }
            }
        });
        for i in 0..names.len() {
            let rules = rx.recv().map_err(|_| stopped())??;
            f(i, &rules)?;
        }
        Ok(())
    })
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

/// Give `f` every chain of `list` with its rules, in order, without keeping
/// more than a few chains' rules in memory.
pub fn chains_with_rules<E: From<Error>>(
    sock: &mut Socket,
    family: u8,
    table: &str,
    list: &Dumped,
    mut f: impl FnMut(&Chain, &[Rule]) -> Result<(), E>,
) -> Result<(), E> {
    let second = (list.len() >= FEED_MIN)
        .then(Socket::open)
        .and_then(Result::ok);
    let Some(mut other) = second else {
        for i in 0..list.len() {
            if let Some(c) = chain_at(list, table, i)? {
                let rules = chain_rules(sock, family, table, c.name.as_deref().unwrap_or(""))?;
                f(&c, &rules)?;
            }
        }
        return Ok(());
    };
    std::thread::scope(|sc| {
        let (tx, rx) = mpsc::sync_channel(FEED_AHEAD);
        sc.spawn(move || {
            for i in 0..list.len() {
                let item = chain_at(list, table, i).and_then(|c| match c {
                    Some(c) => {
                        let name = c.name.as_deref().unwrap_or("");
                        let rules = chain_rules(&mut other, family, table, name)?;
                        Ok(Some((c, rules)))
                    }
                    None => Ok(None),
                });
                let stop = item.is_err();
                // A closed receiver: the printer stopped (an error, a closed pipe).
                if tx.send(item).is_err() || stop {
                    break;
                }
            }
        });
        for item in rx {
            if let Some((c, rules)) = item? {
                f(&c, &rules)?;
            }
        }
        Ok(())
    })
}
