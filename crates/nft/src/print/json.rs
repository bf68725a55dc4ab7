// SPDX-License-Identifier: Apache-2.0
//! libnftables' JSON output (json.c, schema version 1) in 1.1.x's shape and
//! key order, written as a stream: `{"nftables": [` then one object per
//! table, chain, set, rule as it is produced, then `]}`. Nothing holds the
//! whole document, and no object is built as a string of its own: every
//! writer appends to the document's one output buffer.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::names::{self, bit_names, is_flag_value};
use super::sink::{put, put_b, put_u64};
use super::value::{self, Json, ValueOpts};
use super::Opts;
use crate::ast::{
    Chain, Datatype, Elem, Expr, ExprKind, RejectKind, RelOp, Rule, Set, SetKey, Stmt, StmtKind,
    Verdict,
};

pub const VERSION: &str = "1.1.4";
pub const RELEASE_NAME: &str = "Commodore Bullmoose #5";

/// Bytes the document gathers before it hands them to the writer.
const CHUNK: usize = 1 << 15;

/// A JSON string literal, escaped as jansson escapes it.
pub fn s(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    push_s(&mut out, v);
    out
}

/// [`s`], appended to `out`.
fn push_s(out: &mut String, v: &str) {
    put_b(out, b'"');
    push_esc(out, v);
    put_b(out, b'"');
}

