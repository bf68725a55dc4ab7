// SPDX-License-Identifier: Apache-2.0
//! Batch shaping: the order of messages inside the one atomic transaction.
//!
//! The kernel walks its whole transaction list every time a rule binds an anonymous set
//! (`__nft_set_trans_bind`), so the cost of a batch grows with (binds) × (messages before each
//! bind). This module sends every anonymous-set-binding rule as early as its dependencies allow:
//! the binding rules and everything they depend on (transitively) go first, in input order; all
//! other messages follow, in input order.
//!
//! Dependencies are conflicts on named objects: two messages conflict when they touch the same
//! object and at least one of them changes it. Objects are tables, chains (existence, which
//! jumps and gotos read, apart from their rules), sets (anonymous ones
//! by their NFTA_SET_ID), stateful objects, and pseudo-objects per table: anonymous set names
//! (`__set%d` is the lowest free number at the time of creation, so anonymous set creations
//! and the deletions that may free such names keep their order; a flushed chain the kernel
//! dump showed without anonymous sets frees none), and deletions (deleting a chain, set or
//! object needs the references to it gone, so it keeps its order with every deletion of rules
//! and elements). Creations of chains, of named sets and of objects keep their
//! relative order too: listings print them in the order the kernel created them. A message this module cannot analyse (flush ruleset, delete
//! table, chains by id, unknown expressions) is a barrier: it conflicts with everything.
//!
//! The schedule is valid because the first group is closed under "an earlier message it
//! conflicts with": nothing moves past a message it conflicts with, so every object sees its
//! changes in input order and the kernel ends with the same ruleset (only handles, which count
//! in arrival order, differ).
//!
//! It also drops `flush chain X` when X was created earlier in this batch, in a table that did
//! not exist before it, and got no rules since: the kernel does nothing for it. And the first
//! rule appended to an empty chain goes out as a head insert, so a bind right after it need
//! not wait for it (`rules_write`).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use nfnl::msg::NLM_F_APPEND;
use nfnl::nftables::consts::*;
use nfnl::nftables::{Data, Expr, Rule as KRule};

use crate::linearize::{Body, Out};

mod naming;
use kcommon::fxhash::{FxMap, FxSet};
use naming::{anon_number, Naming};

/// Object kinds inside a table.
const K_TABLE: u8 = 0;
const K_CHAIN: u8 = 1;
const K_SET: u8 = 2;
const K_SET_ID: u8 = 3;
const K_OBJ: u8 = 4;
/// The per-table pseudo-object of deletions and anonymous set names.
const K_NAMES: u8 = 5;
/// Deletions that need the references to their object gone (delete chain/set/object) write
/// it; deletions that drop references (rules, elements) read it.
const K_DELS: u8 = 7;
/// A chain's rules (its existence is K_CHAIN, which references to it read).
const K_RULES: u8 = 8;
/// Creation order: listings print chains, named sets and objects in the order the kernel
/// created them, so every creation of one kind keeps its place relative to the others.
const K_ORDER: u8 = 6;

#[derive(Default)]
struct ObjState {
    last_writer: Option<u32>,
    readers: Vec<u32>,
    /// A chain's rules (K_RULES) only: flushed by this batch (in this barrier epoch) and
    /// given no rule since.
    empty: Option<u32>,
    /// K_RULES: the chain's first rule, sent as a head insert, and the writer before it.
    head: Option<(u32, Option<u32>)>,
    /// K_RULES: a head-inserted first rule that a bind was sent before; rule operations
    /// other than appends keep their order with it.
    pending: Option<u32>,
}

/// What a message does to a chain's rules, for head inserts (see `rules_write`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum RuleOp {
    /// A new rule appended at the end (no position, handle or replace).
    Append,
    /// Every rule of the chain deleted (`flush chain`).
    Flush,
    Other,
}

