// SPDX-License-Identifier: Apache-2.0
//! "No such file or directory" for listings of missing objects, with nft's
//! "did you mean" hints (evaluate.c `table_not_found`/`chain_not_found`/
//! `set_not_found`, misspell.c).

use nfnl::Socket;

use crate::ast::{Family, ListCmd, ListWhat};
use crate::cache::{Cache, Want};
use crate::erec::ErrorRecord;

const ENOENT: &str = "No such file or directory";

/// nftables' edit distance, computed the way misspell.c computes it (its
/// indices run one character ahead, so the result is what nft reports).
fn distance(a: &[u8], b: &[u8]) -> usize {
    let (la, lb) = (a.len(), b.len());
    let at = |s: &[u8], i: usize| s.get(i).copied().unwrap_or(0);
    let mut d = vec![0usize; (la + 1) * (lb + 1) + lb + 2];
    let idx = |i: usize, j: usize| i * lb + j;
    for i in 0..=la {
        d[idx(i, 0)] = i;
    }
    for j in 0..=lb {
        d[idx(0, j)] = j;
    }
    for i in 1..=la {
        for j in 1..=lb {
            let sub = usize::from(at(a, i) != at(b, j));
            let v = (d[idx(i - 1, j)] + 1)
                .min(d[idx(i, j - 1)] + 1)
                .min(d[idx(i - 1, j - 1)] + sub);
            d[idx(i, j)] = v;
            if i > 1 && j > 1 && at(a, i) == at(b, j - 1) && at(a, i - 1) == at(b, j) {
                d[idx(i, j)] = d[idx(i, j)].min(d[idx(i - 2, j - 2)] + sub);
            }
        }
    }
    d[idx(la, lb)]
}

/// `string_misspell_update`: is `a` close enough to `b`, and closer than `best`?
fn closer(a: &str, b: &str, best: &mut usize) -> bool {
    let (la, lb) = (a.len(), b.len());
    let (max, min) = (la.max(lb), la.min(lb));
    if max <= 1 {
        return false;
    }
    let threshold = if max - min <= 1 {
        max.div_ceil(3).max(1)
    } else {
        (max + 2).div_ceil(3)
    };
    let dist = distance(a.as_bytes(), b.as_bytes());
    if dist > threshold || dist >= *best {
        return false;
    }
    *best = dist;
    true
}

fn fam_name(f: u8) -> &'static str {
    Family::from_nfproto(f)
        .map(Family::name)
        .unwrap_or("unknown")
}

fn everything(sock: &mut Socket) -> Result<Cache, nfnl::Error> {
    Cache::fetch(
        sock,
        &Want {
            chains: true,
            sets: true,
            ..Default::default()
        },
    )
}

fn table_not_found(all: &Cache, cmd: &ListCmd) -> ErrorRecord {
    let name = cmd.table.as_deref().unwrap_or("");
    let mut best = usize::MAX;
    let mut hit = None;
    for t in &all.tables {
        if t.name() == name {
            hit = Some(t);
            break;
        }
        if closer(t.name(), name, &mut best) {
            hit = Some(t);
        }
    }
    let msg = match hit {
        Some(t) => format!(
            "{ENOENT}; did you mean table ‘{}’ in family {}?",
            t.name(),
            fam_name(t.family())
        ),
        None => ENOENT.to_string(),
    };
    ErrorRecord::new(cmd.table_span, msg)
}

fn chain_not_found(all: &Cache, cmd: &ListCmd) -> ErrorRecord {
    let name = cmd.name.as_deref().unwrap_or("");
    let mut best = usize::MAX;
    let mut hit: Option<(&str, u8, &str)> = None;
    'outer: for t in &all.tables {
        for c in &t.chains {
            let cn = c.name.as_deref().unwrap_or("");
            if cn == name {
                hit = Some((cn, t.family(), t.name()));
                break 'outer;
            }
            if closer(cn, name, &mut best) {
                hit = Some((cn, t.family(), t.name()));
            }
        }
    }
    let msg = match hit {
        Some((c, f, t)) => format!(
            "{ENOENT}; did you mean chain ‘{c}’ in table {} ‘{t}’?",
            fam_name(f)
        ),
        None => ENOENT.to_string(),
    };
    ErrorRecord::new(cmd.name_span, msg)
}

