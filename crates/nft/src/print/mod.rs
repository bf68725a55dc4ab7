// SPDX-License-Identifier: Apache-2.0
//! Printers (rule.c print paths, json.c): the `list …` commands in text and
//! JSON. [`list`] fetches what the command names (cache), delinearizes one
//! object at a time and prints it at once.
//!
//! Invariant: printers never query the kernel; only [`list`] asks the cache.

pub mod json;
mod lookup;
pub mod prio;
pub mod text;
pub mod value;

use std::io::{self, Write};

use nfnl::Socket;

use crate::ast::{Family, ListCmd, ListWhat};
use crate::cache::{Cache, CachedTable, Want};
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
        ListWhat::Counters | ListWhat::Counter => Want {
            family: fam(cmd.family),
            table: cmd.table.clone(),
            objs: true,
            ..Default::default()
        },
    };
    if want.table.is_some() && want.family.is_none() {
        want.family = named_family;
    }
    let cache = match Cache::fetch(sock, &want) {
        Ok(c) => c,
        Err(e) if e.errno() == Some(libc::ENOENT) => {
            return Err(ListError::NotFound(lookup::not_found(sock, cmd)?));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(rec) = lookup::check(sock, cmd, &cache)? {
        return Err(ListError::NotFound(rec));
    }
    if o.json {
        let mut doc = json::Doc::start(out)?;
        for t in &cache.tables {
            json_table(&mut doc, t, cmd, o)?;
        }
        doc.end()?;
    } else {
        for t in &cache.tables {
            text_table(out, t, cmd, o)?;
        }
    }
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

fn text_table(w: &mut dyn Write, t: &CachedTable, cmd: &ListCmd, o: &Opts) -> io::Result<()> {
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
            return writeln!(w, "table {} {}", family_name(t), t.name());
        }
        ListWhat::Ruleset | ListWhat::Table => {
            head(w)?;
            let tb = ast_table(t);
            let names: Vec<&str> = [(1, "dormant"), (2, "owner"), (4, "persist")]
                .iter()
                .filter(|(b, _)| tb.flags & b != 0)
                .map(|(_, n)| *n)
                .collect();
            if !names.is_empty() {
                writeln!(w, "\tflags {}", names.join(","))?;
            }
            if let Some(c) = &tb.comment {
                writeln!(w, "\tcomment \"{c}\"")?;
            }
            let mut delim = "";
            for obj in &t.objs {
                w.write_all(delim.as_bytes())?;
                counter_text(w, obj, o)?;
                delim = "\n";
            }
            for cs in t.sets.iter().filter(|s| !s.is_anonymous()) {
                w.write_all(delim.as_bytes())?;
                text::set(w, &delinearize::set(t, cs), o)?;
                delim = "\n";
            }
            for c in &t.chains {
                w.write_all(delim.as_bytes())?;
                chain_text(w, t, c, o, true)?;
                delim = "\n";
            }
        }
        ListWhat::Chain | ListWhat::Chains => {
            let only = cmd.name.as_deref().filter(|_| cmd.what == ListWhat::Chain);
            let chains: Vec<_> = t
                .chains
                .iter()
                .filter(|c| only.is_none() || c.name.as_deref() == only)
                .collect();
            head(w)?;
            for c in chains {
                chain_text(w, t, c, o, cmd.what == ListWhat::Chain)?;
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
                        || (only.is_none()
                            && s.set.flag(nfnl::nftables::consts::NFT_SET_MAP) == maps)
                })
                .collect();
            head(w)?;
            for cs in sets {
                let s = delinearize::set(t, cs);
                text::set(w, &s, o)?;
            }
        }
        ListWhat::Counters | ListWhat::Counter => {
            let counters: Vec<_> = t.objs.iter().filter(|x| x.as_counter().is_some()).collect();
            if counters.is_empty() {
                return Ok(());
            }
            head(w)?;
            for c in counters {
                counter_text(w, c, o)?;
            }
        }
    }
    writeln!(w, "}}")
}