/// Accesses of one message.
#[derive(Default)]
struct Access<'a> {
    reads: Vec<(u8, Cow<'a, str>)>,
    writes: Vec<(u8, Cow<'a, str>)>,
    barrier: bool,
    /// A barrier that may remove objects (flush ruleset, delete table).
    destructive: bool,
    binds: bool,
}

#[derive(Default)]
pub struct Schedule {
    tables: FxMap<(u8, String), u32>,
    /// The table of the previous message (most messages are in one table).
    last_table: Option<(u8, String, u32)>,
    objs: FxMap<(u32, u8), FxMap<String, ObjState>>,
    /// Every message reads the barrier object; barriers write it.
    barrier: ObjState,
    deps: Vec<u32>,
    dep_start: Vec<u32>,
    seeds: Vec<u32>,
    /// Tables known not to exist before the batch.
    fresh: FxSet<u32>,
    /// Tables whose chains are known (from the kernel, or new): which chains exist and which
    /// may hold rules with anonymous sets.
    known: FxMap<u32, Known>,
    /// Fresh tables where this batch names anonymous sets itself: the next number per
    /// template (`__set`, `__map`). A table leaves this map at the first message that could
    /// free or take such a name otherwise (then the kernel numbers, from where we left).
    naming: FxMap<u32, Naming>,
    /// Tables whose naming stops after the current message.
    naming_off: Vec<u32>,
    /// Chains created in this batch in a fresh table: true while they have no rules.
    empty_chains: FxMap<u32, FxMap<String, bool>>,
    /// Anonymous sets this batch named itself.
    named: usize,
    /// Bumped by every barrier: emptiness learnt before one is void after it.
    epoch: u32,
}

impl Schedule {
    pub fn new() -> Schedule {
        Schedule {
            dep_start: vec![0],
            ..Default::default()
        }
    }

    /// The table did not exist when the batch was built.
    pub fn table_absent(&mut self, family: u8, name: &str) {
        let tid = self.table_id(family, name);
        self.fresh.insert(tid);
        self.naming.insert(tid, Naming::default());
        self.known.insert(tid, Known::default());
    }

    /// Chains of the table the kernel showed (with rules), and those with rules that bind
    /// anonymous sets: flushing the others frees no `__set%d` name, and adding an existing
    /// chain creates nothing. `chains` may be a part of the table (a chain left out counts
    /// as new, the conservative side) as long as every chain whose rules the batch flushes
    /// or deletes was read (cache::known).
    pub fn table_known(
        &mut self,
        family: u8,
        name: &str,
        chains: HashSet<String>,
        anon: HashSet<String>,
    ) {
        let tid = self.table_id(family, name);
        let (chains, anon) = (chains.into_iter().collect(), anon.into_iter().collect());
        self.known.insert(tid, Known { chains, anon });
    }

    /// The table's sets (every name) and the anonymous sets each chain's rules use (at least
    /// of every chain whose rules the batch flushes or deletes): with them the batch names
    /// new anonymous sets as the kernel would (see `name_anonymous`).
    pub fn table_set_names<'a>(
        &mut self,
        family: u8,
        name: &str,
        sets: impl IntoIterator<Item = &'a str>,
        chain_sets: HashMap<String, Vec<String>>,
    ) {
        let mut n = Naming::default();
        for s in sets {
            if !s.starts_with("__") {
                continue;
            }
            let Some((tmpl, num)) = anon_number(s) else {
                // Named like an anonymous set but not one: let the kernel number.
                return;
            };
            n.pools.entry(tmpl).or_default().used.push(num);
        }
        for p in n.pools.values_mut() {
            p.settle();
        }
        for (chain, names) in chain_sets {
            let nums: Option<Vec<(String, u32)>> = names.iter().map(|x| anon_number(x)).collect();
            let Some(nums) = nums else {
                return;
            };
            n.chain_sets.insert(chain, nums);
        }
        let tid = self.table_id(family, name);
        self.naming.insert(tid, n);
    }

    /// Number of messages recorded.
    pub fn len(&self) -> usize {
        self.dep_start.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Record the next message; false when it is a no-op the batch should leave out.
    pub fn add(&mut self, out: &mut Out) -> bool {
        let tid = table_of(out).map(|(f, t)| self.table_id(f, t));
        if self.is_noop_flush(out, tid) {
            return false;
        }
        let idx = self.len() as u32;
        let acc = access(out, tid.and_then(|t| self.known.get(&t)));
        let (binds, barrier) = (acc.binds, acc.barrier);
        let names = acc.writes.iter().any(|(k, _)| *k == K_NAMES);
        let mut deps: Vec<u32> = Vec::new();
        if barrier || tid.is_none() {
            if let Some(w) = self.barrier.last_writer {
                deps.push(w);
            }
            // Every message since the last barrier reads the barrier object.
            deps.append(&mut self.barrier.readers);
            self.barrier.last_writer = Some(idx);
            // A barrier may add rules this module does not see: no chain is known empty.
            self.epoch += 1;
            self.empty_chains.clear();
            if acc.destructive || tid.is_none() {
                self.empty_chains.clear();
                self.fresh.clear();
                self.known.clear();
                self.naming.clear();
            }
        } else {
            if let Some(w) = self.barrier.last_writer {
                deps.push(w);
            }
            self.barrier.readers.push(idx);
        }
        let op = rule_op(out);
        let fresh_empty = match (&out.body, tid) {
            (Body::Rule(r), Some(t)) => r
                .chain
                .as_deref()
                .is_some_and(|c| self.empty_chains.get(&t).and_then(|m| m.get(c)) == Some(&true)),
            _ => false,
        };
        let mut head_insert = false;
        if let (Some(tid), false) = (tid, barrier) {
            for (k, name) in &acc.reads {
                let Some(st) = obj(&mut self.objs, tid, *k, name) else {
                    continue;
                };
                if let Some(w) = st.last_writer {
                    deps.push(w);
                }
                st.readers.push(idx);
            }
            for (k, name) in &acc.writes {
                let Some(st) = obj(&mut self.objs, tid, *k, name) else {
                    continue;
                };
                if *k == K_RULES {
                    let empty = fresh_empty || st.empty == Some(self.epoch);
                    head_insert = rules_write(st, idx, op, binds, empty, &mut deps);
                    st.empty = (op == RuleOp::Flush).then_some(self.epoch);
                    continue;
                }
                if let Some(w) = st.last_writer {
                    deps.push(w);
                }
                deps.append(&mut st.readers);
                st.last_writer = Some(idx);
            }
        }
        drop(acc);
        if head_insert {
            // The chain is empty: at its head the rule lands where an append would.
            out.flags &= !NLM_F_APPEND;
        }
        if let (Some(tid), false) = (tid, barrier) {
            self.track_chains(tid, out);
        }
        if let Some(tid) = tid {
            self.learn(out, tid, binds);
            self.name_anonymous(out, tid, binds, names);
        } else if let Body::Elems(e) = &mut out.body {
            elems_by_id(e);
        }
        deps.sort_unstable();
        deps.dedup();
        deps.retain(|d| *d != idx);
        self.deps.extend_from_slice(&deps);
        self.dep_start.push(self.deps.len() as u32);
        if binds && !barrier {
            self.seeds.push(idx);
        }
        true
    }

    /// The send order: indices of recorded messages.
    pub fn order(&self) -> Vec<u32> {
        let n = self.len();
        let front = self.front();
        let mut order: Vec<u32> = (0..n as u32).filter(|i| front[*i as usize]).collect();
        order.extend((0..n as u32).filter(|i| !front[*i as usize]));
        order
    }

    /// Which messages go first: the binding rules and, transitively, every earlier message
    /// they conflict with.
    pub fn front(&self) -> Vec<bool> {
        let n = self.len();
        let mut front = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        for &s in &self.seeds {
            if front[s as usize] {
                continue;
            }
            front[s as usize] = true;
            stack.push(s);
            while let Some(m) = stack.pop() {
                let (a, b) = (
                    self.dep_start[m as usize] as usize,
                    self.dep_start[m as usize + 1] as usize,
                );
                for &d in &self.deps[a..b] {
                    if !front[d as usize] {
                        front[d as usize] = true;
                        stack.push(d);
                    }
                }
            }
        }
        front
    }

    /// What the kernel's bind walks cost with `order` against input order.
    pub fn stats(&self, order: &[u32]) -> Stats {
        let mut pos = vec![0u32; self.len()];
        for (p, i) in order.iter().enumerate() {
            if let Some(x) = pos.get_mut(*i as usize) {
                *x = p as u32;
            }
        }
        let seeds = &self.seeds;
        Stats {
            messages: self.len(),
            binds: seeds.len(),
            walk: seeds.iter().map(|s| pos[*s as usize] as u64).sum(),
            walk_input: seeds.iter().map(|s| *s as u64).sum(),
            named: self.named,
        }
    }
}

/// Batch shape figures: `walk` is the sum over anonymous-set binds of the messages sent
/// before each (what `__nft_set_trans_bind` walks), `walk_input` the same in input order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub messages: usize,
    pub binds: usize,
    pub walk: u64,
    pub walk_input: u64,
    /// Anonymous sets named by the batch (the others the kernel numbers).
    pub named: usize,
}

