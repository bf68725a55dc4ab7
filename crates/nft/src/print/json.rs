// SPDX-License-Identifier: Apache-2.0
//! libnftables' JSON output (json.c, schema version 1) in 1.1.x's shape and
//! key order, written as a stream: `{"nftables": [` then one object per
//! table, chain, set, rule as it is produced, then `]}`. Nothing holds the
//! whole document.

use std::io::{self, Write};

use super::value::{self, Json, ValueOpts};
use super::Opts;
use crate::ast::{
    BinOp, Chain, Datatype, Elem, Expr, ExprKind, NatKind, RejectKind, RelOp, Rule, Set, SetKey,
    SetOp, Stmt, StmtKind, Verdict,
};

pub const VERSION: &str = "1.1.4";
pub const RELEASE_NAME: &str = "Commodore Bullmoose #5";

/// A JSON string literal, escaped as jansson escapes it.
pub fn s(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    push_s(&mut out, v);
    out
}

/// [`s`], appended to `out`.
fn push_s(out: &mut String, v: &str) {
    out.push('"');
    // Plain text (the usual case) is copied in one go.
    if !v.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(v);
        out.push('"');
        return;
    }
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The document writer: items separated by `, `.
pub struct Doc<'a> {
    w: &'a mut dyn Write,
    first: bool,
}

impl<'a> Doc<'a> {
    pub fn start(w: &'a mut dyn Write) -> io::Result<Doc<'a>> {
        write!(
            w,
            "{{\"nftables\": [{{\"metainfo\": {{\"version\": {}, \"release_name\": {}, \"json_schema_version\": 1}}}}",
            s(VERSION),
            s(RELEASE_NAME)
        )?;
        Ok(Doc { w, first: false })
    }

    /// One `{"kind": body}` item.
    pub fn item(&mut self, kind: &str, body: &str) -> io::Result<()> {
        if !self.first {
            self.w.write_all(b", ")?;
        }
        self.first = false;
        self.w.write_all(b"{\"")?;
        self.w.write_all(kind.as_bytes())?;
        self.w.write_all(b"\": ")?;
        self.w.write_all(body.as_bytes())?;
        self.w.write_all(b"}")
    }

    pub fn end(self) -> io::Result<()> {
        self.w.write_all(b"]}\n")
    }
}

/// Build `{"k": v, …}` from already-encoded values.
pub fn obj(fields: &[(&str, String)]) -> String {
    let len: usize = fields.iter().map(|(k, v)| k.len() + v.len() + 6).sum();
    let mut out = String::with_capacity(len + 2);
    out.push('{');
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_s(&mut out, k);
        out.push_str(": ");
        out.push_str(v);
    }
    out.push('}');
    out
}

fn arr(items: Vec<String>) -> String {
    let len: usize = items.iter().map(|v| v.len() + 2).sum();
    let mut out = String::with_capacity(len + 2);
    out.push('[');
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(v);
    }
    out.push(']');
    out
}

/// One or several flags: a string, or an array of them.
fn flags(names: Vec<&str>) -> Option<String> {
    match names.len() {
        0 => None,
        1 => Some(s(names[0])),
        _ => Some(arr(names.into_iter().map(s).collect())),
    }
}

fn vo(o: &Opts) -> ValueOpts {
    ValueOpts { numeric: o.numeric }
}

