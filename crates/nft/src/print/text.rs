// SPDX-License-Identifier: Apache-2.0
//! nft 1.1.x's text listing (rule.c `*_print`, statement.c, expression.c):
//! tabs for indentation, `# handle N` with `-a`, elements wrapped as nft
//! wraps them.

use std::io::{self, Write};

use super::names;
use super::sink::{put, put_b, put_ipv4, put_u64};
use super::value::{self, ValueOpts};
use super::Opts;
use crate::ast::{
    BinOp, Chain, Datatype, Elem, Expr, ExprKind, RejectKind, RelOp, Rule, Set, SetKey, Stmt,
    StmtKind, Verdict,
};

fn vo(o: &Opts) -> ValueOpts {
    ValueOpts { numeric: o.numeric }
}

const UNQUALIFIED_META: &[&str] = &["iif", "oif", "iifname", "oifname", "iifgroup", "oifgroup"];

/// A time: `3h`, or whole seconds (`10800s`) with `-n`.
fn tm(ms: u64, o: &Opts) -> String {
    if o.numeric {
        format!("{}s", ms / 1000)
    } else {
        value::time(ms)
    }
}

/// An expression in nft syntax.
pub fn expr(e: &Expr, o: &Opts) -> String {
    let mut s = String::new();
    expr_to(&mut s, e, o);
    s
}

/// `items`, each written by `f`, separated by `sep`.
fn join_to<T>(out: &mut String, items: &[T], sep: &str, mut f: impl FnMut(&mut String, &T)) {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            put(out, sep);
        }
        f(out, x);
    }
}

/// [`expr`], appended to `out` (the printers write one line into one
/// buffer: no string per sub-expression).
pub fn expr_to(out: &mut String, e: &Expr, o: &Opts) {
    match &e.kind {
        ExprKind::Value(v) => value::text_to(out, v, vo(o)),
        ExprKind::Literal(l) => match l {
            crate::ast::Literal::Number(n) => put_u64(out, *n),
            crate::ast::Literal::Ident(s) => put(out, s),
            crate::ast::Literal::Str(s) => {
                put_b(out, b'"');
                put(out, s);
                put_b(out, b'"');
            }
            crate::ast::Literal::Ipv4(a) => put_ipv4(out, a.octets()),
            crate::ast::Literal::Ipv6(a) => put(out, &a.to_string()),
        },
        ExprKind::Verdict(v) => verdict_to(out, v),
        ExprKind::Prefix(v, len) => {
            expr_to(out, v, o);
            put_b(out, b'/');
            put_u64(out, *len as u64);
        }
        ExprKind::Range(a, b) => {
            // Ranges print protocols as numbers.
            let n = Opts {
                numeric: true,
                ..o.clone()
            };
            expr_to(out, a, &n);
            put_b(out, b'-');
            expr_to(out, b, &n);
        }
        ExprKind::Concat(items) => join_to(out, items, " . ", |out, x| expr_to(out, x, o)),
        ExprKind::Set(elems) => {
            put(out, "{ ");
            join_to(out, elems, ", ", |out, x| elem_to(out, x, o));
            put(out, " }");
        }
        ExprKind::SetRef(name) => {
            put_b(out, b'@');
            put(out, name);
        }
        ExprKind::Map { key, map } => {
            expr_to(out, key, o);
            put(out, " map ");
            expr_to(out, map, o);
        }
        ExprKind::Payload(f) => {
            put(out, f.proto.name());
            put_b(out, b' ');
            put(out, f.name);
        }
        ExprKind::RawPayload { base, offset, len } => {
            put_b(out, b'@');
            put(out, names::base(base));
            put_b(out, b',');
            put_u64(out, *offset as u64);
            put_b(out, b',');
            put_u64(out, *len as u64);
        }
        ExprKind::Meta(m) => {
            if !UNQUALIFIED_META.contains(&m.name) {
                put(out, "meta ");
            }
            put(out, m.name);
        }
        ExprKind::Ct { key, dir } => {
            put(out, "ct ");
            if let Some(d) = dir {
                put(out, names::ct_dir(d));
                put_b(out, b' ');
            }
            put(out, key.name);
        }
        ExprKind::Fib { flags, result } => {
            let parts = names::bit_names(flags.0, names::FIB_FLAGS);
            put(out, "fib ");
            join_to(out, &parts, " . ", |out, p| put(out, p));
            put_b(out, b' ');
            put(out, names::fib_result(result));
        }
        ExprKind::Numgen {
            mode,
            modulus,
            offset,
        } => {
            put(out, "numgen ");
            put(out, names::numgen_mode(mode));
            put(out, " mod ");
            put_u64(out, *modulus as u64);
            if *offset != 0 {
                put(out, " offset ");
                put_u64(out, *offset as u64);
            }
        }
        ExprKind::Binop(op, a, b) => {
            // nft parenthesises a binop operand of another operator, and a
            // flag list on the right of `&`.
            match &a.kind {
                ExprKind::Binop(inner, ..) if inner != op => {
                    put_b(out, b'(');
                    expr_to(out, a, o);
                    put_b(out, b')');
                }
                _ => expr_to(out, a, o),
            }
            put_b(out, b' ');
            put(out, names::binop(op));
            put_b(out, b' ');
            let at = out.len();
            expr_to(out, b, o);
            if *op == BinOp::And && out[at..].contains(" | ") {
                out.insert(at, '(');
                put_b(out, b')');
            }
        }
        ExprKind::List(items) => join_to(out, items, ",", |out, x| expr_to(out, x, o)),
    }
}

