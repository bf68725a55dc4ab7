// SPDX-License-Identifier: Apache-2.0
//! nft 1.1.x's text listing (rule.c `*_print`, statement.c, expression.c):
//! tabs for indentation, `# handle N` with `-a`, elements wrapped as nft
//! wraps them.

use std::io::{self, Write};

use super::names;
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
    match &e.kind {
        ExprKind::Value(v) => value::text(v, vo(o)),
        ExprKind::Literal(l) => match l {
            crate::ast::Literal::Number(n) => n.to_string(),
            crate::ast::Literal::Ident(s) => s.clone(),
            crate::ast::Literal::Str(s) => format!("\"{s}\""),
            crate::ast::Literal::Ipv4(a) => a.to_string(),
            crate::ast::Literal::Ipv6(a) => a.to_string(),
        },
        ExprKind::Verdict(v) => verdict(v),
        ExprKind::Prefix(v, len) => format!("{}/{len}", expr(v, o)),
        ExprKind::Range(a, b) => {
            // Ranges print protocols as numbers.
            let n = Opts {
                numeric: true,
                ..o.clone()
            };
            format!("{}-{}", expr(a, &n), expr(b, &n))
        }
        ExprKind::Concat(items) => items
            .iter()
            .map(|x| expr(x, o))
            .collect::<Vec<_>>()
            .join(" . "),
        ExprKind::Set(elems) => {
            let items: Vec<String> = elems.iter().map(|x| elem(x, o)).collect();
            format!("{{ {} }}", items.join(", "))
        }
        ExprKind::SetRef(name) => format!("@{name}"),
        ExprKind::Map { key, map } => format!("{} map {}", expr(key, o), expr(map, o)),
        ExprKind::Payload(f) => format!("{} {}", f.proto.name(), f.name),
        ExprKind::RawPayload { base, offset, len } => {
            let b = names::base(base);
            format!("@{b},{offset},{len}")
        }
        ExprKind::Meta(m) => {
            if UNQUALIFIED_META.contains(&m.name) {
                m.name.to_string()
            } else {
                format!("meta {}", m.name)
            }
        }
        ExprKind::Ct { key, dir } => match dir {
            Some(d) => format!("ct {} {}", names::ct_dir(d), key.name),
            None => format!("ct {}", key.name),
        },
        ExprKind::Fib { flags, result } => {
            let parts = names::bit_names(flags.0, names::FIB_FLAGS);
            let r = names::fib_result(result);
            format!("fib {} {r}", parts.join(" . "))
        }
        ExprKind::Numgen {
            mode,
            modulus,
            offset,
        } => {
            let m = names::numgen_mode(mode);
            let off = if *offset != 0 {
                format!(" offset {offset}")
            } else {
                String::new()
            };
            format!("numgen {m} mod {modulus}{off}")
        }
        ExprKind::Binop(op, a, b) => {
            let sym = names::binop(op);
            // nft parenthesises a binop operand of another operator, and a
            // flag list on the right of `&`.
            let left = match &a.kind {
                ExprKind::Binop(inner, ..) if inner != op => format!("({})", expr(a, o)),
                _ => expr(a, o),
            };
            let right = expr(b, o);
            let right = if *op == BinOp::And && right.contains(" | ") {
                format!("({right})")
            } else {
                right
            };
            format!("{left} {sym} {right}")
        }
        ExprKind::List(items) => items
            .iter()
            .map(|x| expr(x, o))
            .collect::<Vec<_>>()
            .join(","),
    }
}

pub fn verdict(v: &Verdict) -> String {
    match v {
        Verdict::Jump(c) | Verdict::Goto(c) => format!("{} {c}", names::verdict(v)),
        _ => names::verdict(v).into(),
    }
}

/// One element: `key [timeout T] [expires T] [comment "c"] [: data]`.
pub fn elem(e: &Elem, o: &Opts) -> String {
    let mut s = expr(&e.key, o);
    if let Some(t) = e.timeout {
        s.push_str(&format!(" timeout {}", tm(t, o)));
    }
    if let Some(t) = e.expires.filter(|_| !o.stateless) {
        s.push_str(&format!(" expires {}", tm(t, o)));
    }
    for st in &e.stmts {
        s.push(' ');
        s.push_str(&stmt(st, o));
    }
    if let Some(c) = &e.comment {
        s.push_str(&format!(" comment \"{c}\""));
    }
    if let Some(d) = &e.data {
        s.push_str(&format!(" : {}", expr(d, o)));
    }
    s
}