pub fn expr(e: &Expr, o: &Opts) -> String {
    match &e.kind {
        ExprKind::Value(v) => match value::json(v, vo(o)) {
            Json::Num(n) => n.to_string(),
            Json::Str(x) => s(&x),
            Json::Raw(r) => r,
        },
        ExprKind::Literal(l) => match l {
            crate::ast::Literal::Ident(x) | crate::ast::Literal::Str(x) => s(x),
            crate::ast::Literal::Number(n) => n.to_string(),
            crate::ast::Literal::Ipv4(a) => s(&a.to_string()),
            crate::ast::Literal::Ipv6(a) => s(&a.to_string()),
        },
        ExprKind::Verdict(v) => verdict(v),
        ExprKind::Prefix(a, len) => obj(&[(
            "prefix",
            obj(&[("addr", expr(a, o)), ("len", len.to_string())]),
        )]),
        ExprKind::Range(a, b) => {
            // Ranges print protocols as numbers.
            let n = Opts {
                numeric: true,
                ..o.clone()
            };
            obj(&[("range", arr(vec![expr(a, &n), expr(b, &n)]))])
        }
        ExprKind::Concat(items) => {
            obj(&[("concat", arr(items.iter().map(|x| expr(x, o)).collect()))])
        }
        ExprKind::Set(elems) => obj(&[("set", arr(elems.iter().map(|x| elem(x, o)).collect()))]),
        ExprKind::SetRef(n) => s(&format!("@{n}")),
        ExprKind::Map { key, map } => {
            obj(&[("map", obj(&[("key", expr(key, o)), ("data", expr(map, o))]))])
        }
        ExprKind::Payload(f) => obj(&[(
            "payload",
            obj(&[("protocol", s(f.proto.name())), ("field", s(f.name))]),
        )]),
        ExprKind::RawPayload { base, offset, len } => {
            let b = match base {
                crate::ast::Base::Link => "ll",
                crate::ast::Base::Network => "nh",
                crate::ast::Base::Transport => "th",
                crate::ast::Base::Inner => "ih",
            };
            obj(&[(
                "payload",
                obj(&[
                    ("base", s(b)),
                    ("offset", offset.to_string()),
                    ("len", len.to_string()),
                ]),
            )])
        }
        ExprKind::Meta(m) => obj(&[("meta", obj(&[("key", s(m.name))]))]),
        ExprKind::Ct { key, dir } => {
            let mut f = vec![("key", s(key.name))];
            if let Some(d) = dir {
                f.push((
                    "dir",
                    s(if *d == crate::ast::CtDir::Original {
                        "original"
                    } else {
                        "reply"
                    }),
                ));
            }
            obj(&[("ct", obj(&f))])
        }
        ExprKind::Fib { flags: fl, result } => {
            let r = match result {
                crate::ast::FibResult::Oif => "oif",
                crate::ast::FibResult::OifName => "oifname",
                crate::ast::FibResult::AddrType => "type",
            };
            let names: Vec<&str> = [
                (1, "saddr"),
                (2, "daddr"),
                (4, "mark"),
                (8, "iif"),
                (16, "oif"),
            ]
            .iter()
            .filter(|(b, _)| fl.0 & b != 0)
            .map(|(_, n)| *n)
            .collect();
            let mut f = vec![("result", s(r))];
            if let Some(x) = flags(names) {
                f.push(("flags", x));
            }
            obj(&[("fib", obj(&f))])
        }
        ExprKind::Numgen {
            mode,
            modulus,
            offset,
        } => {
            let m = if *mode == crate::ast::NumgenMode::Random {
                "random"
            } else {
                "inc"
            };
            obj(&[(
                "numgen",
                obj(&[
                    ("mode", s(m)),
                    ("mod", modulus.to_string()),
                    ("offset", offset.to_string()),
                ]),
            )])
        }
        ExprKind::Binop(op, a, b) => {
            let sym = match op {
                BinOp::And => "&",
                BinOp::Or => "|",
                BinOp::Xor => "^",
                BinOp::Lshift => "<<",
                BinOp::Rshift => ">>",
            };
            obj(&[(sym, arr(vec![expr(a, o), expr(b, o)]))])
        }
        ExprKind::List(items) => arr(items.iter().map(|x| expr(x, o)).collect()),
    }
}

pub fn verdict(v: &Verdict) -> String {
    match v {
        Verdict::Accept => "{\"accept\": null}".into(),
        Verdict::Drop => "{\"drop\": null}".into(),
        Verdict::Continue => "{\"continue\": null}".into(),
        Verdict::Return => "{\"return\": null}".into(),
        Verdict::Queue => "{\"queue\": null}".into(),
        Verdict::Jump(c) => obj(&[("jump", obj(&[("target", s(c))]))]),
        Verdict::Goto(c) => obj(&[("goto", obj(&[("target", s(c))]))]),
    }
}