fn set_not_found(all: &Cache, cmd: &ListCmd) -> ErrorRecord {
    let name = cmd.name.as_deref().unwrap_or("");
    let mut best = usize::MAX;
    let mut hit = None;
    'outer: for t in &all.tables {
        for s in t.sets.iter().filter(|s| !s.is_anonymous()) {
            if s.name() == name {
                hit = Some((s, t));
                break 'outer;
            }
            if closer(s.name(), name, &mut best) {
                hit = Some((s, t));
            }
        }
    }
    let msg = match hit {
        Some((s, t)) => {
            let kind = if super::is_map_set(&s.set) {
                "map"
            } else {
                "set"
            };
            format!(
                "{ENOENT}; did you mean {kind} ‘{}’ in table {} ‘{}’?",
                s.name(),
                fam_name(t.family()),
                t.name()
            )
        }
        None => ENOENT.to_string(),
    };
    ErrorRecord::new(cmd.name_span, msg)
}

/// The kernel said ENOENT: find out what is missing and word it as nft does.
pub fn not_found(sock: &mut Socket, cmd: &ListCmd) -> Result<ErrorRecord, nfnl::Error> {
    let all = everything(sock)?;
    let fam = cmd.family.unwrap_or(Family::Ip).nfproto();
    let tname = cmd.table.as_deref().unwrap_or("");
    let Some(t) = all.table(fam, tname) else {
        return Ok(table_not_found(&all, cmd));
    };
    let name = cmd.name.as_deref().unwrap_or("");
    Ok(match cmd.what {
        ListWhat::Chain if t.chain(name).is_none() => chain_not_found(&all, cmd),
        ListWhat::Set | ListWhat::Map => set_not_found(&all, cmd),
        _ => ErrorRecord::new(cmd.table_span, ENOENT),
    })
}

/// After a successful fetch: a named chain or set that is not there.
pub fn check(
    sock: &mut Socket,
    cmd: &ListCmd,
    cache: &Cache,
) -> Result<Option<ErrorRecord>, nfnl::Error> {
    let name = cmd.name.as_deref().unwrap_or("");
    let Some(t) = cache.tables.first() else {
        if cmd.table.is_some() && !matches!(cmd.what, ListWhat::Ruleset | ListWhat::Tables) {
            return Ok(Some(table_not_found(&everything(sock)?, cmd)));
        }
        return Ok(None);
    };
    let missing = match cmd.what {
        ListWhat::Chain => t.chain(name).is_none(),
        ListWhat::Set | ListWhat::Map => {
            let want_map = cmd.what == ListWhat::Map;
            !t.set(name)
                .is_some_and(|s| !s.is_anonymous() && super::is_map_set(&s.set) == want_map)
        }
        ListWhat::Counter => !t
            .objs
            .iter()
            .any(|o| o.name.as_deref() == Some(name) && o.as_counter().is_some()),
        _ => false,
    };
    if !missing {
        return Ok(None);
    }
    if cmd.what == ListWhat::Counter {
        return Ok(Some(ErrorRecord::new(cmd.name_span, ENOENT)));
    }
    let all = everything(sock)?;
    Ok(Some(match cmd.what {
        ListWhat::Chain => chain_not_found(&all, cmd),
        _ => set_not_found(&all, cmd),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspell_thresholds() {
        let mut best = usize::MAX;
        assert!(closer("kube-proxy", "kube-prxy", &mut best));
        let mut best = usize::MAX;
        assert!(!closer("filter", "nat", &mut best));
        let mut best = usize::MAX;
        assert!(closer("t", "t", &mut best) || "t".len() <= 1);
    }
}
