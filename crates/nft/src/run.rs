// SPDX-License-Identifier: Apache-2.0
//! The driver (libnftables.c `nft_run_cmd_from_*`): parse → evaluate and linearise command by
//! command into one batch → send it → report errors; then the `list` commands.
//!
//! Nothing is sent when parsing or evaluation fails, and a batch the kernel rejects in part is
//! rejected whole (one transaction), so a bad command never changes anything.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use nfnl::Socket;

use crate::ast::*;
use crate::batch::{Batch, Sent};
use crate::cache::known::ChainKnowledge;
use crate::cli::Opts;
use crate::erec::{print_all, ErrorRecord};
use crate::eval::{eval_cmd, RuleRef, Scope, SetInfo};
use crate::linearize::linearize;
use crate::source::Source;
use crate::syntax::{parse, parse_each, parser::MAX_ERRORS};

/// What the first pass over the input learns: the tables the commands work on (and those
/// whose rule order `index`/`position` needs), whether anything changes, and the `list`
/// commands (kept to run after the batch).
#[derive(Default)]
struct Outline {
    tables: HashSet<(Family, String)>,
    rules_of: HashSet<(Family, String)>,
    changes: bool,
    chain_flushes: usize,
    /// The chains whose rules the input flushes or deletes, per table (not kept past
    /// SHAPE_DUMP_MIN_FLUSHES: then every chain is read).
    touched: HashMap<(Family, String), HashSet<String>>,
    lists: Vec<(Cmd, Span)>,
}

/// Run the input; returns the exit status.
///
/// Two passes over the text, so that no pass holds every command at once: the first checks
/// the syntax and outlines the input (parsing is cheap), the second parses again and
/// evaluates and linearises command by command into the batch, dropping each command's
/// syntax tree as soon as its messages are built.
pub fn run(input: &Source, opts: &Opts, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut outline = Outline::default();
    let mut any = false;
    let mut mark = 0;
    let syntax_errors = parse_each(input.text(), |c, span| {
        any = true;
        input.passed(span.lo as usize, &mut mark);
        let (t, need_rules) = cmd_table(&c);
        if let Some(t) = t {
            if need_rules {
                outline.rules_of.insert(t.clone());
            }
            outline.tables.insert(t);
        }
        if matches!(&c, Cmd::Flush(r) if r.kind == ObjKind::Chain) {
            outline.chain_flushes += 1;
        }
        outline.touch(&c);
        if matches!(c, Cmd::List(_)) {
            outline.lists.push((c, span));
        } else {
            outline.changes = true;
        }
        true
    });
    input.release_all();
    crate::memstat::mark("pass1");
    if changed(input, err) {
        return 1;
    }
    if !syntax_errors.is_empty() {
        print_all(err, &input.input_for(&syntax_errors), &syntax_errors);
        return 1;
    }
    if !any {
        return 0;
    }
    let mut sock = match Socket::open() {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "Error: {e}");
            return 1;
        }
    };
    if outline.changes {
        // A batch bound to the generation its cache was read at; if another writer changed
        // the ruleset in between, the kernel runs none of it and everything is done again
        // (what nftables' cache does with NFNL_BATCH_GENID).
        let mut restarts = 0;
        loop {
            match apply(input, opts, &outline, &mut sock, out, err) {
                Applied::Restart if restarts < MAX_RESTARTS => restarts += 1,
                Applied::Restart => {
                    let _ = writeln!(err, "Error: {}", kcommon::errno::strerror(libc::ERESTART));
                    return 1;
                }
                Applied::Failed(rc) => return rc,
                Applied::Done => break,
            }
        }
    }
    if outline.lists.is_empty() {
        return 0;
    }
    crate::list::run_lists(&mut sock, &outline.lists, opts, &input.whole(), out, err)
}

/// An input file read in place that was cut or rewritten during the run: what the passes
/// read of it is not the file (the zeros past a cut, or a mix of two versions), so nothing
/// of it is sent, and its lines are not printed.
fn changed(input: &Source, err: &mut dyn Write) -> bool {
    if input.unchanged() {
        return false;
    }
    let _ = writeln!(
        err,
        "Error: {}: the file changed while it was read (truncated or rewritten)",
        input.name().unwrap_or("input")
    );
    true
}

/// How often a batch is rebuilt because the ruleset changed under it before giving up.
const MAX_RESTARTS: usize = 16;