pub fn verdict(v: &Verdict) -> String {
    let mut s = String::new();
    verdict_to(&mut s, v);
    s
}

fn verdict_to(out: &mut String, v: &Verdict) {
    put(out, names::verdict(v));
    if let Verdict::Jump(c) | Verdict::Goto(c) = v {
        put_b(out, b' ');
        put(out, c);
    }
}

/// One element: `key [timeout T] [expires T] [comment "c"] [: data]`.
pub fn elem(e: &Elem, o: &Opts) -> String {
    let mut s = String::new();
    elem_to(&mut s, e, o);
    s
}

fn elem_to(out: &mut String, e: &Elem, o: &Opts) {
    expr_to(out, &e.key, o);
    if let Some(t) = e.timeout {
        put(out, " timeout ");
        put(out, &tm(t, o));
    }
    if let Some(t) = e.expires.filter(|_| !o.stateless) {
        put(out, " expires ");
        put(out, &tm(t, o));
    }
    for st in &e.stmts {
        put_b(out, b' ');
        stmt_to(out, st, o);
    }
    if let Some(c) = &e.comment {
        put(out, " comment \"");
        put(out, c);
        put_b(out, b'"');
    }
    if let Some(d) = &e.data {
        put(out, " : ");
        expr_to(out, d, o);
    }
}

/// One statement.
pub fn stmt(s: &Stmt, o: &Opts) -> String {
    let mut out = String::new();
    stmt_to(&mut out, s, o);
    out
}

