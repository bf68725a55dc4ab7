// SPDX-License-Identifier: Apache-2.0
//! Printers (rule.c print paths, json.c): the `list …` commands in text and
//! JSON. [`list`] fetches what the command names (cache), delinearizes one
//! object at a time and prints it at once.
//!
//! Invariant: printers never query the kernel; only [`list`] asks the cache.

pub mod json;
mod lookup;
mod names;
pub mod prio;
pub(crate) mod sink;
pub mod text;
pub mod value;

use std::io::{self, Write};

use nfnl::Socket;

use crate::ast::{Family, ListCmd, ListWhat};
use crate::cache::{stream, Cache, CachedTable, Want};
use crate::delinearize;
use crate::erec::ErrorRecord;

/// Output switches of the command line that change listings.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    /// `-a`: `# handle N`.
    pub handle: bool,
    /// `-j`.
    pub json: bool,
    /// `-t`: no set elements.
    pub terse: bool,
    /// `-n`: numeric protocols, priorities, symbols.
    pub numeric: bool,
    /// `-s`: no counter values, no expirations.
    pub stateless: bool,
}

/// Why a listing failed.
#[derive(Debug)]
pub enum ListError {
    /// An object the command names does not exist (print with erec, exit 1).
    NotFound(ErrorRecord),
    /// Talking to the kernel failed.
    Netlink(nfnl::Error),
    /// Writing the output failed (a closed pipe is not reported by callers).
    Io(io::Error),
}

impl From<io::Error> for ListError {
    fn from(e: io::Error) -> Self {
        ListError::Io(e)
    }
}

impl From<nfnl::Error> for ListError {
    fn from(e: nfnl::Error) -> Self {
        ListError::Netlink(e)
    }
}

/// Maps and object maps list as `map`.
pub(super) fn is_map_set(s: &nfnl::nftables::Set) -> bool {
    s.flag(nfnl::nftables::consts::NFT_SET_MAP) || s.flag(nfnl::nftables::consts::NFT_SET_OBJECT)
}

fn fam(f: Option<Family>) -> Option<u8> {
    f.map(Family::nfproto)
}