impl Schedule {
    fn table_id(&mut self, family: u8, name: &str) -> u32 {
        if let Some((f, n, id)) = &self.last_table {
            if *f == family && n == name {
                return *id;
            }
        }
        let next = self.tables.len() as u32;
        let id = *self
            .tables
            .entry((family, name.to_string()))
            .or_insert(next);
        self.last_table = Some((family, name.to_string(), id));
        id
    }

    /// Keep the known tables up to date: chains this batch creates or deletes, and chains
    /// it adds binding rules to.
    fn learn(&mut self, out: &Out, tid: u32, binds: bool) {
        let Some(k) = self.known.get_mut(&tid) else {
            return;
        };
        match (&out.body, out.msg) {
            (Body::Chain(c), NFT_MSG_NEWCHAIN) => {
                if let Some(n) = c.name.as_ref().filter(|n| !k.chains.contains(*n)) {
                    k.chains.insert(n.clone());
                }
            }
            (Body::Chain(c), _) => {
                if let Some(n) = &c.name {
                    k.chains.remove(n);
                }
            }
            (Body::Rule(r), NFT_MSG_NEWRULE) if binds => {
                if let Some(n) = &r.chain {
                    k.anon.insert(n.clone());
                }
            }
            _ => {}
        }
    }

    /// Give a new anonymous set of a fresh table the name the kernel would give it (the
    /// lowest free `__set<N>`: no set of the table was deleted or named like one), so the
    /// kernel does not scan every set of the table for it (`nf_tables_set_alloc_name`).
    /// Element messages for anonymous sets name them by NFTA_SET_ELEM_LIST_SET_ID alone, so
    /// the kernel does not compare the name with every set's either.
    fn name_anonymous(&mut self, out: &mut Out, tid: u32, binds: bool, names: bool) {
        let new_anon = matches!(&out.body, Body::Set(s)
            if out.msg == NFT_MSG_NEWSET && s.id.is_some()
                && s.name.as_deref().is_some_and(|n| n.ends_with("%d") && n.matches('%').count() == 1));
        if let Body::Elems(e) = &mut out.body {
            elems_by_id(e);
        }
        let Some(naming) = self.naming.get_mut(&tid) else {
            return;
        };
        match (&mut out.body, out.msg) {
            (Body::Set(s), _) if new_anon => {
                let Some(tmpl) = s.name.as_deref().and_then(|n| n.strip_suffix("%d")) else {
                    return;
                };
                let n = naming.pools.entry(tmpl.to_string()).or_default().take();
                s.name = Some(format!("{tmpl}{n}"));
                self.named += 1;
            }
            (Body::Rule(r), NFT_MSG_NEWRULE) if binds => {
                if let Some(c) = &r.chain {
                    naming.bound_new.insert(c.clone());
                }
            }
            // A flushed or deleted chain frees its rules' anonymous sets, whose names we know
            // unless this batch bound new ones in it.
            (Body::Rule(r), NFT_MSG_DELRULE | NFT_MSG_DESTROYRULE)
                if r.handle.is_none() && r.id.is_none() =>
            {
                naming.free_chain(r.chain.as_deref(), tid, &mut self.naming_off);
            }
            (Body::Chain(c), NFT_MSG_DELCHAIN | NFT_MSG_DESTROYCHAIN) => {
                naming.free_chain(c.name.as_deref(), tid, &mut self.naming_off);
            }
            _ if names => {
                self.naming_off.push(tid);
            }
            _ => {}
        }
        for k in self.naming_off.drain(..) {
            self.naming.remove(&k);
        }
    }