fn stmt_to(out: &mut String, s: &Stmt, o: &Opts) {
    match &s.kind {
        StmtKind::Match { left, op, right } => {
            let op = match op {
                RelOp::Implicit => "",
                RelOp::Eq => {
                    if matches!(left.kind, ExprKind::Binop(..)) || names::is_flag_value(right) {
                        "== "
                    } else {
                        ""
                    }
                }
                RelOp::Neq => "!= ",
                RelOp::Lt => "< ",
                RelOp::Gt => "> ",
                RelOp::Lte => "<= ",
                RelOp::Gte => ">= ",
            };
            expr_to(out, left, o);
            put_b(out, b' ');
            put(out, op);
            expr_to(out, right, o);
        }
        StmtKind::Verdict(e) => match &e.kind {
            ExprKind::Map { key, map } => {
                expr_to(out, key, o);
                put(out, " vmap ");
                expr_to(out, map, o);
            }
            _ => expr_to(out, e, o),
        },
        StmtKind::Counter { packets, bytes } => {
            put(out, "counter");
            if !o.stateless {
                put(out, " packets ");
                put_u64(out, *packets);
                put(out, " bytes ");
                put_u64(out, *bytes);
            }
        }
        StmtKind::ObjRef { kind, name } => {
            put(out, names::objref(*kind));
            put(out, " name ");
            expr_to(out, name, o);
        }
        StmtKind::MetaSet { key, value } => {
            expr_to(out, &Expr::new(ExprKind::Meta(key), s.span), o);
            put(out, " set ");
            expr_to(out, value, o);
        }
        StmtKind::CtSet { key, dir, value } => {
            expr_to(out, &Expr::new(ExprKind::Ct { key, dir: *dir }, s.span), o);
            put(out, " set ");
            expr_to(out, value, o);
        }
        StmtKind::Nat(n) => {
            put(out, names::nat(&n.kind));
            if let Some(f) = n.family {
                put_b(out, b' ');
                put(out, f.name());
            }
            if n.addr.is_some() || n.port.is_some() {
                put(out, " to ");
            }
            if let Some(a) = &n.addr {
                let at = out.len();
                expr_to(out, a, o);
                let t = &out[at..];
                if n.port.is_some() && t.contains(':') && !t.contains(" map ") {
                    out.insert(at, '[');
                    put_b(out, b']');
                }
            }
            if let Some(p) = &n.port {
                put_b(out, b':');
                expr_to(out, p, o);
            }
            let mut delim = " ";
            for name in names::bit_names(n.flags.0, names::NAT_FLAGS) {
                put(out, delim);
                put(out, name);
                delim = ",";
            }
        }
        StmtKind::Reject { kind, code } => match (kind, code) {
            (RejectKind::Default, _) => put(out, "reject"),
            (RejectKind::TcpReset, _) => put(out, "reject with tcp reset"),
            (k, Some(c)) => {
                let fam = match k {
                    RejectKind::Icmpv6 => "icmpv6",
                    RejectKind::Icmpx => "icmpx",
                    _ => "icmp",
                };
                put(out, "reject with ");
                put(out, fam);
                put_b(out, b' ');
                expr_to(out, c, o);
            }
            (_, None) => put(out, "reject"),
        },
        StmtKind::Set {
            op,
            set,
            key,
            timeout,
            stmts,
            ..
        } => {
            put(out, names::set_op(op));
            put(out, " @");
            put(out, set);
            put(out, " { ");
            expr_to(out, key, o);
            if let Some(t) = timeout {
                put(out, " timeout ");
                put(out, &tm(*t, o));
            }
            // Statements inside a set update print without values.
            let decl = Opts {
                stateless: true,
                ..o.clone()
            };
            for st in stmts {
                put_b(out, b' ');
                stmt_to(out, st, &decl);
            }
            put(out, " }");
        }
        StmtKind::Log(l) => {
            put(out, "log");
            if let Some(p) = &l.prefix {
                put(out, " prefix \"");
                put(out, p);
                put_b(out, b'"');
            }
            if let Some(g) = l.group {
                put(out, " group ");
                put_u64(out, g as u64);
            }
            if let Some(sn) = l.snaplen {
                put(out, " snaplen ");
                put_u64(out, sn as u64);
            }
            if let Some(q) = l.queue_threshold {
                put(out, " queue-threshold ");
                put_u64(out, q as u64);
            }
            if let Some(lv) = l.level.filter(|&lv| lv != 4) {
                let names = [
                    "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit",
                ];
                put(out, " level ");
                put(out, names.get(lv as usize).unwrap_or(&"warn"));
            }
        }
        StmtKind::Limit {
            rate,
            unit_secs,
            burst,
            bytes,
            over,
        } => {
            let unit = names::per(*unit_secs);
            let over = if *over { "over " } else { "" };
            let t = if *bytes {
                format!("limit rate {over}{rate} bytes/{unit} burst {burst} bytes")
            } else {
                format!("limit rate {over}{rate}/{unit} burst {burst} packets")
            };
            put(out, &t);
        }
        StmtKind::Notrack => put(out, "notrack"),
    }
}

