// SPDX-License-Identifier: Apache-2.0
//! What eval knows about the ruleset (nftables' cache as evaluation sees it): the tables, chains,
//! sets and (when a command needs them) rule handles that exist in the kernel, updated by every
//! command of the transaction as it is evaluated.

use crate::ast::{Datatype, Family};

/// One set or map as eval needs it: key fields, data type, flags, transaction id.
#[derive(Debug, Clone, PartialEq)]
pub struct SetInfo {
    /// Key parts: datatype and width in bits (one entry unless concatenated).
    pub key: Vec<(Datatype, u32)>,
    /// Map data: datatype and width in bits (verdict maps: `Verdict`, 128).
    pub data: Option<(Datatype, u32)>,
    pub flags: u32,
    /// NFTA_SET_ID when the set is created by this transaction.
    pub id: Option<u32>,
}

/// A rule in a chain's order: known by its kernel handle, or by its transaction id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleRef {
    Handle(u64),
    Id(u32),
}

#[derive(Debug, Clone, Default)]
pub struct ChainInfo {
    /// NFTA_CHAIN_ID when created by this transaction.
    pub id: Option<u32>,
    /// The chain's rules in order, when they were fetched (`index`/`position` need them).
    pub rules: Option<Vec<RuleRef>>,
}

#[derive(Debug, Clone, Default)]
pub struct TableInfo {
    pub chains: NameMap<ChainInfo>,
    pub sets: NameMap<SetInfo>,
    /// Counter objects.
    pub objs: NameMap<u32>,
}

/// A map keyed by object names, hashed with [`NameHasher`].
pub type NameMap<V> = kcommon::fxhash::FxMap<String, V>;

/// The hash of [`NameMap`]s (kcommon's Fx hasher): a full sync looks up tens of thousands of
/// chain names, and std's SipHash was a tenth of the load's user time. The input is the
/// administrator's own ruleset, so flooding resistance buys nothing here.
pub use kcommon::fxhash::FxHasher as NameHasher;

#[derive(Debug, Default)]
pub struct Scope {
    /// A transaction names a handful of tables: found by a scan, without a key string.
    tables: Vec<(Family, String, TableInfo)>,
    next_id: u32,
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }

    /// A fresh transaction-local id (NFTA_*_ID).
    pub fn next_id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    /// The last id handed out (linearize hands out more while it only reads the scope).
    pub fn last_id(&self) -> u32 {
        self.next_id
    }

    pub fn set_last_id(&mut self, id: u32) {
        self.next_id = self.next_id.max(id);
    }

    pub fn table(&self, family: Family, name: &str) -> Option<&TableInfo> {
        self.tables
            .iter()
            .find(|(f, n, _)| *f == family && n == name)
            .map(|(_, _, t)| t)
    }

    pub fn table_mut(&mut self, family: Family, name: &str) -> Option<&mut TableInfo> {
        self.tables
            .iter_mut()
            .find(|(f, n, _)| *f == family && n == name)
            .map(|(_, _, t)| t)
    }

    /// Make sure a table is known (add table).
    pub fn add_table(&mut self, family: Family, name: &str) -> &mut TableInfo {
        let i = match self
            .tables
            .iter()
            .position(|(f, n, _)| *f == family && n == name)
        {
            Some(i) => i,
            None => {
                self.tables
                    .push((family, name.to_string(), TableInfo::default()));
                self.tables.len() - 1
            }
        };
        &mut self.tables[i].2
    }

    pub fn remove_table(&mut self, family: Family, name: &str) {
        self.tables.retain(|(f, n, _)| !(*f == family && n == name));
    }

    /// Tables of a family (or all), for `flush ruleset`.
    pub fn clear(&mut self, family: Option<Family>) {
        self.tables
            .retain(|(f, _, _)| family.is_some_and(|x| x != *f));
    }

    pub fn set(&self, family: Family, table: &str, name: &str) -> Option<&SetInfo> {
        self.table(family, table)?.sets.get(name)
    }

    /// Names of tables in any family, for "did you mean" hints.
    pub fn table_names(&self) -> impl Iterator<Item = (Family, &str)> {
        self.tables.iter().map(|(f, n, _)| (*f, n.as_str()))
    }
}