    /// Whether `out` is `flush chain X` for a chain this batch created empty.
    fn is_noop_flush(&self, out: &Out, tid: Option<u32>) -> bool {
        let Body::Rule(r) = &out.body else {
            return false;
        };
        if out.msg != NFT_MSG_DELRULE || r.handle.is_some() || r.id.is_some() {
            return false;
        }
        let (Some(tid), Some(c)) = (tid, r.chain.as_deref()) else {
            return false;
        };
        self.empty_chains.get(&tid).and_then(|m| m.get(c)) == Some(&true)
    }

    fn track_chains(&mut self, tid: u32, out: &Out) {
        match (&out.body, out.msg) {
            (Body::Chain(c), NFT_MSG_NEWCHAIN) => {
                let Some(n) = c.name.as_deref() else {
                    return;
                };
                if self.fresh.contains(&tid) {
                    let m = self.empty_chains.entry(tid).or_default();
                    if !m.contains_key(n) {
                        m.insert(n.to_string(), true);
                    }
                }
            }
            (Body::Chain(c), _) => {
                if let (Some(n), Some(m)) = (c.name.as_deref(), self.empty_chains.get_mut(&tid)) {
                    m.remove(n);
                }
            }
            (Body::Rule(r), NFT_MSG_NEWRULE) => {
                if let Some(e) = r
                    .chain
                    .as_deref()
                    .and_then(|n| self.empty_chains.get_mut(&tid)?.get_mut(n))
                {
                    *e = false;
                }
            }
            _ => {}
        }
    }
}