/// A rule's text (statements, comment).
pub fn rule(r: &Rule, o: &Opts) -> String {
    let mut out = String::new();
    rule_to(&mut out, r, o);
    out
}

fn rule_to(out: &mut String, r: &Rule, o: &Opts) {
    join_to(out, &r.stmts, " ", |out, s| stmt_to(out, s, o));
    if let Some(c) = &r.comment {
        put(out, " comment \"");
        put(out, c);
        put_b(out, b'"');
    }
}

fn handle(h: Option<u64>, o: &Opts) -> String {
    match h {
        Some(h) if o.handle => format!(" # handle {h}"),
        _ => String::new(),
    }
}

/// `chain NAME {` line, comment and base-chain line.
pub fn chain_head(w: &mut dyn Write, c: &Chain, family: u8, o: &Opts) -> io::Result<()> {
    // the common case (a regular chain) in one piece, without core::fmt
    let mut head = String::with_capacity(64);
    put(&mut head, "\tchain ");
    put(&mut head, &c.name);
    put(&mut head, " {");
    if let Some(h) = c.handle.filter(|_| o.handle) {
        put(&mut head, " # handle ");
        put_u64(&mut head, h);
    }
    if let Some(cm) = &c.comment {
        put(&mut head, "\n\t\tcomment \"");
        put(&mut head, cm);
        put_b(&mut head, b'"');
    }
    put_b(&mut head, b'\n');
    w.write_all(head.as_bytes())?;
    if let Some(b) = &c.base {
        write!(w, "\t\ttype {} hook {}", b.kind, b.hook)?;
        match b.devices.len() {
            0 => {}
            1 => write!(w, " device \"{}\"", b.devices[0])?,
            _ => {
                let d: Vec<String> = b.devices.iter().map(|d| format!("\"{d}\"")).collect();
                write!(w, " devices = {{ {} }}", d.join(", "))?
            }
        }
        let prio = match &b.prio {
            crate::ast::Prio::Num(n) => super::prio::text(family, &b.hook, *n, o.numeric),
            crate::ast::Prio::Named(n, off) => format!("{n} {off}"),
        };
        write!(w, " priority {prio};")?;
        if let Some(p) = b.policy {
            write!(w, " policy {};", if p == 1 { "accept" } else { "drop" })?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// One rule line inside a chain, written whole (one `write_all`).
pub fn rule_line(w: &mut dyn Write, r: &Rule, o: &Opts) -> io::Result<()> {
    let mut line = String::with_capacity(256);
    rule_line_to(&mut line, r, o);
    w.write_all(line.as_bytes())
}

/// [`rule_line`], appended to `out` (a chain's lines share one buffer).
pub fn rule_line_to(out: &mut String, r: &Rule, o: &Opts) {
    put(out, "\t\t");
    rule_to(out, r, o);
    if let Some(h) = r.handle.filter(|_| o.handle) {
        put(out, " # handle ");
        put_u64(out, h);
    }
    put_b(out, b'\n');
}

fn key_decl(k: &SetKey) -> String {
    match k {
        SetKey::Types(t) => t.iter().map(|d| d.name()).collect::<Vec<_>>().join(" . "),
        SetKey::Typeof(e) => e
            .iter()
            .map(|x| expr(x, &Opts::default()))
            .collect::<Vec<_>>()
            .join(" . "),
    }
}

/// How many elements nft puts on one line before wrapping (`calculate_delim`).
fn per_line(s: &Set) -> usize {
    // Maps, and elements carrying statements, print one per line.
    if s.is_map || s.elems.iter().any(|e| !e.stmts.is_empty()) {
        return 1;
    }
    match &s.key {
        SetKey::Types(t) if t.len() == 1 => match t[0] {
            Datatype::Nfproto
            | Datatype::Integer
            | Datatype::ArpOp
            | Datatype::InetProto
            | Datatype::InetService
            | Datatype::TcpFlag
            | Datatype::DccpPktType
            | Datatype::Mark
            | Datatype::IfIndex
            | Datatype::ClassId
            | Datatype::Uid
            | Datatype::Gid
            | Datatype::CtDir => 5,
            Datatype::Ipv4Addr | Datatype::CtState | Datatype::CtStatus | Datatype::PktType => 2,
            _ => 1,
        },
        _ => 1,
    }
}

/// A named set or map declaration with its elements.
pub fn set(w: &mut dyn Write, s: &Set, o: &Opts) -> io::Result<()> {
    let kind = if s.is_map { "map" } else { "set" };
    writeln!(w, "\t{kind} {} {{{}", s.name, handle(s.handle, o))?;
    let tkw = if matches!(s.key, SetKey::Typeof(_)) {
        "typeof"
    } else {
        "type"
    };
    write!(w, "\t\t{tkw} {}", key_decl(&s.key))?;
    if let Some(d) = &s.data {
        write!(w, " : {}", key_decl(d))?;
    }
    writeln!(w)?;
    // Constant sets get their size from nft itself; it is not shown.
    if let Some(size) = s
        .size
        .filter(|_| !s.flags.has(crate::ast::SetFlags::CONSTANT))
    {
        write!(w, "\t\tsize {size}")?;
        if !s.elems.is_empty() {
            write!(w, "\t# count {}", s.elems.len())?;
        }
        writeln!(w)?;
    }
    let mut fl = Vec::new();
    // A default timeout makes the timeout flag implicit, unless the set is dynamic.
    let mut shown = s.flags.0;
    if s.timeout.is_some() && shown & 0x20 == 0 {
        shown &= !0x10;
    }
    for (bit, name) in [
        (0x2, "constant"),
        (0x20, "dynamic"),
        (0x4, "interval"),
        (0x10, "timeout"),
    ] {
        if shown & bit != 0 {
            fl.push(name);
        }
    }
    if !fl.is_empty() {
        writeln!(w, "\t\tflags {}", fl.join(","))?;
    }
    // Statements of the declaration print without values (`counter`).
    let decl = Opts {
        stateless: true,
        ..o.clone()
    };
    for st in &s.stmts {
        writeln!(w, "\t\t{}", stmt(st, &decl))?;
    }
    if let Some(t) = s.timeout {
        writeln!(w, "\t\ttimeout {}", tm(t, o))?;
    }
    if let Some(g) = s.gc_interval {
        writeln!(w, "\t\tgc-interval {}", tm(g, o))?;
    }
    if matches!(s.policy, Some(crate::ast::SetPolicy::Memory)) {
        writeln!(w, "\t\tpolicy memory")?;
    }
    if s.auto_merge {
        writeln!(w, "\t\tauto-merge")?;
    }
    if let Some(c) = &s.comment {
        writeln!(w, "\t\tcomment \"{c}\"")?;
    }
    if !s.elems.is_empty() && !o.terse {
        let n = per_line(s);
        let mut b = String::with_capacity(1 << 12);
        put(&mut b, "\t\telements = { ");
        for (i, e) in s.elems.iter().enumerate() {
            if i > 0 {
                if i % n == 0 {
                    put(&mut b, ",\n\t\t\t     ");
                } else {
                    put(&mut b, ", ");
                }
            }
            elem_to(&mut b, e, o);
            if b.len() >= 1 << 15 {
                w.write_all(b.as_bytes())?;
                b.clear();
            }
        }
        put(&mut b, " }\n");
        w.write_all(b.as_bytes())?;
    }
    writeln!(w, "\t}}")
}