/// The outcome of one evaluate-and-send round.
enum Applied {
    Done,
    /// Evaluation or the kernel failed: the exit status (errors already printed).
    Failed(i32),
    /// The ruleset moved past the generation the batch was computed against.
    Restart,
}

/// One round: read the kernel view the commands need (one generation), evaluate and
/// linearise every command into a batch bound to that generation, send it.
fn apply(
    input: &Source,
    opts: &Opts,
    outline: &Outline,
    sock: &mut Socket,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Applied {
    // The kernel view must come from one ruleset generation: dumps that raced with a
    // change are done again (nftables' cache does the same).
    let mut scope = Scope::new();
    let mut known = Loaded::default();
    let mut generation = None;
    for attempt in 0.. {
        scope = Scope::new();
        let before = sock.nft_gen();
        let loaded = load_scope(sock, outline, &mut scope);
        let after = sock.nft_gen();
        match (loaded, before, after) {
            (Err(nfnl::Error::DumpInterrupted), _, _) if attempt < 16 => continue,
            (Err(e), _, _) => {
                let _ = writeln!(err, "Error: {e}");
                return Applied::Failed(1);
            }
            (Ok(_), Ok(a), Ok(b)) if a != b && attempt < 16 => continue,
            (Ok(l), before, after) => {
                known = l;
                // Bound to the generation only when the whole view came from it.
                generation = match (before, after) {
                    (Ok(a), Ok(b)) if a == b => Some(b),
                    _ => None,
                };
                break;
            }
        }
    }
    crate::memstat::mark("scope");
    let seq = sock.next_seq();
    let mut batch = Batch::at_generation(seq, generation);
    for (fam, name) in &known.absent {
        batch.table_absent(fam.nfproto(), name);
    }
    for (fam, name, chains, anon) in known.known {
        batch.table_known(fam.nfproto(), &name, chains, anon);
    }
    for (fam, name, sets, chain_sets) in known.names {
        batch.table_set_names(fam.nfproto(), &name, &sets, chain_sets);
    }
    let mut errors: Vec<ErrorRecord> = Vec::new();
    // `--debug=netlink` text, shown once the whole input evaluated (as nft builds its
    // batch only then).
    let mut debug = String::new();
    let mut mark = 0;
    parse_each(input.text(), |mut cmd, span| {
        input.passed(span.lo as usize, &mut mark);
        if matches!(cmd, Cmd::List(_)) {
            return true;
        }
        if matches!(cmd, Cmd::Reset(_)) {
            errors.push(ErrorRecord::new(
                span,
                "reset commands are not supported by kroot yet",
            ));
            return true;
        }
        match eval_cmd(&mut scope, &mut cmd) {
            Ok(pl) if errors.is_empty() => {
                for o in linearize(&mut scope, &cmd, span, &pl) {
                    if opts.debug_netlink {
                        debug.push_str(&o.debug_text());
                    }
                    batch.push(o);
                }
            }
            Ok(_) => {}
            Err(e) => {
                errors.push(e);
                if errors.len() >= MAX_ERRORS {
                    return false;
                }
            }
        }
        true
    });
    input.release_all();
    drop(scope);
    crate::memstat::mark("pass2");
    if changed(input, err) {
        return Applied::Failed(1);
    }
    if !errors.is_empty() {
        print_all(err, &input.input_for(&errors), &errors);
        return Applied::Failed(1);
    }
    let sent = if batch.is_empty() {
        Ok(Sent::Done(Vec::new()))
    } else {
        batch.send(sock, opts.check)
    };
    crate::memstat::mark("sent");
    if matches!(sent, Ok(Sent::Restart)) {
        return Applied::Restart;
    }
    let _ = out.write_all(debug.as_bytes());
    match sent {
        Ok(Sent::Restart) => Applied::Restart,
        Ok(Sent::Done(errs)) if errs.is_empty() => Applied::Done,
        Ok(Sent::Done(errs)) => {
            if changed(input, err) {
                return Applied::Failed(1);
            }
            print_all(err, &input.input_for(&errs), &errs);
            Applied::Failed(1)
        }
        Err(e) => {
            let _ = writeln!(err, "Error: {e}");
            Applied::Failed(1)
        }
    }
}

/// What eval needs from the kernel: the tables the commands name, their sets, and the rule
/// order of chains that `index`/`position` refer to. Returns the tables that do not exist.
fn load_scope(
    sock: &mut Socket,
    outline: &Outline,
    scope: &mut Scope,
) -> Result<Loaded, nfnl::Error> {
    let mut loaded = Loaded::default();
    let rules_of = &outline.rules_of;
    for (fam, name) in outline.tables.iter().cloned() {
        let f = fam.nfproto();
        match sock.nft_table(f, &name) {
            Ok(_) => {}
            Err(nfnl::Error::Kernel(k)) if k.errno == libc::ENOENT => {
                loaded.absent.push((fam, name));
                continue;
            }
            Err(e) => return Err(e),
        }
        scope.add_table(fam, &name);
        let sets = sock.nft_sets(f, Some(&name))?;
        let set_names: Vec<String> = sets.iter().filter_map(|s| s.name.clone()).collect();
        for s in sets {
            let (Some(sname), Some(info)) = (s.name.clone(), set_from_kernel(&s)) else {
                continue;
            };
            if let Some(t) = scope.table_mut(fam, &name) {
                t.sets.insert(sname, info);
            }
        }
        let need_rules = rules_of.contains(&(fam, name.clone()));
        let mut rules = Vec::new();
        if need_rules {
            let chains = sock.nft_chains(f, Some(&name))?;
            rules = sock.nft_rules(f, Some(&name), None)?;
            if let Some(t) = scope.table_mut(fam, &name) {
                for c in chains {
                    let Some(cn) = c.name else { continue };
                    t.chains.entry(cn).or_default().rules = Some(Vec::new());
                }
                for r in &rules {
                    let (Some(cn), Some(h)) = (r.chain.as_ref(), r.handle) else {
                        continue;
                    };
                    if let Some(list) = t.chains.get_mut(cn).and_then(|c| c.rules.as_mut()) {
                        list.push(RuleRef::Handle(h));
                    }
                }
            }
        }
        // What the schedule needs of the table's chains (crate::schedule): every chain the
        // input flushes or deletes rules of is read, so its anonymous sets are known.
        let touched = outline.touched.get(&(fam, name.clone()));
        let shape = outline.chain_flushes >= SHAPE_DUMP_MIN_FLUSHES;
        if shape || touched.is_some() {
            let k = match (need_rules, shape) {
                (true, true) => ChainKnowledge::from_rules(
                    scope
                        .table_mut(fam, &name)
                        .map(|t| t.chains.keys().cloned().collect::<Vec<_>>())
                        .unwrap_or_default(),
                    &rules,
                ),
                _ => ChainKnowledge::fetch(sock, f, &name, touched.filter(|_| !shape))?,
            };
            if let Some(chain_sets) = k.chain_sets {
                loaded
                    .names
                    .push((fam, name.clone(), set_names, chain_sets));
            }
            loaded.known.push((fam, name.clone(), k.chains, k.anon));
        }
    }
    Ok(loaded)
}

/// `flush chain` commands from which the load reads the rules of every chain of an existing
/// table for the schedule instead of only the touched ones (kube-proxy's 1% update at N=5000
/// flushes ~560 chains and binds ~50 sets; its full resync flushes 55,000).
const SHAPE_DUMP_MIN_FLUSHES: usize = 2048;

impl Outline {
    /// Note the chain whose rules `c` flushes or deletes (the load reads their rules).
    fn touch(&mut self, c: &Cmd) {
        let (Cmd::Flush(r) | Cmd::Delete(r) | Cmd::Destroy(r)) = c else {
            return;
        };
        if !matches!(r.kind, ObjKind::Chain | ObjKind::Rule)
            || self.chain_flushes >= SHAPE_DUMP_MIN_FLUSHES
        {
            return;
        }
        let (Some(t), Some(chain)) = (obj_table(r), &r.name) else {
            return;
        };
        self.touched.entry(t).or_default().insert(chain.clone());
    }
}

/// What the load learnt beyond the scope: tables that do not exist, and for tables whose
/// chains the input flushes or deletes, what [`ChainKnowledge`] read of them.
#[derive(Default)]
struct Loaded {
    absent: Vec<(Family, String)>,
    known: Vec<(Family, String, HashSet<String>, HashSet<String>)>,
    /// Tables whose anonymous set names the batch can choose: every set name, and the
    /// anonymous sets of each chain.
    names: Vec<(Family, String, Vec<String>, ChainSets)>,
}

/// A chain's name → the names of the anonymous sets its rules use.
type ChainSets = HashMap<String, Vec<String>>;

/// The table a command works on, and whether it needs the rule order.
fn cmd_table(c: &Cmd) -> (Option<(Family, String)>, bool) {
    let rule_needs = |r: &Rule| r.index.is_some() || r.position.is_some();
    let of_rule = |r: &Rule| {
        r.chain
            .as_ref()
            .map(|c| (c.table.family, c.table.name.clone()))
    };
    match c {
        Cmd::Add(o) | Cmd::Create(o) => match o {
            Object::Table(t) => (t.family.map(|f| (f, t.name.clone())), false),
            Object::Chain(ch) => (ch.table.as_ref().map(|t| (t.family, t.name.clone())), false),
            Object::Rule(r) => (of_rule(r), rule_needs(r)),
            Object::Set(s) => (s.table.as_ref().map(|t| (t.family, t.name.clone())), false),
            Object::Elements(r) => (obj_table(r), false),
            Object::Obj(o) => (o.table.as_ref().map(|t| (t.family, t.name.clone())), false),
        },
        Cmd::Insert(r) | Cmd::Replace(r) => (of_rule(r), true),
        Cmd::Delete(r) | Cmd::Destroy(r) | Cmd::Flush(r) => (obj_table(r), r.kind == ObjKind::Rule),
        Cmd::Reset(_) | Cmd::List(_) => (None, false),
    }
}

fn obj_table(r: &ObjRef) -> Option<(Family, String)> {
    r.table
        .as_ref()
        .map(|t| (r.family.unwrap_or(Family::Ip), t.clone()))
}

/// A kernel set as eval sees it (key types unpacked from nftables' 6-bit concat encoding).
fn set_from_kernel(s: &nfnl::nftables::Set) -> Option<SetInfo> {
    let kt = s.key_type?;
    let klen = s.key_len.unwrap_or(0);
    let mut ids = Vec::new();
    let mut v = kt;
    while v > 0 {
        ids.push(v & 0x3f);
        v >>= 6;
    }
    ids.reverse();
    if ids.is_empty() {
        ids.push(0);
    }
    let single = ids.len() == 1;
    let key = ids
        .iter()
        .map(|id| {
            let t = Datatype::from_id(*id);
            let bits = match t.bits() {
                0 if single => klen * 8,
                0 => 32,
                b => b,
            };
            (t, bits)
        })
        .collect();
    let data = s.data_type.map(|d| {
        if d == nfnl::nftables::consts::NFT_DATA_VERDICT {
            (Datatype::Verdict, 128)
        } else {
            let t = Datatype::from_id(d);
            let bits = match t.bits() {
                0 => s.data_len.unwrap_or(4) * 8,
                b => b,
            };
            (t, bits)
        }
    });
    Some(SetInfo {
        key,
        data,
        flags: s.flags.unwrap_or(0),
        id: None,
    })
}

/// `nft --debug=netlink` text of a transaction, evaluated against an empty ruleset, without
/// touching the kernel (payload goldens and tests).
pub fn debug_netlink(text: &str) -> Result<String, Vec<ErrorRecord>> {
    let parsed = parse(text);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    let mut scope = Scope::new();
    let mut out = String::new();
    let mut errors = Vec::new();
    for (mut cmd, span) in parsed.cmds {
        match eval_cmd(&mut scope, &mut cmd) {
            Ok(pl) => {
                for o in linearize(&mut scope, &cmd, span, &pl) {
                    out.push_str(&o.debug_text());
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// How [`crate::schedule`] shapes the batch of `text`, evaluated against an empty ruleset
/// (every table it names is new), without touching the kernel.
pub fn shape_stats(text: &str) -> Result<crate::schedule::Stats, Vec<ErrorRecord>> {
    let parsed = parse(text);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    let mut scope = Scope::new();
    let mut sched = crate::schedule::Schedule::new();
    for (c, _) in &parsed.cmds {
        if let (Some((fam, name)), _) = cmd_table(c) {
            sched.table_absent(fam.nfproto(), &name);
        }
    }
    let mut errors = Vec::new();
    for (mut cmd, span) in parsed.cmds {
        match eval_cmd(&mut scope, &mut cmd) {
            Ok(pl) => {
                for mut o in linearize(&mut scope, &cmd, span, &pl) {
                    sched.add(&mut o);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(sched.stats(&sched.order()))
    } else {
        Err(errors)
    }
}