/// How a message touches its chain's rules.
fn rule_op(out: &Out) -> RuleOp {
    let Body::Rule(r) = &out.body else {
        return RuleOp::Other;
    };
    let placed = r.handle.is_some() || r.position.is_some() || r.position_id.is_some();
    match out.msg {
        NFT_MSG_NEWRULE if out.flags & NLM_F_APPEND != 0 && !placed => RuleOp::Append,
        NFT_MSG_DELRULE | NFT_MSG_DESTROYRULE if r.handle.is_none() && r.id.is_none() => {
            RuleOp::Flush
        }
        _ => RuleOp::Other,
    }
}

/// A write of a chain's rules (K_RULES). Usually it follows the previous one. But the first
/// rule appended to an empty chain is sent as a head insert (the same place), and a bind
/// appended right after it need not wait for it: the bind goes out first and the first rule,
/// later, still lands before it — one message fewer ahead of every bind (kube-proxy's
/// service chains: `ip daddr … jump mark-for-masquerade`, then the `numgen … vmap`).
/// Returns whether this message is such a head insert.
fn rules_write(
    st: &mut ObjState,
    idx: u32,
    op: RuleOp,
    binds: bool,
    empty: bool,
    deps: &mut Vec<u32>,
) -> bool {
    let before = st.last_writer;
    let skip = op == RuleOp::Append && binds && st.head.is_some_and(|(a, _)| Some(a) == before);
    match st.head.take() {
        Some((a, prev)) if skip => {
            deps.extend(prev);
            st.pending = Some(a);
        }
        _ => {
            deps.extend(before);
            if op != RuleOp::Append {
                deps.extend(st.pending.take());
            }
        }
    }
    deps.append(&mut st.readers);
    st.last_writer = Some(idx);
    let head = op == RuleOp::Append && empty && !skip;
    if head {
        st.head = Some((idx, before));
    }
    head
}

/// The state of one object (created on first use).
fn obj<'m>(
    objs: &'m mut FxMap<(u32, u8), FxMap<String, ObjState>>,
    tid: u32,
    kind: u8,
    name: &str,
) -> Option<&'m mut ObjState> {
    let m = objs.entry((tid, kind)).or_default();
    if !m.contains_key(name) {
        m.insert(name.to_string(), ObjState::default());
    }
    m.get_mut(name)
}

/// Element messages for anonymous sets of this batch name them by id alone.
fn elems_by_id(e: &mut nfnl::nftables::SetElemList) {
    if e.set_id.is_some() && e.set.as_deref().is_some_and(|n| n.contains('%')) {
        e.set = None;
    }
}