/// Run one `list` command.
pub fn list(
    sock: &mut Socket,
    cmd: &ListCmd,
    o: &Opts,
    out: &mut dyn Write,
) -> Result<(), ListError> {
    // Named objects default to family ip; plural listings to every family.
    let named_family = Some(cmd.family.unwrap_or(Family::Ip).nfproto());
    let mut want = match cmd.what {
        ListWhat::Ruleset => Want::all(fam(cmd.family), None),
        ListWhat::Table => Want::all(named_family, cmd.table.as_deref()),
        ListWhat::Tables => Want {
            family: fam(cmd.family),
            ..Default::default()
        },
        ListWhat::Chain => Want {
            family: named_family,
            table: cmd.table.clone(),
            chains: true,
            rules: true,
            rule_chain: cmd.name.clone(),
            ..Default::default()
        },
        ListWhat::Chains => Want {
            family: fam(cmd.family),
            table: cmd.table.clone(),
            chains: true,
            ..Default::default()
        },
        ListWhat::Set | ListWhat::Map => Want {
            family: named_family,
            table: cmd.table.clone(),
            sets: true,
            elements: true,
            set_name: cmd.name.clone(),
            ..Default::default()
        },
        ListWhat::Sets | ListWhat::Maps => Want {
            family: fam(cmd.family),
            table: cmd.table.clone(),
            sets: true,
            elements: true,
            ..Default::default()
        },
        ListWhat::Counter => Want {
            family: named_family,
            table: cmd.table.clone(),
            objs: true,
            ..Default::default()
        },
        ListWhat::Counters => Want {
            family: fam(cmd.family),
            table: cmd.table.clone(),
            objs: true,
            ..Default::default()
        },
    };
    if want.table.is_some() && want.family.is_none() {
        want.family = named_family;
    }
    // Rules are not cached: they are streamed from the kernel as they print.
    let stream_chain = want.rule_chain.take();
    want.rules = false;
    want.anon_elems = matches!(cmd.what, ListWhat::Ruleset | ListWhat::Table);
    if want.anon_elems {
        // Whole tables: chains are streamed with their rules, not cached.
        want.chains = false;
    }
    if cmd.what == ListWhat::Chain {
        // One chain: set metadata now, anonymous elements for its rules only.
        want.chains = true;
        want.sets = true;
    }
    if cmd.what == ListWhat::Chain {
        if let Some(c) = fetch_chain(sock, cmd)? {
            return print_cache(sock, &c, cmd, o, out);
        }
    }
    if matches!(cmd.what, ListWhat::Set | ListWhat::Map) {
        if let Some(c) = fetch_set(sock, cmd)? {
            return print_cache(sock, &c, cmd, o, out);
        }
    }
    let mut cache = match Cache::fetch(sock, &want) {
        Ok(c) => c,
        Err(e) if e.errno() == Some(libc::ENOENT) => {
            return Err(ListError::NotFound(lookup::not_found(sock, cmd)?));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(rec) = lookup::check(sock, cmd, &cache)? {
        return Err(ListError::NotFound(rec));
    }
    if let (ListWhat::Chain, Some(chain)) = (cmd.what, stream_chain.as_deref()) {
        for t in cache.tables.iter_mut() {
            let rules = sock.nft_rules(t.family(), Some(t.name()), Some(chain))?;
            t.load_anon_elems(sock, &rules)?;
        }
    }
    print_cache(sock, &cache, cmd, o, out)
}

/// One chain with a handful of requests (no dump of every chain and set of
/// the table): the table, the chain, its rules, and the sets they use.
/// `Ok(None)` when something is missing: the general path words the error.
fn fetch_chain(sock: &mut Socket, cmd: &ListCmd) -> Result<Option<Cache>, ListError> {
    let Some((fam, tname, cname)) = named(cmd) else {
        return Ok(None);
    };
    let genid = sock.nft_gen()?;
    let Some(table) = found(sock.nft_table(fam, tname))? else {
        return Ok(None);
    };
    let Some(chain) = found(sock.nft_chain(fam, tname, cname))? else {
        return Ok(None);
    };
    let rules = sock.nft_rules(fam, Some(tname), Some(cname))?;
    let mut names: Vec<&str> = Vec::new();
    for r in &rules {
        for x in r.expressions() {
            use nfnl::nftables::Expr as K;
            let n = match x {
                K::Lookup(l) => l.set.as_deref(),
                K::Dynset(d) => d.set_name.as_deref(),
                K::Objref(o) => o.set_name.as_deref(),
                _ => None,
            };
            if let Some(n) = n.filter(|n| !names.contains(n)) {
                names.push(n);
            }
        }
    }
    let mut sets = Vec::new();
    for n in names {
        let set = sock.nft_set(fam, tname, n)?;
        let elems = if set.flag(nfnl::nftables::consts::NFT_SET_ANONYMOUS) {
            sock.nft_elems(fam, tname, n)?
        } else {
            Vec::new()
        };
        sets.push(crate::cache::CachedSet { set, elems });
    }
    let t = CachedTable::new(table, vec![chain], sets, Vec::new(), Vec::new());
    Ok(Some(Cache {
        genid,
        tables: vec![t],
    }))
}

/// The family, table and object a one-object listing names.
fn named(cmd: &ListCmd) -> Option<(u8, &str, &str)> {
    let fam = cmd.family.unwrap_or(Family::Ip).nfproto();
    Some((fam, cmd.table.as_deref()?, cmd.name.as_deref()?))
}

/// A lookup's answer, `None` when the kernel has no such object.
fn found<T>(r: Result<T, nfnl::Error>) -> Result<Option<T>, ListError> {
    match r {
        Ok(x) => Ok(Some(x)),
        Err(e) if e.errno() == Some(libc::ENOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// One set or map: the table, the set and its elements (three requests).
/// `Ok(None)` when something is missing or of the other kind: the general
/// path words the error.
fn fetch_set(sock: &mut Socket, cmd: &ListCmd) -> Result<Option<Cache>, ListError> {
    let Some((fam, tname, sname)) = named(cmd) else {
        return Ok(None);
    };
    let genid = sock.nft_gen()?;
    let Some(table) = found(sock.nft_table(fam, tname))? else {
        return Ok(None);
    };
    let Some(set) = found(sock.nft_set(fam, tname, sname))? else {
        return Ok(None);
    };
    let anonymous = set.flag(nfnl::nftables::consts::NFT_SET_ANONYMOUS);
    if anonymous || is_map_set(&set) != (cmd.what == ListWhat::Map) {
        return Ok(None);
    }
    let elems = sock.nft_elems(fam, tname, sname)?;
    let sets = vec![crate::cache::CachedSet { set, elems }];
    let t = CachedTable::new(table, Vec::new(), sets, Vec::new(), Vec::new());
    Ok(Some(Cache {
        genid,
        tables: vec![t],
    }))
}

/// Print what was fetched for `cmd`.
fn print_cache(
    sock: &mut Socket,
    cache: &Cache,
    cmd: &ListCmd,
    o: &Opts,
    out: &mut dyn Write,
) -> Result<(), ListError> {
    // One write per 64 KiB, not per line, whatever `out` is.
    let mut buf = io::BufWriter::with_capacity(1 << 16, out);
    let out: &mut dyn Write = &mut buf;
    if o.json {
        let mut doc = json::Doc::start(out)?;
        for t in &cache.tables {
            json_table(&mut doc, sock, t, cmd, o)?;
        }
        doc.end()?;
    } else {
        for t in &cache.tables {
            text_table(out, sock, t, cmd, o)?;
        }
    }
    buf.flush()?;
    Ok(())
}

fn ast_table(t: &CachedTable) -> crate::ast::Table {
    crate::ast::Table {
        family: Family::from_nfproto(t.family()),
        name: t.name().to_string(),
        handle: t.table.handle,
        flags: t.table.flags.unwrap_or(0),
        comment: t.table.comment(),
        use_count: t.table.use_count,
        ..Default::default()
    }
}

fn family_name(t: &CachedTable) -> &'static str {
    Family::from_nfproto(t.family())
        .map(Family::name)
        .unwrap_or("unknown")
}

/// One chain with its rules, as `list` prints it.
fn chain_text(
    w: &mut dyn Write,
    t: &CachedTable,
    c: &nfnl::nftables::Chain,
    rules: &[nfnl::nftables::Rule],
    o: &Opts,
) -> io::Result<()> {
    text::chain_head(w, &delinearize::chain(t, c), t.family(), o)?;
    // the chain's rule lines in one buffer, handed over in 32 KiB pieces
    let mut lines = String::with_capacity(1 << 12);
    for r in rules {
        text::rule_line_to(&mut lines, &delinearize::rule_body(t, r), o);
        if lines.len() >= 1 << 15 {
            w.write_all(lines.as_bytes())?;
            lines.clear();
        }
    }
    lines.push_str("\t}\n");
    w.write_all(lines.as_bytes())
}

/// Every chain of the table with its rules, streamed from the kernel.
fn chains_streamed(
    w: &mut dyn Write,
    sock: &mut Socket,
    t: &CachedTable,
    o: &Opts,
    mut delim: &'static str,
) -> Result<(), ListError> {
    let list = stream::chains(sock, t.family(), t.name())?;
    stream::chains_with_rules(sock, t.family(), t.name(), &list, |c, rules| {
        w.write_all(delim.as_bytes())?;
        delim = "\n";
        chain_text(w, t, c, rules, o)?;
        Ok::<(), ListError>(())
    })
}

fn text_table(
    w: &mut dyn Write,
    sock: &mut Socket,
    t: &CachedTable,
    cmd: &ListCmd,
    o: &Opts,
) -> Result<(), ListError> {
    let head = |w: &mut dyn Write| -> io::Result<()> {
        write!(w, "table {} {} {{", family_name(t), t.name())?;
        // Only whole-table listings show the table's handle.
        if o.handle && matches!(cmd.what, ListWhat::Ruleset | ListWhat::Table) {
            write!(w, " # handle {}", t.table.handle.unwrap_or(0))?;
        }
        writeln!(w)
    };
    match cmd.what {
        ListWhat::Tables => {
            // nft prints no handle here, even with -a.
            writeln!(w, "table {} {}", family_name(t), t.name())?;
            return Ok(());
        }
        ListWhat::Ruleset | ListWhat::Table => {
            head(w)?;
            let tb = ast_table(t);
            let names = names::bit_names(tb.flags, names::TABLE_FLAGS);
            if !names.is_empty() {
                writeln!(w, "\tflags {}", names.join(","))?;
            }
            if let Some(c) = &tb.comment {
                writeln!(w, "\tcomment \"{c}\"")?;
            }
            let mut delim = "";
            for obj in t.objs.iter().filter(|x| printable(x)) {
                w.write_all(delim.as_bytes())?;
                obj_text(w, obj, o)?;
                delim = "\n";
            }
            for cs in t.sets.iter().filter(|s| !s.is_anonymous()) {
                w.write_all(delim.as_bytes())?;
                text::set(w, &delinearize::set(t, cs), o)?;
                delim = "\n";
            }
            chains_streamed(w, sock, t, o, delim)?;
        }
        ListWhat::Chain | ListWhat::Chains => {
            let only = cmd.name.as_deref().filter(|_| cmd.what == ListWhat::Chain);
            let chains: Vec<_> = t
                .chains
                .iter()
                .filter(|c| only.is_none() || c.name.as_deref() == only)
                .collect();
            head(w)?;
            if cmd.what == ListWhat::Chain {
                for c in chains {
                    let name = c.name.as_deref().unwrap_or("");
                    let rules = stream::chain_rules(sock, t.family(), t.name(), name)?;
                    chain_text(w, t, c, &rules, o)?;
                }
            } else {
                for c in chains {
                    text::chain_head(w, &delinearize::chain(t, c), t.family(), o)?;
                    writeln!(w, "\t}}")?;
                }
            }
        }
        ListWhat::Set | ListWhat::Map | ListWhat::Sets | ListWhat::Maps => {
            let maps = matches!(cmd.what, ListWhat::Map | ListWhat::Maps);
            let only = cmd
                .name
                .as_deref()
                .filter(|_| matches!(cmd.what, ListWhat::Set | ListWhat::Map));
            let sets: Vec<_> = t
                .sets
                .iter()
                .filter(|s| !s.is_anonymous())
                .filter(|s| {
                    only.is_some_and(|n| s.name() == n)
                        || (only.is_none() && is_map_set(&s.set) == maps)
                })
                .collect();
            head(w)?;
            for cs in sets {
                let s = delinearize::set(t, cs);
                text::set(w, &s, o)?;
            }
        }
        ListWhat::Counters | ListWhat::Counter => {
            let only = cmd
                .name
                .as_deref()
                .filter(|_| cmd.what == ListWhat::Counter);
            let counters: Vec<_> = t
                .objs
                .iter()
                .filter(|x| x.as_counter().is_some())
                .filter(|x| only.is_none() || x.name.as_deref() == only)
                .collect();
            if counters.is_empty() {
                return Ok(());
            }
            head(w)?;
            for c in counters {
                obj_text(w, c, o)?;
            }
        }
    }
    writeln!(w, "}}")?;
    Ok(())
}

/// Objects nft-out can print: counters and quotas.
fn printable(obj: &nfnl::nftables::Obj) -> bool {
    obj.as_counter().is_some_and(|c| c.is_ok()) || obj.as_quota().is_some_and(|q| q.is_ok())
}

/// `25 mbytes`: the largest unit that divides the byte count.
fn data_unit(mut n: u64) -> (u64, &'static str) {
    let units = ["bytes", "kbytes", "mbytes"];
    let mut i = 0;
    while i + 1 < units.len() && n != 0 && n.is_multiple_of(1024) {
        n /= 1024;
        i += 1;
    }
    (n, units[i])
}

/// A named counter or quota.
fn obj_text(w: &mut dyn Write, obj: &nfnl::nftables::Obj, o: &Opts) -> io::Result<()> {
    let kind = if obj.as_counter().is_some() {
        "counter"
    } else {
        "quota"
    };
    write!(w, "\t{kind} {} {{", obj.name.as_deref().unwrap_or(""))?;
    if o.handle {
        write!(w, " # handle {}", obj.handle.unwrap_or(0))?;
    }
    writeln!(w)?;
    if let Some(cm) = obj.comment() {
        writeln!(w, "\t\tcomment \"{cm}\"")?;
    }
    if let Some(Ok(c)) = obj.as_counter() {
        // Stateless listings leave the values out altogether.
        if !o.stateless {
            writeln!(
                w,
                "\t\tpackets {} bytes {}",
                c.packets.unwrap_or(0),
                c.bytes.unwrap_or(0)
            )?;
        }
    } else if let Some(Ok(q)) = obj.as_quota() {
        let over = if q.flags.unwrap_or(0) & 1 != 0 {
            "over "
        } else {
            ""
        };
        let (n, unit) = data_unit(q.bytes.unwrap_or(0));
        write!(w, "\t\t{over}{n} {unit}")?;
        let used = q.consumed.unwrap_or(0);
        if used != 0 && !o.stateless {
            let (u, uu) = data_unit(used);
            write!(w, " used {u} {uu}")?;
        }
        writeln!(w)?;
    }
    writeln!(w, "\t}}")
}

fn json_table(
    doc: &mut json::Doc<'_>,
    sock: &mut Socket,
    t: &CachedTable,
    cmd: &ListCmd,
    o: &Opts,
) -> Result<(), ListError> {
    let (fam, tname) = (family_name(t), t.name());
    let full = matches!(cmd.what, ListWhat::Ruleset | ListWhat::Table);
    if full || cmd.what == ListWhat::Tables {
        doc.item("table", |b| json::table(b, &ast_table(t), o))?;
    }
    // Whole tables: the chains are kept compact and parsed as they print.
    let mut names: Vec<String> = Vec::new();
    let mut list = None;
    if full {
        let l = stream::chains(sock, t.family(), tname)?;
        for i in 0..l.len() {
            if let Some(c) = stream::chain_at(&l, tname, i)? {
                let c = delinearize::chain(t, &c);
                doc.item("chain", |b| json::chain(b, &c, fam, tname))?;
            }
        }
        list = Some(l);
    } else if matches!(cmd.what, ListWhat::Chain | ListWhat::Chains) {
        let only = cmd.name.as_deref().filter(|_| cmd.what == ListWhat::Chain);
        for c in t
            .chains
            .iter()
            .filter(|c| only.is_none() || c.name.as_deref() == only)
        {
            names.push(c.name.clone().unwrap_or_default());
            let c = delinearize::chain(t, c);
            doc.item("chain", |b| json::chain(b, &c, fam, tname))?;
        }
    }
    if full || matches!(cmd.what, ListWhat::Counters | ListWhat::Counter) {
        let only = cmd
            .name
            .as_deref()
            .filter(|_| cmd.what == ListWhat::Counter);
        for obj in t
            .objs
            .iter()
            .filter(|x| only.is_none() || x.name.as_deref() == only)
        {
            let counter = obj.as_counter().and_then(Result::ok);
            let quota = obj.as_quota().and_then(Result::ok);
            if counter.is_none() && (quota.is_none() || !full) {
                continue;
            }
            let kind = if counter.is_some() {
                "counter"
            } else {
                "quota"
            };
            doc.item(kind, |b| {
                let mut f = json::Obj::open(b);
                f.str("family", fam);
                f.str("name", obj.name.as_deref().unwrap_or(""));
                f.str("table", tname);
                f.num("handle", obj.handle.unwrap_or(0));
                if let Some(cm) = obj.comment() {
                    f.str("comment", &cm);
                }
                if let Some(c) = &counter {
                    f.num("packets", c.packets.unwrap_or(0));
                    f.num("bytes", c.bytes.unwrap_or(0));
                } else if let Some(q) = &quota {
                    f.num("bytes", q.bytes.unwrap_or(0));
                    f.num("used", q.consumed.unwrap_or(0));
                    f.num("inv", q.flags.unwrap_or(0) & 1 != 0);
                }
                f.close();
            })?;
        }
    }
    let set_cmd = matches!(
        cmd.what,
        ListWhat::Set | ListWhat::Map | ListWhat::Sets | ListWhat::Maps
    );
    if full || set_cmd {
        let only = cmd
            .name
            .as_deref()
            .filter(|_| matches!(cmd.what, ListWhat::Set | ListWhat::Map));
        let maps = matches!(cmd.what, ListWhat::Map | ListWhat::Maps);
        for cs in t.sets.iter().filter(|s| !s.is_anonymous()) {
            let is_map = is_map_set(&cs.set);
            if set_cmd
                && !(only.is_some_and(|n| cs.name() == n) || (only.is_none() && is_map == maps))
            {
                continue;
            }
            let s = delinearize::set(t, cs);
            let kind = if is_map { "map" } else { "set" };
            doc.item(kind, |b| json::set_into(b, &s, fam, tname, o))?;
        }
    }
    if full || cmd.what == ListWhat::Chain {
        // Kernel order is chain order, then rule order: what nft prints.
        let each = |doc: &mut json::Doc<'_>, rules: &[nfnl::nftables::Rule]| {
            for r in rules {
                let r = delinearize::rule(t, r);
                doc.item("rule", |b| json::rule_into(b, &r, t.family(), o))?;
            }
            Ok::<(), ListError>(())
        };
        if let Some(l) = &list {
            stream::chains_with_rules(sock, t.family(), tname, l, |_, rules| each(doc, rules))?;
        } else {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            stream::rules_by_chain(sock, t.family(), tname, &names, |_, rules| each(doc, rules))?;
        }
    }
    Ok(())
}
