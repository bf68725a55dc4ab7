// SPDX-License-Identifier: Apache-2.0
//! Kernel state fetched for a command (cache.c): tables, chains, sets, rules,
//! elements and objects, with as few dumps as the command needs. Eval (nft-in)
//! asks "does X exist / what is its key type / its handle"; the listing path
//! (delinearize → print) reads whole tables.
//!
//! Invariant: only this module reads ruleset state from the kernel.

use std::collections::HashMap;

pub mod known;
pub mod stream;

use nfnl::nftables::{Chain, Obj, Rule, Set, SetElem, Table};
use nfnl::{Error, Socket};

/// What a command needs from the kernel.
#[derive(Debug, Clone, Default)]
pub struct Want {
    /// NFPROTO_* number; `None` = every family.
    pub family: Option<u8>,
    /// Only this table (by name, in `family`).
    pub table: Option<String>,
    pub chains: bool,
    pub rules: bool,
    /// Only the rules of this chain (implies `rules`).
    pub rule_chain: Option<String>,
    pub sets: bool,
    /// Elements of the sets fetched (named ones; anonymous sets always come
    /// with their elements when rules are fetched).
    pub elements: bool,
    /// Only this set's elements.
    pub set_name: Option<String>,
    pub objs: bool,
    /// Anonymous sets with their elements, for rules streamed separately.
    pub anon_elems: bool,
}

impl Want {
    /// Everything of one table, or of every table.
    pub fn all(family: Option<u8>, table: Option<&str>) -> Want {
        Want {
            family,
            table: table.map(str::to_string),
            chains: true,
            rules: true,
            rule_chain: None,
            sets: true,
            elements: true,
            set_name: None,
            objs: true,
            anon_elems: true,
        }
    }
}

/// A set with its elements.
#[derive(Debug, Clone)]
pub struct CachedSet {
    pub set: Set,
    pub elems: Vec<SetElem>,
}

impl CachedSet {
    pub fn name(&self) -> &str {
        self.set.name.as_deref().unwrap_or("")
    }

    pub fn is_anonymous(&self) -> bool {
        self.set.flag(nfnl::nftables::consts::NFT_SET_ANONYMOUS)
    }
}

/// One table and what was fetched of it, in kernel (handle) order.
#[derive(Debug, Clone)]
pub struct CachedTable {
    pub table: Table,
    pub chains: Vec<Chain>,
    pub sets: Vec<CachedSet>,
    pub rules: Vec<Rule>,
    pub objs: Vec<Obj>,
    /// Rule indices per chain name, in order.
    rule_idx: HashMap<String, Vec<usize>>,
    /// Set index per name.
    set_idx: HashMap<String, usize>,
}

impl CachedTable {
    /// Build a table entry (and its lookup indices).
    pub fn new(
        table: Table,
        chains: Vec<Chain>,
        sets: Vec<CachedSet>,
        rules: Vec<Rule>,
        objs: Vec<Obj>,
    ) -> Self {
        let mut rule_idx: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            rule_idx
                .entry(r.chain.clone().unwrap_or_default())
                .or_default()
                .push(i);
        }
        let set_idx = sets
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name().to_string(), i))
            .collect();
        CachedTable {
            table,
            chains,
            sets,
            rules,
            objs,
            rule_idx,
            set_idx,
        }
    }

    pub fn family(&self) -> u8 {
        self.table.family
    }

    pub fn name(&self) -> &str {
        self.table.name.as_deref().unwrap_or("")
    }

    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.chains.iter().find(|c| c.name.as_deref() == Some(name))
    }

    pub fn set(&self, name: &str) -> Option<&CachedSet> {
        self.set_idx.get(name).and_then(|&i| self.sets.get(i))
    }

    pub fn set_mut(&mut self, name: &str) -> Option<&mut CachedSet> {
        let i = *self.set_idx.get(name)?;
        self.sets.get_mut(i)
    }

    /// Fetch the elements of the anonymous sets `rules` use that are not
    /// loaded yet (a one-chain listing needs only its own).
    pub fn load_anon_elems(&mut self, sock: &mut Socket, rules: &[Rule]) -> Result<(), Error> {
        use nfnl::nftables::Expr as K;
        let (fam, table) = (self.family(), self.name().to_string());
        for r in rules {
            for x in r.expressions() {
                let name = match x {
                    K::Lookup(l) => l.set.as_deref(),
                    K::Dynset(d) => d.set_name.as_deref(),
                    K::Objref(o) => o.set_name.as_deref(),
                    _ => None,
                };
                let Some(name) = name else { continue };
                let need = self
                    .set(name)
                    .is_some_and(|s| s.is_anonymous() && s.elems.is_empty());
                if need {
                    let elems = sock.nft_elems(fam, &table, name)?;
                    if let Some(s) = self.set_mut(name) {
                        s.elems = elems;
                    }
                }
            }
        }
        Ok(())
    }

    /// Rules of one chain, in order.
    pub fn rules_of<'a>(&'a self, chain: &str) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rule_idx
            .get(chain)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&i| self.rules.get(i))
    }
}