fn table_of(out: &Out) -> Option<(u8, &str)> {
    let (f, t) = match &out.body {
        Body::Table(t) => (t.family, t.name.as_deref()),
        Body::Chain(c) => (c.family, c.table.as_deref()),
        Body::Rule(r) => (r.family, r.table.as_deref()),
        Body::Set(s) => (s.family, s.table.as_deref()),
        Body::Elems(e) => (e.family, e.table.as_deref()),
        Body::Obj(o) => (o.family, o.table.as_deref()),
    };
    Some((f, t?))
}

fn is_delete(msg: u8) -> bool {
    matches!(
        msg,
        NFT_MSG_DELTABLE
            | NFT_MSG_DELCHAIN
            | NFT_MSG_DELRULE
            | NFT_MSG_DELSET
            | NFT_MSG_DELSETELEM
            | NFT_MSG_DELOBJ
            | NFT_MSG_DESTROYTABLE
            | NFT_MSG_DESTROYCHAIN
            | NFT_MSG_DESTROYRULE
            | NFT_MSG_DESTROYSET
            | NFT_MSG_DESTROYSETELEM
            | NFT_MSG_DESTROYOBJ
    )
}

/// A set reference: anonymous sets (`__set%d`) by their id, named ones by name.
fn set_key(name: Option<&str>, id: Option<u32>) -> Option<(u8, Cow<'_, str>, bool)> {
    match (name, id) {
        (Some(n), _) if !n.contains('%') => Some((K_SET, Cow::Borrowed(n), false)),
        (_, Some(id)) => Some((K_SET_ID, Cow::Owned(id.to_string()), true)),
        _ => None,
    }
}

/// Whether a set name could collide with the kernel's `__set%d` numbering.
fn names_like_anon(name: &str) -> bool {
    name.starts_with("__set") || name.starts_with("__map")
}

/// What is known of a table's chains.
#[derive(Default)]
struct Known {
    chains: FxSet<String>,
    anon: FxSet<String>,
}