fn counter_text(w: &mut dyn Write, obj: &nfnl::nftables::Obj, o: &Opts) -> io::Result<()> {
    let Some(Ok(c)) = obj.as_counter() else {
        return Ok(());
    };
    write!(w, "\tcounter {} {{", obj.name.as_deref().unwrap_or(""))?;
    if o.handle {
        write!(w, " # handle {}", obj.handle.unwrap_or(0))?;
    }
    writeln!(w)?;
    if let Some(cm) = obj.comment() {
        writeln!(w, "\t\tcomment \"{cm}\"")?;
    }
    if o.stateless {
        writeln!(w, "\t\tpackets 0 bytes 0")?;
    } else {
        writeln!(
            w,
            "\t\tpackets {} bytes {}",
            c.packets.unwrap_or(0),
            c.bytes.unwrap_or(0)
        )?;
    }
    writeln!(w, "\t}}")
}

fn chain_text(
    w: &mut dyn Write,
    t: &CachedTable,
    c: &nfnl::nftables::Chain,
    o: &Opts,
    rules: bool,
) -> io::Result<()> {
    let ac = delinearize::chain(t, c);
    text::chain_head(w, &ac, t.family(), o)?;
    if rules {
        for r in t.rules_of(&ac.name) {
            text::rule_line(w, &delinearize::rule(t, r), o)?;
        }
    }
    writeln!(w, "\t}}")
}

fn json_table(doc: &mut json::Doc<'_>, t: &CachedTable, cmd: &ListCmd, o: &Opts) -> io::Result<()> {
    let (fam, tname) = (family_name(t), t.name());
    let full = matches!(cmd.what, ListWhat::Ruleset | ListWhat::Table);
    if full || cmd.what == ListWhat::Tables {
        doc.item("table", &json::table(&ast_table(t), o))?;
    }
    if full || matches!(cmd.what, ListWhat::Chain | ListWhat::Chains) {
        let only = cmd.name.as_deref().filter(|_| cmd.what == ListWhat::Chain);
        for c in t
            .chains
            .iter()
            .filter(|c| only.is_none() || c.name.as_deref() == only)
        {
            doc.item("chain", &json::chain(&delinearize::chain(t, c), fam, tname))?;
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
            let is_map = cs.set.flag(nfnl::nftables::consts::NFT_SET_MAP);
            if set_cmd
                && !(only.is_some_and(|n| cs.name() == n) || (only.is_none() && is_map == maps))
            {
                continue;
            }
            let s = delinearize::set(t, cs);
            doc.item(
                if is_map { "map" } else { "set" },
                &json::set(&s, fam, tname, o),
            )?;
        }
    }
    if full || matches!(cmd.what, ListWhat::Counters | ListWhat::Counter) {
        for obj in &t.objs {
            if let Some(Ok(c)) = obj.as_counter() {
                let mut f = vec![
                    ("family", json::s(fam)),
                    ("name", json::s(obj.name.as_deref().unwrap_or(""))),
                    ("table", json::s(tname)),
                    ("handle", obj.handle.unwrap_or(0).to_string()),
                ];
                if let Some(cm) = obj.comment() {
                    f.push(("comment", json::s(&cm)));
                }
                f.push(("packets", c.packets.unwrap_or(0).to_string()));
                f.push(("bytes", c.bytes.unwrap_or(0).to_string()));
                doc.item("counter", &json::obj(&f))?;
            }
        }
    }
    if full || cmd.what == ListWhat::Chain {
        let only = cmd.name.as_deref().filter(|_| cmd.what == ListWhat::Chain);
        for c in t
            .chains
            .iter()
            .filter(|c| only.is_none() || c.name.as_deref() == only)
        {
            for r in t.rules_of(c.name.as_deref().unwrap_or("")) {
                doc.item("rule", &json::rule(&delinearize::rule(t, r), t.family(), o))?;
            }
        }
    }
    Ok(())
}