/// One statement.
pub fn stmt(s: &Stmt, o: &Opts) -> String {
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
            format!("{} {op}{}", expr(left, o), expr(right, o))
        }
        StmtKind::Verdict(e) => match &e.kind {
            ExprKind::Map { key, map } => format!("{} vmap {}", expr(key, o), expr(map, o)),
            _ => expr(e, o),
        },
        StmtKind::Counter { packets, bytes } => {
            if o.stateless {
                "counter".into()
            } else {
                format!("counter packets {packets} bytes {bytes}")
            }
        }
        StmtKind::ObjRef { kind, name } => {
            let k = names::objref(*kind);
            format!("{k} name {}", expr(name, o))
        }
        StmtKind::MetaSet { key, value } => {
            let m = expr(&Expr::new(ExprKind::Meta(key), s.span), o);
            format!("{m} set {}", expr(value, o))
        }
        StmtKind::CtSet { key, dir, value } => {
            let c = expr(&Expr::new(ExprKind::Ct { key, dir: *dir }, s.span), o);
            format!("{c} set {}", expr(value, o))
        }
        StmtKind::Nat(n) => {
            let mut out = names::nat(&n.kind).to_string();
            if let Some(f) = n.family {
                out.push_str(&format!(" {}", f.name()));
            }
            let addr = n.addr.as_ref().map(|a| {
                let t = expr(a, o);
                if n.port.is_some() && t.contains(':') && !t.contains(" map ") {
                    format!("[{t}]")
                } else {
                    t
                }
            });
            match (addr, &n.port) {
                (Some(a), Some(p)) => out.push_str(&format!(" to {a}:{}", expr(p, o))),
                (Some(a), None) => out.push_str(&format!(" to {a}")),
                (None, Some(p)) => out.push_str(&format!(" to :{}", expr(p, o))),
                (None, None) => {}
            }
            let mut delim = " ";
            for name in names::bit_names(n.flags.0, names::NAT_FLAGS) {
                out.push_str(delim);
                out.push_str(name);
                delim = ",";
            }
            out
        }
        StmtKind::Reject { kind, code } => match (kind, code) {
            (RejectKind::Default, _) => "reject".into(),
            (RejectKind::TcpReset, _) => "reject with tcp reset".into(),
            (k, Some(c)) => {
                let fam = match k {
                    RejectKind::Icmpv6 => "icmpv6",
                    RejectKind::Icmpx => "icmpx",
                    _ => "icmp",
                };
                format!("reject with {fam} {}", expr(c, o))
            }
            (_, None) => "reject".into(),
        },
        StmtKind::Set {
            op,
            set,
            key,
            timeout,
            stmts,
            ..
        } => {
            let verb = names::set_op(op);
            let mut inner = expr(key, o);
            if let Some(t) = timeout {
                inner.push_str(&format!(" timeout {}", tm(*t, o)));
            }
            // Statements inside a set update print without values.
            let decl = Opts {
                stateless: true,
                ..o.clone()
            };
            for st in stmts {
                inner.push(' ');
                inner.push_str(&stmt(st, &decl));
            }
            format!("{verb} @{set} {{ {inner} }}")
        }
        StmtKind::Log(l) => {
            let mut out = "log".to_string();
            if let Some(p) = &l.prefix {
                out.push_str(&format!(" prefix \"{p}\""));
            }
            if let Some(g) = l.group {
                out.push_str(&format!(" group {g}"));
            }
            if let Some(sn) = l.snaplen {
                out.push_str(&format!(" snaplen {sn}"));
            }
            if let Some(q) = l.queue_threshold {
                out.push_str(&format!(" queue-threshold {q}"));
            }
            if let Some(lv) = l.level.filter(|&lv| lv != 4) {
                let names = [
                    "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit",
                ];
                out.push_str(&format!(
                    " level {}",
                    names.get(lv as usize).unwrap_or(&"warn")
                ));
            }
            out
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
            if *bytes {
                format!("limit rate {over}{rate} bytes/{unit} burst {burst} bytes")
            } else {
                format!("limit rate {over}{rate}/{unit} burst {burst} packets")
            }
        }
        StmtKind::Notrack => "notrack".into(),
    }
}

/// A rule's text (statements, comment).
pub fn rule(r: &Rule, o: &Opts) -> String {
    let mut out = r
        .stmts
        .iter()
        .map(|s| stmt(s, o))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(c) = &r.comment {
        out.push_str(&format!(" comment \"{c}\""));
    }
    out
}

fn handle(h: Option<u64>, o: &Opts) -> String {
    match h {
        Some(h) if o.handle => format!(" # handle {h}"),
        _ => String::new(),
    }
}

/// `chain NAME {` line, comment and base-chain line.
pub fn chain_head(w: &mut dyn Write, c: &Chain, family: u8, o: &Opts) -> io::Result<()> {
    write!(w, "\tchain {} {{{}", c.name, handle(c.handle, o))?;
    if let Some(cm) = &c.comment {
        write!(w, "\n\t\tcomment \"{cm}\"")?;
    }
    writeln!(w)?;
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

/// One rule line inside a chain.
pub fn rule_line(w: &mut dyn Write, r: &Rule, o: &Opts) -> io::Result<()> {
    writeln!(w, "\t\t{}{}", rule(r, o), handle(r.handle, o))
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
        write!(w, "\t\telements = {{ ")?;
        for (i, e) in s.elems.iter().enumerate() {
            if i > 0 {
                if i % n == 0 {
                    write!(w, ",\n\t\t\t     ")?;
                } else {
                    write!(w, ", ")?;
                }
            }
            write!(w, "{}", elem(e, o))?;
        }
        writeln!(w, " }}")?;
    }
    writeln!(w, "\t}}")
}
