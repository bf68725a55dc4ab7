// SPDX-License-Identifier: Apache-2.0
//! What a load reads of an existing table's chains for batch shaping (crate::schedule): which
//! chains exist, which of them hold rules that bind anonymous sets, and the anonymous sets
//! each chain's rules use (so the batch can name new anonymous sets as the kernel would).
//!
//! Rules are read chain by chain (NFTA_RULE_CHAIN is a hash lookup in the kernel; the
//! table-wide rule dump restarts its walk at the first rule for every reply), and only of the
//! chains the input flushes or deletes unless it touches so many that reading every chain is
//! simpler.

use std::collections::{HashMap, HashSet};

use nfnl::nftables::{Expr, Rule};
use nfnl::{Error, Socket};

/// What the kernel showed of a table's chains.
#[derive(Debug, Default)]
pub struct ChainKnowledge {
    /// Chains known to exist.
    pub chains: HashSet<String>,
    /// Chains whose rules bind anonymous sets (or hold expressions this crate cannot decode).
    pub anon: HashSet<String>,
    /// The chains whose rules were read; `None`: every chain of the table.
    pub read: Option<HashSet<String>>,
    /// The anonymous sets (`__set…`/`__map…`) each read chain's rules use; `None` when a rule
    /// holds an expression this crate cannot decode (it might use one).
    pub chain_sets: Option<HashMap<String, Vec<String>>>,
}

impl ChainKnowledge {
    /// Read the rules of `only` (chain names), or of every chain of the table.
    pub fn fetch(
        sock: &mut Socket,
        family: u8,
        table: &str,
        only: Option<&HashSet<String>>,
    ) -> Result<ChainKnowledge, Error> {
        let mut k = ChainKnowledge {
            chain_sets: Some(HashMap::new()),
            ..Default::default()
        };
        let names: Vec<String> = match only {
            Some(o) => {
                k.read = Some(o.clone());
                o.iter().cloned().collect()
            }
            None => {
                let all: Vec<String> = sock
                    .nft_chains(family, Some(table))?
                    .into_iter()
                    .filter_map(|c| c.name)
                    .collect();
                k.chains.extend(all.iter().cloned());
                all
            }
        };
        for c in &names {
            let mut any = false;
            sock.nft_rules_each(family, Some(table), Some(c), |r| {
                any = true;
                k.learn(&r);
                Ok(())
            })?;
            // An empty dump: the chain has no rules or does not exist (left unknown).
            if any {
                k.chains.insert(c.clone());
            }
        }
        Ok(k)
    }

    /// From rules already read (every chain of the table).
    pub fn from_rules(chains: impl IntoIterator<Item = String>, rules: &[Rule]) -> ChainKnowledge {
        let mut k = ChainKnowledge {
            chains: chains.into_iter().collect(),
            chain_sets: Some(HashMap::new()),
            ..Default::default()
        };
        for r in rules {
            k.learn(r);
        }
        k
    }

    fn learn(&mut self, r: &Rule) {
        let Some(chain) = &r.chain else { return };
        if r.expressions().iter().any(binds_anonymous) {
            self.anon.insert(chain.clone());
        }
        for e in r.expressions() {
            let set = match e {
                Expr::Lookup(l) => l.set.as_ref(),
                Expr::Dynset(d) => d.set_name.as_ref(),
                Expr::Objref(o) => o.set_name.as_ref(),
                Expr::Other { .. } => {
                    self.chain_sets = None;
                    None
                }
                _ => None,
            };
            if let (Some(set), Some(cs)) =
                (set.filter(|n| n.starts_with("__")), &mut self.chain_sets)
            {
                cs.entry(chain.clone()).or_default().push(set.clone());
            }
        }
    }
}

/// Whether a kernel rule expression uses an anonymous set (`__set…`/`__map…`; any name
/// starting with `__` counts, to be safe).
fn binds_anonymous(e: &Expr) -> bool {
    let anon = |n: &Option<String>| n.as_deref().is_none_or(|n| n.starts_with("__"));
    match e {
        Expr::Lookup(l) => anon(&l.set),
        Expr::Dynset(d) => anon(&d.set_name),
        Expr::Objref(o) => o.set_name.is_some() && anon(&o.set_name),
        Expr::Other { .. } => true,
        _ => false,
    }
}