/// A set element: the bare key, `{"elem": {...}}` when it carries more, and
/// `[key, data]` in maps.
pub fn elem(e: &Elem, o: &Opts) -> String {
    let mut key = expr(&e.key, o);
    let mut extra = Vec::new();
    if let Some(t) = e.timeout {
        extra.push(("timeout", (t / 1000).to_string()));
    }
    if let Some(t) = e.expires.filter(|_| !o.stateless) {
        extra.push(("expires", (t / 1000).to_string()));
    }
    if let Some(c) = &e.comment {
        extra.push(("comment", s(c)));
    }
    for st in &e.stmts {
        match &st.kind {
            StmtKind::Counter { packets, bytes } => extra.push((
                "counter",
                obj(&[
                    ("packets", packets.to_string()),
                    ("bytes", bytes.to_string()),
                ]),
            )),
            StmtKind::Limit { .. } => {
                // `{"limit": {...}}` → the inner object.
                let full = stmt(st, 0, o);
                let inner = full
                    .strip_prefix("{\"limit\": ")
                    .and_then(|x| x.strip_suffix('}'))
                    .unwrap_or("null")
                    .to_string();
                extra.push(("limit", inner));
            }
            _ => {}
        }
    }
    if !extra.is_empty() {
        let mut f = vec![("val", key)];
        f.extend(extra);
        key = obj(&[("elem", obj(&f))]);
    }
    match &e.data {
        Some(d) => arr(vec![key, expr(d, o)]),
        None => key,
    }
}

fn is_flag_value(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Value(v) if matches!(v.dtype, Datatype::CtState | Datatype::CtStatus | Datatype::TcpFlag))
}

pub fn stmt(st: &Stmt, family: u8, o: &Opts) -> String {
    match &st.kind {
        StmtKind::Match { left, op, right } => {
            let op = match op {
                RelOp::Implicit if is_flag_value(right) => "in",
                RelOp::Implicit | RelOp::Eq => "==",
                RelOp::Neq => "!=",
                RelOp::Lt => "<",
                RelOp::Gt => ">",
                RelOp::Lte => "<=",
                RelOp::Gte => ">=",
            };
            obj(&[(
                "match",
                obj(&[
                    ("op", s(op)),
                    ("left", expr(left, o)),
                    ("right", expr(right, o)),
                ]),
            )])
        }
        StmtKind::Verdict(e) => match &e.kind {
            ExprKind::Map { key, map } => obj(&[(
                "vmap",
                obj(&[("key", expr(key, o)), ("data", expr(map, o))]),
            )]),
            _ => expr(e, o),
        },
        StmtKind::Counter { packets, bytes } => {
            if o.stateless {
                "{\"counter\": null}".into()
            } else {
                obj(&[(
                    "counter",
                    obj(&[
                        ("packets", packets.to_string()),
                        ("bytes", bytes.to_string()),
                    ]),
                )])
            }
        }
        StmtKind::ObjRef { kind, name } => {
            let k = match kind {
                1 => "counter",
                2 => "quota",
                4 => "limit",
                _ => "ct helper",
            };
            obj(&[(k, expr(name, o))])
        }
        StmtKind::MetaSet { key, value } => {
            let k = expr(&Expr::new(ExprKind::Meta(key), st.span), o);
            obj(&[("mangle", obj(&[("key", k), ("value", expr(value, o))]))])
        }
        StmtKind::CtSet { key, dir, value } => {
            let k = expr(&Expr::new(ExprKind::Ct { key, dir: *dir }, st.span), o);
            obj(&[("mangle", obj(&[("key", k), ("value", expr(value, o))]))])
        }
        StmtKind::Nat(n) => {
            let name = match n.kind {
                NatKind::Snat => "snat",
                NatKind::Dnat => "dnat",
                NatKind::Masquerade => "masquerade",
                NatKind::Redirect => "redirect",
            };
            let mut f = Vec::new();
            if let Some(fam) = n.family {
                f.push(("family", s(fam.name())));
            }
            if let Some(a) = &n.addr {
                f.push(("addr", expr(a, o)));
            }
            if let Some(p) = &n.port {
                f.push(("port", expr(p, o)));
            }
            let names: Vec<&str> = [(0x4, "random"), (0x10, "fully-random"), (0x8, "persistent")]
                .iter()
                .filter(|(b, _)| n.flags.0 & b != 0)
                .map(|(_, x)| *x)
                .collect();
            if let Some(x) = flags(names) {
                f.push(("flags", x));
            }
            if f.is_empty() {
                format!("{{{}: null}}", s(name))
            } else {
                obj(&[(name, obj(&f))])
            }
        }
        StmtKind::Reject { kind, code } => {
            let (ty, code) = match (kind, family) {
                (RejectKind::TcpReset, _) => {
                    return "{\"reject\": {\"type\": \"tcp reset\"}}".into()
                }
                (RejectKind::Default, 1) | (RejectKind::Default, 7) | (RejectKind::Default, 5) => {
                    ("icmpx", s("port-unreachable"))
                }
                (RejectKind::Default, 10) => ("icmpv6", s("port-unreachable")),
                (RejectKind::Default, _) => ("icmp", s("port-unreachable")),
                (RejectKind::Icmp, _) => (
                    "icmp",
                    code.as_ref().map(|c| expr(c, o)).unwrap_or_default(),
                ),
                (RejectKind::Icmpv6, _) => (
                    "icmpv6",
                    code.as_ref().map(|c| expr(c, o)).unwrap_or_default(),
                ),
                (RejectKind::Icmpx, _) => (
                    "icmpx",
                    code.as_ref().map(|c| expr(c, o)).unwrap_or_default(),
                ),
            };
            obj(&[("reject", obj(&[("type", s(ty)), ("expr", code)]))])
        }
        StmtKind::Set {
            op,
            set,
            key,
            timeout,
            stmts,
            ..
        } => {
            let verb = match op {
                SetOp::Add => "add",
                SetOp::Update => "update",
                SetOp::Delete => "delete",
            };
            let mut k = expr(key, o);
            if let Some(t) = timeout {
                k = obj(&[(
                    "elem",
                    obj(&[("val", k), ("timeout", (t / 1000).to_string())]),
                )]);
            }
            let mut f = vec![("op", s(verb)), ("elem", k), ("set", s(&format!("@{set}")))];
            if !stmts.is_empty() {
                let decl = Opts {
                    stateless: true,
                    ..o.clone()
                };
                f.push((
                    "stmt",
                    arr(stmts.iter().map(|x| stmt(x, family, &decl)).collect()),
                ));
            }
            obj(&[("set", obj(&f))])
        }
        StmtKind::Log(l) => {
            let mut f = Vec::new();
            if let Some(p) = &l.prefix {
                f.push(("prefix", s(p)));
            }
            if let Some(g) = l.group {
                f.push(("group", g.to_string()));
            }
            if f.is_empty() {
                "{\"log\": null}".into()
            } else {
                obj(&[("log", obj(&f))])
            }
        }
        StmtKind::Limit {
            rate,
            unit_secs,
            burst,
            bytes,
            over,
        } => {
            let per = match unit_secs {
                1 => "second",
                60 => "minute",
                3600 => "hour",
                86400 => "day",
                _ => "week",
            };
            let mut f = vec![
                ("rate", rate.to_string()),
                ("burst", burst.to_string()),
                ("per", s(per)),
            ];
            if *bytes {
                f.push(("rate_unit", s("bytes")));
                f.push(("burst_unit", s("bytes")));
            }
            if *over {
                f.push(("inv", "true".into()));
            }
            obj(&[("limit", obj(&f))])
        }
        StmtKind::Notrack => "{\"notrack\": null}".into(),
    }
}