fn access<'a>(out: &'a Out, known: Option<&Known>) -> Access<'a> {
    let mut a = Access::default();
    let del = is_delete(out.msg);
    if del {
        match &out.body {
            // Dropping references: rules (and the anonymous sets they free, see below),
            // elements.
            Body::Rule(_) | Body::Elems(_) => a.reads.push((K_DELS, Cow::Borrowed(""))),
            // A chain deleted with its rules frees their anonymous sets' names.
            Body::Chain(c) => {
                a.writes.push((K_DELS, Cow::Borrowed("")));
                let frees = match (known, &c.name) {
                    (Some(k), Some(n)) => k.anon.contains(n),
                    _ => true,
                };
                if frees {
                    a.writes.push((K_NAMES, Cow::Borrowed("")));
                }
            }
            // Sets write the names below when theirs could be one.
            _ => a.writes.push((K_DELS, Cow::Borrowed(""))),
        }
    }
    match &out.body {
        Body::Table(t) => {
            // Whole-table deletes and `flush ruleset` touch everything; table creations keep
            // their order (listings print tables in creation order).
            a.barrier = true;
            a.destructive = del || t.name.is_none();
        }
        Body::Chain(c) => {
            a.reads.push((K_TABLE, Cow::Borrowed("")));
            match &c.name {
                Some(n) => {
                    a.writes.push((K_CHAIN, Cow::Borrowed(n.as_str())));
                    // Deleting a chain needs its rules gone first.
                    if del {
                        a.writes.push((K_RULES, Cow::Borrowed(n.as_str())));
                    }
                }
                None => a.barrier = true,
            }
            let exists = match (known, &c.name) {
                (Some(k), Some(n)) => k.chains.contains(n),
                _ => false,
            };
            if out.msg == NFT_MSG_NEWCHAIN && !exists {
                a.writes.push((K_ORDER, Cow::Borrowed("chain")));
            }
        }
        Body::Rule(r) => {
            a.reads.push((K_TABLE, Cow::Borrowed("")));
            match &r.chain {
                Some(n) => {
                    a.reads.push((K_CHAIN, Cow::Borrowed(n.as_str())));
                    a.writes.push((K_RULES, Cow::Borrowed(n.as_str())));
                }
                // `flush table`, chains by id.
                None => a.barrier = true,
            }
            if !del {
                rule_reads(r, &mut a);
            } else {
                // A deleted rule frees the names of its anonymous sets (the kernel numbers
                // new ones from the lowest free name), unless its chain is known to have none.
                let frees = match (known, &r.chain) {
                    (Some(k), Some(n)) => k.anon.contains(n),
                    _ => true,
                };
                if frees {
                    a.writes.push((K_NAMES, Cow::Borrowed("")));
                }
            }
        }
        Body::Set(s) => {
            a.reads.push((K_TABLE, Cow::Borrowed("")));
            match set_key(s.name.as_deref(), s.id) {
                Some((k, n, anon)) => {
                    if anon || names_like_anon(&n) {
                        a.writes.push((K_NAMES, Cow::Borrowed("")));
                    }
                    if !anon && out.msg == NFT_MSG_NEWSET {
                        a.writes.push((K_ORDER, Cow::Borrowed("set")));
                    }
                    a.writes.push((k, n));
                }
                None => a.barrier = true,
            }
        }
        Body::Elems(e) => {
            a.reads.push((K_TABLE, Cow::Borrowed("")));
            match set_key(e.set.as_deref(), e.set_id) {
                Some((k, n, _)) => a.writes.push((k, n)),
                None => a.barrier = true,
            }
            for el in e.elems() {
                if let Some(Data::Verdict(v)) = &el.data {
                    verdict_reads(v.chain.as_deref(), v.chain_id, &mut a);
                }
                if let Some(o) = &el.objref {
                    a.reads.push((K_OBJ, Cow::Borrowed(o.as_str())));
                }
            }
        }
        Body::Obj(o) => {
            a.reads.push((K_TABLE, Cow::Borrowed("")));
            match &o.name {
                Some(n) => a.writes.push((K_OBJ, Cow::Borrowed(n.as_str()))),
                None => a.barrier = true,
            }
            if out.msg == NFT_MSG_NEWOBJ {
                a.writes.push((K_ORDER, Cow::Borrowed("obj")));
            }
        }
    }
    a
}

fn verdict_reads<'a>(chain: Option<&'a str>, chain_id: Option<u32>, a: &mut Access<'a>) {
    match (chain, chain_id) {
        (Some(c), _) => a.reads.push((K_CHAIN, Cow::Borrowed(c))),
        (None, Some(_)) => a.barrier = true,
        (None, None) => {}
    }
}

fn rule_reads<'a>(r: &'a KRule, a: &mut Access<'a>) {
    if r.chain_id.is_some() {
        a.barrier = true;
    }
    for e in r.expressions() {
        expr_reads(e, a);
    }
}

fn expr_reads<'a>(e: &'a Expr, a: &mut Access<'a>) {
    let set = |name: Option<&'a str>, id: Option<u32>, a: &mut Access<'a>| match set_key(name, id) {
        Some((k, n, anon)) => {
            a.binds |= anon;
            a.reads.push((k, n));
        }
        None => a.barrier = true,
    };
    match e {
        Expr::Immediate(i) => {
            if let Some(Data::Verdict(v)) = &i.data {
                verdict_reads(v.chain.as_deref(), v.chain_id, a);
            }
        }
        Expr::Lookup(l) => set(l.set.as_deref(), l.set_id, a),
        Expr::Dynset(d) => {
            set(d.set_name.as_deref(), d.set_id, a);
            for x in d.expr.iter().map(|b| &**b).chain(d.exprs.iter().flatten()) {
                expr_reads(x, a);
            }
        }
        Expr::Objref(o) => {
            if let Some(n) = &o.imm_name {
                a.reads.push((K_OBJ, Cow::Borrowed(n.as_str())));
            }
            if o.set_name.is_some() || o.set_id.is_some() {
                set(o.set_name.as_deref(), o.set_id, a);
            }
        }
        Expr::Other { .. } => a.barrier = true,
        _ => {}
    }
}