/// The kernel's ruleset as far as a command needs it.
#[derive(Debug, Clone, Default)]
pub struct Cache {
    pub genid: u32,
    pub tables: Vec<CachedTable>,
}

impl Cache {
    /// Fetch what `want` asks for. A ruleset that changes under the dumps
    /// (the generation id moved) is fetched again.
    pub fn fetch(sock: &mut Socket, want: &Want) -> Result<Cache, Error> {
        let mut tries = 0;
        loop {
            let genid = sock.nft_gen()?;
            let cache = Self::fetch_once(sock, want, genid)?;
            if sock.nft_gen()? == genid || tries >= 8 {
                return Ok(cache);
            }
            tries += 1;
        }
    }

    fn fetch_once(sock: &mut Socket, want: &Want, genid: u32) -> Result<Cache, Error> {
        let fam = want.family.unwrap_or(0);
        let tables = match (&want.table, want.family) {
            (Some(name), Some(f)) => vec![sock.nft_table(f, name)?],
            (Some(name), None) => sock
                .nft_tables(0)?
                .into_iter()
                .filter(|t| t.name.as_deref() == Some(name.as_str()))
                .collect(),
            (None, _) => sock.nft_tables(fam)?,
        };
        let mut out = Vec::with_capacity(tables.len());
        for table in tables {
            let f = table.family;
            let tname = table.name.clone().unwrap_or_default();
            let chains = if want.chains || want.rules {
                sock.nft_chains(f, Some(&tname))?
            } else {
                Vec::new()
            };
            let want_rules = want.rules || want.rule_chain.is_some();
            let mut sets = Vec::new();
            let anon_wanted = want_rules || want.anon_elems;
            if want.sets || anon_wanted || want.set_name.is_some() {
                let mut need = Vec::new();
                for set in sock.nft_sets(f, Some(&tname))? {
                    let name = set.name.as_deref().unwrap_or("");
                    if let Some(only) = &want.set_name {
                        if !anon_wanted && name != only {
                            continue;
                        }
                    }
                    let anon = set.flag(nfnl::nftables::consts::NFT_SET_ANONYMOUS);
                    let named_wanted =
                        want.elements && want.set_name.as_ref().is_none_or(|only| *only == name);
                    if (anon && anon_wanted) || (!anon && named_wanted) {
                        need.push(sets.len());
                    }
                    sets.push(CachedSet {
                        set,
                        elems: Vec::new(),
                    });
                }
                fetch_elems(sock, f, &tname, &mut sets, &need)?;
            }
            let rules = if want_rules {
                sock.nft_rules(f, Some(&tname), want.rule_chain.as_deref())?
            } else {
                Vec::new()
            };
            let objs = if want.objs {
                sock.nft_objs(f, Some(&tname), None)?
            } else {
                Vec::new()
            };
            out.push(CachedTable::new(table, chains, sets, rules, objs));
        }
        Ok(Cache { genid, tables: out })
    }

    pub fn table(&self, family: u8, name: &str) -> Option<&CachedTable> {
        self.tables
            .iter()
            .find(|t| t.family() == family && t.name() == name)
    }
}

/// The elements of `sets[i]` for every `i` in `need`, one GETSETELEM dump per
/// set. The kernel finds each set by walking the table's set list, so with
/// thousands of (anonymous) sets these dumps are most of a listing's kernel
/// time. Splitting them over two sockets in two threads was measured and
/// dropped (more CPU, no faster on the shared 2-core box).
fn fetch_elems(
    sock: &mut Socket,
    family: u8,
    table: &str,
    sets: &mut [CachedSet],
    need: &[usize],
) -> Result<(), Error> {
    for &i in need {
        let Some(s) = sets.get_mut(i) else { continue };
        let name = s.name().to_string();
        s.elems = sock.nft_elems(family, table, &name)?;
    }
    Ok(())
}