pub fn table(t: &crate::ast::Table, o: &Opts) -> String {
    let mut f = vec![
        ("family", s(t.family.map(|f| f.name()).unwrap_or("ip"))),
        ("name", s(&t.name)),
        ("handle", t.handle.unwrap_or(0).to_string()),
    ];
    if let Some(c) = &t.comment {
        f.push(("comment", s(c)));
    }
    let names: Vec<&str> = [(1, "dormant"), (2, "owner"), (4, "persist")]
        .iter()
        .filter(|(b, _)| t.flags & b != 0)
        .map(|(_, n)| *n)
        .collect();
    if let Some(x) = flags(names) {
        f.push(("flags", x));
    }
    let _ = o;
    obj(&f)
}

pub fn chain(c: &Chain, family: &str, table: &str) -> String {
    let mut f = vec![
        ("family", s(family)),
        ("table", s(table)),
        ("name", s(&c.name)),
        ("handle", c.handle.unwrap_or(0).to_string()),
    ];
    if let Some(cm) = &c.comment {
        f.push(("comment", s(cm)));
    }
    if let Some(b) = &c.base {
        // 1.1.x puts the device(s) before the type.
        match b.devices.len() {
            0 => {}
            1 => f.push(("dev", s(&b.devices[0]))),
            _ => f.push(("dev", arr(b.devices.iter().map(|d| s(d)).collect()))),
        }
        f.push(("type", s(&b.kind)));
        f.push(("hook", s(&b.hook)));
        let prio = match &b.prio {
            crate::ast::Prio::Num(n) => *n,
            crate::ast::Prio::Named(_, n) => *n,
        };
        f.push(("prio", prio.to_string()));
        f.push((
            "policy",
            s(if b.policy == Some(0) {
                "drop"
            } else {
                "accept"
            }),
        ));
    }
    obj(&f)
}