/// The inside of a string literal: `v` escaped.
fn push_esc(out: &mut String, v: &str) {
    // Plain text (the usual case) is copied in one go.
    if !v.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        put(out, v);
        return;
    }
    for c in v.chars() {
        match c {
            '"' => put(out, "\\\""),
            '\\' => put(out, "\\\\"),
            '\n' => put(out, "\\n"),
            '\t' => put(out, "\\t"),
            '\r' => put(out, "\\r"),
            '\u{8}' => put(out, "\\b"),
            '\u{c}' => put(out, "\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// `"@name"`: a set reference.
fn push_setref(out: &mut String, name: &str) {
    put(out, "\"@");
    push_esc(out, name);
    put_b(out, b'"');
}

/// A JSON scalar written as it is: integers (by value or by reference)
/// and booleans, appended without `core::fmt`.
pub trait Num {
    fn put_num(self, out: &mut String);
}

fn put_i128(out: &mut String, n: i128) {
    if n < 0 {
        put_b(out, b'-');
    }
    put_u64(out, n.unsigned_abs() as u64);
}

macro_rules! num_int {
    ($($t:ty),*) => {$(
        impl Num for $t {
            fn put_num(self, out: &mut String) {
                put_i128(out, self as i128);
            }
        }
        impl Num for &$t {
            fn put_num(self, out: &mut String) {
                put_i128(out, *self as i128);
            }
        }
    )*};
}
num_int!(u8, u16, u32, u64, i8, i16, i32, i64, usize);

impl Num for bool {
    fn put_num(self, out: &mut String) {
        put(out, if self { "true" } else { "false" });
    }
}

/// A number, appended to `out`.
fn num(out: &mut String, n: impl Num) {
    n.put_num(out);
}

/// The document writer: items separated by `, `, gathered in one buffer
/// that goes to the writer a chunk at a time.
pub struct Doc<'a> {
    w: &'a mut dyn Write,
    buf: String,
}

impl<'a> Doc<'a> {
    pub fn start(w: &'a mut dyn Write) -> io::Result<Doc<'a>> {
        let mut buf = String::with_capacity(CHUNK * 2);
        put(&mut buf, "{\"nftables\": [{\"metainfo\": {\"version\": ");
        push_s(&mut buf, VERSION);
        put(&mut buf, ", \"release_name\": ");
        push_s(&mut buf, RELEASE_NAME);
        put(&mut buf, ", \"json_schema_version\": 1}}");
        Ok(Doc { w, buf })
    }

    /// One `{"kind": body}` item; `body` appends the object to the buffer.
    pub fn item(&mut self, kind: &str, body: impl FnOnce(&mut String)) -> io::Result<()> {
        put(&mut self.buf, ", {\"");
        put(&mut self.buf, kind);
        put(&mut self.buf, "\": ");
        body(&mut self.buf);
        put_b(&mut self.buf, b'}');
        if self.buf.len() >= CHUNK {
            self.w.write_all(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }

    pub fn end(mut self) -> io::Result<()> {
        put(&mut self.buf, "]}\n");
        self.w.write_all(self.buf.as_bytes())
    }
}

/// An object being written: `{"k": v, …}` one field at a time.
pub struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Obj<'a> {
    pub fn open(out: &'a mut String) -> Obj<'a> {
        put_b(out, b'{');
        Obj { out, first: true }
    }

    /// The key of the next field; the value is appended to what it returns.
    pub fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            put(self.out, ", ");
        }
        self.first = false;
        push_s(self.out, k);
        put(self.out, ": ");
        self.out
    }

    pub fn str(&mut self, k: &str, v: &str) {
        push_s(self.key(k), v);
    }

    pub fn num(&mut self, k: &str, v: impl Num) {
        num(self.key(k), v);
    }

    pub fn raw(&mut self, k: &str, v: &str) {
        put(self.key(k), v);
    }

    pub fn close(self) {
        put_b(self.out, b'}');
    }
}

/// `{"k": body}`.
fn wrap(out: &mut String, k: &str, body: impl FnOnce(&mut String)) {
    put_b(out, b'{');
    push_s(out, k);
    put(out, ": ");
    body(out);
    put_b(out, b'}');
}

/// `[a, b, …]`, each item written by `f`.
fn arr<T>(out: &mut String, items: impl IntoIterator<Item = T>, mut f: impl FnMut(&mut String, T)) {
    put_b(out, b'[');
    for (i, x) in items.into_iter().enumerate() {
        if i > 0 {
            put(out, ", ");
        }
        f(out, x);
    }
    put_b(out, b']');
}

/// One or several flags: a string, or an array of them; nothing for none.
fn flags(f: &mut Obj<'_>, k: &str, names: &[&str]) {
    match names {
        [] => {}
        [one] => f.str(k, one),
        _ => arr(f.key(k), names, |o, n| push_s(o, n)),
    }
}

fn vo(o: &Opts) -> ValueOpts {
    ValueOpts { numeric: o.numeric }
}

/// An expression, appended to `out`.
pub fn expr(out: &mut String, e: &Expr, o: &Opts) {
    match &e.kind {
        ExprKind::Value(v) => match value::json(v, vo(o)) {
            Json::Num(n) => num(out, n),
            Json::Str(x) => push_s(out, &x),
            Json::Raw(r) => put(out, &r),
        },
        ExprKind::Literal(l) => match l {
            crate::ast::Literal::Ident(x) | crate::ast::Literal::Str(x) => push_s(out, x),
            crate::ast::Literal::Number(n) => num(out, n),
            crate::ast::Literal::Ipv4(a) => push_s(out, &a.to_string()),
            crate::ast::Literal::Ipv6(a) => push_s(out, &a.to_string()),
        },
        ExprKind::Verdict(v) => verdict(out, v),
        ExprKind::Prefix(a, len) => wrap(out, "prefix", |out| {
            let mut f = Obj::open(out);
            expr(f.key("addr"), a, o);
            f.num("len", len);
            f.close();
        }),
        ExprKind::Range(a, b) => {
            // Ranges print protocols as numbers.
            let n = Opts {
                numeric: true,
                ..o.clone()
            };
            wrap(out, "range", |out| {
                arr(out, [a, b], |out, x| expr(out, x, &n))
            })
        }
        ExprKind::Concat(items) => wrap(out, "concat", |out| {
            arr(out, items, |out, x| expr(out, x, o))
        }),
        ExprKind::Set(elems) => wrap(out, "set", |out| arr(out, elems, |out, x| elem(out, x, o))),
        ExprKind::SetRef(n) => push_setref(out, n),
        ExprKind::Map { key, map } => wrap(out, "map", |out| {
            let mut f = Obj::open(out);
            expr(f.key("key"), key, o);
            expr(f.key("data"), map, o);
            f.close();
        }),
        ExprKind::Payload(p) => wrap(out, "payload", |out| {
            let mut f = Obj::open(out);
            f.str("protocol", p.proto.name());
            f.str("field", p.name);
            f.close();
        }),
        ExprKind::RawPayload { base, offset, len } => {
            let b = names::base(base);
            wrap(out, "payload", |out| {
                let mut f = Obj::open(out);
                f.str("base", b);
                f.num("offset", offset);
                f.num("len", len);
                f.close();
            })
        }
        ExprKind::Meta(m) => wrap(out, "meta", |out| {
            let mut f = Obj::open(out);
            f.str("key", m.name);
            f.close();
        }),
        ExprKind::Ct { key, dir } => wrap(out, "ct", |out| {
            let mut f = Obj::open(out);
            f.str("key", key.name);
            if let Some(d) = dir {
                let d = names::ct_dir(d);
                f.str("dir", d);
            }
            f.close();
        }),
        ExprKind::Fib { flags: fl, result } => {
            let r = names::fib_result(result);
            wrap(out, "fib", |out| {
                let mut f = Obj::open(out);
                f.str("result", r);
                flags(&mut f, "flags", &bit_names(fl.0, names::FIB_FLAGS));
                f.close();
            })
        }
        ExprKind::Numgen {
            mode,
            modulus,
            offset,
        } => {
            let m = names::numgen_mode(mode);
            wrap(out, "numgen", |out| {
                let mut f = Obj::open(out);
                f.str("mode", m);
                f.num("mod", modulus);
                f.num("offset", offset);
                f.close();
            })
        }
        ExprKind::Binop(op, a, b) => {
            let sym = names::binop(op);
            wrap(out, sym, |out| arr(out, [a, b], |out, x| expr(out, x, o)))
        }
        ExprKind::List(items) => arr(out, items, |out, x| expr(out, x, o)),
    }
}

pub fn verdict(out: &mut String, v: &Verdict) {
    wrap(out, names::verdict(v), |out| match v {
        Verdict::Jump(target) | Verdict::Goto(target) => {
            let mut f = Obj::open(out);
            f.str("target", target);
            f.close();
        }
        _ => put(out, "null"),
    })
}

/// A set element: the bare key, `{"elem": {...}}` when it carries more, and
/// `[key, data]` in maps.
pub fn elem(out: &mut String, e: &Elem, o: &Opts) {
    let expires = e.expires.filter(|_| !o.stateless);
    let extra = e.timeout.is_some()
        || expires.is_some()
        || e.comment.is_some()
        || e.stmts
            .iter()
            .any(|st| matches!(st.kind, StmtKind::Counter { .. } | StmtKind::Limit { .. }));
    let key = |out: &mut String| {
        if !extra {
            return expr(out, &e.key, o);
        }
        wrap(out, "elem", |out| {
            let mut f = Obj::open(out);
            expr(f.key("val"), &e.key, o);
            if let Some(t) = e.timeout {
                f.num("timeout", t / 1000);
            }
            if let Some(t) = expires {
                f.num("expires", t / 1000);
            }
            if let Some(c) = &e.comment {
                f.str("comment", c);
            }
            for st in &e.stmts {
                match &st.kind {
                    StmtKind::Counter { packets, bytes } => {
                        let mut c = Obj::open(f.key("counter"));
                        c.num("packets", packets);
                        c.num("bytes", bytes);
                        c.close();
                    }
                    StmtKind::Limit { .. } => limit_body(f.key("limit"), &st.kind),
                    _ => {}
                }
            }
            f.close();
        })
    };
    match &e.data {
        Some(d) => {
            put_b(out, b'[');
            key(out);
            put(out, ", ");
            expr(out, d, o);
            put_b(out, b']');
        }
        None => key(out),
    }
}

/// The object inside `{"limit": …}`.
fn limit_body(out: &mut String, k: &StmtKind) {
    let StmtKind::Limit {
        rate,
        unit_secs,
        burst,
        bytes,
        over,
    } = k
    else {
        return put(out, "null");
    };
    let per = names::per(*unit_secs);
    let mut f = Obj::open(out);
    f.num("rate", rate);
    f.num("burst", burst);
    f.str("per", per);
    if *bytes {
        f.str("rate_unit", "bytes");
        f.str("burst_unit", "bytes");
    }
    if *over {
        f.raw("inv", "true");
    }
    f.close();
}

/// `{"mangle": {"key": …, "value": …}}`.
fn mangle(out: &mut String, key: &Expr, value: &Expr, o: &Opts) {
    wrap(out, "mangle", |out| {
        let mut f = Obj::open(out);
        expr(f.key("key"), key, o);
        expr(f.key("value"), value, o);
        f.close();
    })
}

/// A statement, appended to `out`.
pub fn stmt(out: &mut String, st: &Stmt, family: u8, o: &Opts) {
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
            wrap(out, "match", |out| {
                let mut f = Obj::open(out);
                f.str("op", op);
                expr(f.key("left"), left, o);
                expr(f.key("right"), right, o);
                f.close();
            })
        }
        StmtKind::Verdict(e) => match &e.kind {
            ExprKind::Map { key, map } => wrap(out, "vmap", |out| {
                let mut f = Obj::open(out);
                expr(f.key("key"), key, o);
                expr(f.key("data"), map, o);
                f.close();
            }),
            _ => expr(out, e, o),
        },
        StmtKind::Counter { packets, bytes } => {
            if o.stateless {
                put(out, "{\"counter\": null}");
            } else {
                wrap(out, "counter", |out| {
                    let mut f = Obj::open(out);
                    f.num("packets", packets);
                    f.num("bytes", bytes);
                    f.close();
                })
            }
        }
        StmtKind::ObjRef { kind, name } => {
            let k = names::objref(*kind);
            wrap(out, k, |out| expr(out, name, o))
        }
        StmtKind::MetaSet { key, value } => {
            let k = Expr::new(ExprKind::Meta(key), st.span);
            mangle(out, &k, value, o)
        }
        StmtKind::CtSet { key, dir, value } => {
            let k = Expr::new(ExprKind::Ct { key, dir: *dir }, st.span);
            mangle(out, &k, value, o)
        }
        StmtKind::Nat(n) => {
            let name = names::nat(&n.kind);
            let nat_flags = bit_names(n.flags.0, names::NAT_FLAGS);
            if n.family.is_none() && n.addr.is_none() && n.port.is_none() && nat_flags.is_empty() {
                return wrap(out, name, |out| put(out, "null"));
            }
            wrap(out, name, |out| {
                let mut f = Obj::open(out);
                if let Some(fam) = n.family {
                    f.str("family", fam.name());
                }
                if let Some(a) = &n.addr {
                    expr(f.key("addr"), a, o);
                }
                if let Some(p) = &n.port {
                    expr(f.key("port"), p, o);
                }
                flags(&mut f, "flags", &nat_flags);
                f.close();
            })
        }
        StmtKind::Reject { kind, code } => {
            let ty = match (kind, family) {
                (RejectKind::TcpReset, _) => {
                    return put(out, "{\"reject\": {\"type\": \"tcp reset\"}}")
                }
                (RejectKind::Default, 1) | (RejectKind::Default, 7) | (RejectKind::Default, 5) => {
                    "icmpx"
                }
                (RejectKind::Default, 10) => "icmpv6",
                (RejectKind::Default, _) => "icmp",
                (RejectKind::Icmp, _) => "icmp",
                (RejectKind::Icmpv6, _) => "icmpv6",
                (RejectKind::Icmpx, _) => "icmpx",
            };
            wrap(out, "reject", |out| {
                let mut f = Obj::open(out);
                f.str("type", ty);
                let x = f.key("expr");
                if matches!(kind, RejectKind::Default) {
                    push_s(x, "port-unreachable");
                } else if let Some(c) = code {
                    expr(x, c, o);
                }
                f.close();
            })
        }
        StmtKind::Set {
            op,
            set,
            key,
            timeout,
            stmts,
            ..
        } => {
            let verb = names::set_op(op);
            wrap(out, "set", |out| {
                let mut f = Obj::open(out);
                f.str("op", verb);
                let k = f.key("elem");
                match timeout {
                    Some(t) => wrap(k, "elem", |out| {
                        let mut e = Obj::open(out);
                        expr(e.key("val"), key, o);
                        e.num("timeout", t / 1000);
                        e.close();
                    }),
                    None => expr(k, key, o),
                }
                push_setref(f.key("set"), set);
                if !stmts.is_empty() {
                    let decl = Opts {
                        stateless: true,
                        ..o.clone()
                    };
                    arr(f.key("stmt"), stmts, |out, x| stmt(out, x, family, &decl));
                }
                f.close();
            })
        }
        StmtKind::Log(l) => {
            if l.prefix.is_none() && l.group.is_none() {
                return put(out, "{\"log\": null}");
            }
            wrap(out, "log", |out| {
                let mut f = Obj::open(out);
                if let Some(p) = &l.prefix {
                    f.str("prefix", p);
                }
                if let Some(g) = l.group {
                    f.num("group", g);
                }
                f.close();
            })
        }
        StmtKind::Limit { .. } => wrap(out, "limit", |out| limit_body(out, &st.kind)),
        StmtKind::Notrack => put(out, "{\"notrack\": null}"),
    }
}

pub fn table(out: &mut String, t: &crate::ast::Table, o: &Opts) {
    let mut f = Obj::open(out);
    f.str("family", t.family.map(|f| f.name()).unwrap_or("ip"));
    f.str("name", &t.name);
    f.num("handle", t.handle.unwrap_or(0));
    if let Some(c) = &t.comment {
        f.str("comment", c);
    }
    flags(&mut f, "flags", &bit_names(t.flags, names::TABLE_FLAGS));
    let _ = o;
    f.close();
}

pub fn chain(out: &mut String, c: &Chain, family: &str, table: &str) {
    let mut f = Obj::open(out);
    f.str("family", family);
    f.str("table", table);
    f.str("name", &c.name);
    f.num("handle", c.handle.unwrap_or(0));
    if let Some(cm) = &c.comment {
        f.str("comment", cm);
    }
    if let Some(b) = &c.base {
        // 1.1.x puts the device(s) before the type.
        match b.devices.as_slice() {
            [] => {}
            [d] => f.str("dev", d),
            ds => arr(f.key("dev"), ds, |out, d| push_s(out, d)),
        }
        f.str("type", &b.kind);
        f.str("hook", &b.hook);
        let prio = match &b.prio {
            crate::ast::Prio::Num(n) => *n,
            crate::ast::Prio::Named(_, n) => *n,
        };
        f.num("prio", prio);
        f.str(
            "policy",
            if b.policy == Some(0) {
                "drop"
            } else {
                "accept"
            },
        );
    }
    f.close();
}

fn key_json(out: &mut String, k: &SetKey) {
    let d = Opts::default();
    match k {
        SetKey::Types(t) if t.len() == 1 => push_s(out, t[0].name()),
        SetKey::Types(t) => arr(out, t, |out, d| push_s(out, d.name())),
        // A typeof map's data and an object map's data print as type names.
        SetKey::Typeof(e) if matches!(e.as_slice(), [x] if matches!(x.kind, ExprKind::Literal(_))) => {
            expr(out, &e[0], &d)
        }
        SetKey::Typeof(e) => wrap(out, "typeof", |out| {
            if e.len() == 1 {
                expr(out, &e[0], &d)
            } else {
                wrap(out, "concat", |out| arr(out, e, |out, x| expr(out, x, &d)))
            }
        }),
    }
}

/// A map's data type: 1.1.x names the type even for `typeof` maps.
fn data_json(out: &mut String, k: &SetKey) {
    let SetKey::Typeof(exprs) = k else {
        return key_json(out, k);
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
        Some(n) if n.len() == 1 => push_s(out, n[0]),
        Some(n) => arr(out, n, push_s),
        None => key_json(out, k),
    }
}

/// A set or map, appended to `out`.
pub fn set_into(out: &mut String, st: &Set, family: &str, table: &str, o: &Opts) {
    let mut f = Obj::open(out);
    f.str("family", family);
    f.str("name", &st.name);
    f.str("table", table);
    key_json(f.key("type"), &st.key);
    f.num("handle", st.handle.unwrap_or(0));
    if let Some(c) = &st.comment {
        f.str("comment", c);
    }
    if let Some(d) = &st.data {
        data_json(f.key("map"), d);
    }
    if matches!(st.policy, Some(crate::ast::SetPolicy::Memory)) {
        f.str("policy", "memory");
    }
    if let Some(sz) = st
        .size
        .filter(|_| !st.flags.has(crate::ast::SetFlags::CONSTANT))
    {
        f.num("size", sz);
    }
    let names = bit_names(
        st.flags.0,
        &[
            (0x2, "constant"),
            (0x4, "interval"),
            (0x10, "timeout"),
            (0x20, "dynamic"),
        ],
    );
    flags(&mut f, "flags", &names);
    if let Some(t) = st.timeout {
        f.num("timeout", t / 1000);
    }
    if let Some(g) = st.gc_interval {
        f.num("gc-interval", g / 1000);
    }
    if st.auto_merge {
        f.raw("auto-merge", "true");
    }
    if !st.elems.is_empty() && !o.terse {
        arr(f.key("elem"), &st.elems, |out, e| elem(out, e, o));
    }
    if !st.stmts.is_empty() {
        let decl = Opts {
            stateless: true,
            ..o.clone()
        };
        arr(f.key("stmt"), &st.stmts, |out, x| stmt(out, x, 0, &decl));
    }
    f.close();
}

/// [`set_into`] as a string of its own.
pub fn set(st: &Set, family: &str, table: &str, o: &Opts) -> String {
    let mut out = String::new();
    set_into(&mut out, st, family, table, o);
    out
}

/// A rule, appended to `out`.
pub fn rule_into(out: &mut String, r: &Rule, family: u8, o: &Opts) {
    let (fam, table, chain) = match &r.chain {
        Some(c) => (
            c.table.family.name(),
            c.table.name.as_str(),
            c.name.as_str(),
        ),
        None => ("ip", "", ""),
    };
    let mut f = Obj::open(out);
    f.str("family", fam);
    f.str("table", table);
    f.str("chain", chain);
    f.num("handle", r.handle.unwrap_or(0));
    if let Some(c) = &r.comment {
        f.str("comment", c);
    }
    arr(f.key("expr"), &r.stmts, |out, x| stmt(out, x, family, o));
    f.close();
}

/// [`rule_into`] as a string of its own.
pub fn rule(r: &Rule, family: u8, o: &Opts) -> String {
    let mut out = String::new();
    rule_into(&mut out, r, family, o);
    out
}