fn key_json(k: &SetKey) -> String {
    match k {
        SetKey::Types(t) if t.len() == 1 => s(t[0].name()),
        SetKey::Types(t) => arr(t.iter().map(|d| s(d.name())).collect()),
        // A typeof map's data and an object map's data print as type names.
        SetKey::Typeof(e) if matches!(e.as_slice(), [x] if matches!(x.kind, ExprKind::Literal(_))) => {
            expr(&e[0], &Opts::default())
        }
        SetKey::Typeof(e) => {
            let d = Opts::default();
            let inner = if e.len() == 1 {
                expr(&e[0], &d)
            } else {
                obj(&[("concat", arr(e.iter().map(|x| expr(x, &d)).collect()))])
            };
            obj(&[("typeof", inner)])
        }
    }
}

/// A map's data type: 1.1.x names the type even for `typeof` maps.
fn data_json(k: &SetKey) -> String {
    let SetKey::Typeof(exprs) = k else {
        return key_json(k);
    };
    let names: Option<Vec<&str>> = exprs
        .iter()
        .map(|e| match &e.kind {
            ExprKind::Payload(f) => Some(f.dtype.name()),
            ExprKind::Meta(m) => Some(m.dtype.name()),
            ExprKind::Ct { key, .. } => Some(key.dtype.name()),
            ExprKind::Numgen { .. } => Some(Datatype::Integer.name()),
            _ => None,
        })
        .collect();
    match names {
        Some(n) if n.len() == 1 => s(n[0]),
        Some(n) => arr(n.into_iter().map(s).collect()),
        None => key_json(k),
    }
}

pub fn set(st: &Set, family: &str, table: &str, o: &Opts) -> String {
    let mut f = vec![
        ("family", s(family)),
        ("name", s(&st.name)),
        ("table", s(table)),
        ("type", key_json(&st.key)),
        ("handle", st.handle.unwrap_or(0).to_string()),
    ];
    if let Some(c) = &st.comment {
        f.push(("comment", s(c)));
    }
    if let Some(d) = &st.data {
        f.push(("map", data_json(d)));
    }
    if matches!(st.policy, Some(crate::ast::SetPolicy::Memory)) {
        f.push(("policy", s("memory")));
    }
    if let Some(sz) = st
        .size
        .filter(|_| !st.flags.has(crate::ast::SetFlags::CONSTANT))
    {
        f.push(("size", sz.to_string()));
    }
    let names: Vec<&str> = [
        (0x2, "constant"),
        (0x4, "interval"),
        (0x10, "timeout"),
        (0x20, "dynamic"),
    ]
    .iter()
    .filter(|(b, _)| st.flags.0 & b != 0)
    .map(|(_, n)| *n)
    .collect();
    if let Some(x) = flags(names) {
        f.push(("flags", x));
    }
    if let Some(t) = st.timeout {
        f.push(("timeout", (t / 1000).to_string()));
    }
    if let Some(g) = st.gc_interval {
        f.push(("gc-interval", (g / 1000).to_string()));
    }
    if st.auto_merge {
        f.push(("auto-merge", "true".into()));
    }
    if !st.elems.is_empty() && !o.terse {
        f.push(("elem", arr(st.elems.iter().map(|e| elem(e, o)).collect())));
    }
    if !st.stmts.is_empty() {
        let decl = Opts {
            stateless: true,
            ..o.clone()
        };
        f.push((
            "stmt",
            arr(st.stmts.iter().map(|x| stmt(x, 0, &decl)).collect()),
        ));
    }
    obj(&f)
}

pub fn rule(r: &Rule, family: u8, o: &Opts) -> String {
    let (fam, table, chain) = match &r.chain {
        Some(c) => (
            c.table.family.name(),
            c.table.name.as_str(),
            c.name.as_str(),
        ),
        None => ("ip", "", ""),
    };
    let mut f = vec![
        ("family", s(fam)),
        ("table", s(table)),
        ("chain", s(chain)),
        ("handle", r.handle.unwrap_or(0).to_string()),
    ];
    if let Some(c) = &r.comment {
        f.push(("comment", s(c)));
    }
    f.push((
        "expr",
        arr(r.stmts.iter().map(|x| stmt(x, family, o)).collect()),
    ));
    obj(&f)
}
