// SPDX-License-Identifier: Apache-2.0
//! Evaluation tests: one `check(rule, expect)` that evaluates a rule in an `ip` table (with a
//! few sets declared) and renders the typed statements compactly: dependencies inserted
//! (`tcp dport` ⇒ `meta l4proto tcp`), symbols resolved through their datatypes, flag lists
//! folded, one-element sets unwrapped; and `check_err` for evaluation errors.

use nft::ast::*;
use nft::eval::{eval_cmd, Scope};
use nft::syntax::parse;

fn value(v: &Value) -> String {
    let hex: String = v.data.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}:{hex}", v.dtype.name())
}

fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Value(v) => value(v),
        ExprKind::Literal(l) => format!("literal {l:?}"),
        ExprKind::Verdict(v) => format!("{v:?}").to_lowercase(),
        ExprKind::Prefix(a, n) => format!("{}/{n}", expr(a)),
        ExprKind::Range(a, b) => format!("{}-{}", expr(a), expr(b)),
        ExprKind::Concat(p) => p.iter().map(expr).collect::<Vec<_>>().join(" . "),
        ExprKind::Set(el) => format!(
            "{{ {} }}",
            el.iter()
                .map(|e| match &e.data {
                    Some(d) => format!("{} : {}", expr(&e.key), expr(d)),
                    None => expr(&e.key),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ExprKind::SetRef(n) => format!("@{n}"),
        ExprKind::Map { key, map } => format!("{} map {}", expr(key), expr(map)),
        ExprKind::Payload(f) => format!("{} {}", f.proto.name(), f.name),
        ExprKind::RawPayload { base, offset, len } => format!("@{base:?},{offset},{len}"),
        ExprKind::Meta(k) => format!("meta {}", k.name),
        ExprKind::Ct { key, .. } => format!("ct {}", key.name),
        ExprKind::Fib { flags, result } => format!("fib {:#x} {result:?}", flags.0),
        ExprKind::Numgen { modulus, .. } => format!("numgen mod {modulus}"),
        ExprKind::Binop(op, a, b) => format!("({} {op:?} {})", expr(a), expr(b)),
        ExprKind::List(l) => l.iter().map(expr).collect::<Vec<_>>().join(","),
    }
}

fn stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Match { left, op, right } => format!("{} {op:?} {}", expr(left), expr(right)),
        StmtKind::Verdict(e) => format!("verdict {}", expr(e)),
        StmtKind::MetaSet { key, value } => format!("meta {} set {}", key.name, expr(value)),
        StmtKind::Nat(n) => format!(
            "{:?} {:?} {} {} flags {:#x}",
            n.kind,
            n.family,
            n.addr.as_ref().map(expr).unwrap_or_default(),
            n.port.as_ref().map(expr).unwrap_or_default(),
            n.flags.0
        ),
        other => format!("{other:?}"),
    }
}

const PRELUDE: &str = "add table ip t
add chain ip t c
add set ip t s { type ipv4_addr ; }
add map ip t m { type ipv4_addr . inet_proto . inet_service : verdict ; }
";

fn eval(rule: &str) -> Result<Vec<String>, String> {
    let text = format!("{PRELUDE}add rule ip t c {rule}\n");
    let p = parse(&text);
    if let Some(e) = p.errors.first() {
        return Err(e.msg.clone());
    }
    let mut scope = Scope::new();
    let mut last = None;
    for (mut cmd, _) in p.cmds {
        eval_cmd(&mut scope, &mut cmd).map_err(|e| e.msg)?;
        last = Some(cmd);
    }
    match last {
        Some(Cmd::Add(Object::Rule(r))) => Ok(r.stmts.iter().map(stmt).collect()),
        other => Err(format!("not a rule: {other:?}")),
    }
}

fn check(rule: &str, expect: &[&str]) {
    let got = eval(rule).unwrap_or_else(|e| panic!("{rule}: {e}"));
    assert_eq!(got, expect, "rule: {rule}");
}

fn check_err(rule: &str, expect: &str) {
    assert_eq!(eval(rule), Err(expect.to_string()), "rule: {rule}");
}

#[test]
fn dependencies() {
    check(
        "tcp dport 80 drop",
        &[
            "meta l4proto Implicit inet_proto:06",
            "tcp dport Implicit inet_service:0050",
            "verdict drop",
        ],
    );
    check(
        "meta l4proto tcp tcp dport 80 accept",
        &[
            "meta l4proto Implicit inet_proto:06",
            "tcp dport Implicit inet_service:0050",
            "verdict accept",
        ],
    );
    check(
        "th dport 53 accept",
        &["th dport Implicit inet_service:0035", "verdict accept"],
    );
    check_err(
        "udp dport 53 tcp dport 80 accept",
        "conflicting transport layer protocols specified: udp vs. tcp",
    );
}

#[test]
fn symbols_and_flags() {
    check(
        "ct state established,related accept",
        &["ct state Implicit ct_state:00000006", "verdict accept"],
    );
    check(
        "fib saddr type local jump c",
        &[
            "fib 0x1 AddrType Implicit fib_addrtype:00000002",
            "verdict jump(\"c\")",
        ],
    );
    check(
        "mark and 0x4000 == 0 return",
        &[
            "(meta mark And mark:00004000) Eq mark:00000000",
            "verdict return",
        ],
    );
    check(
        "mark set mark or 0x4000",
        &["meta mark set (meta mark Or mark:00004000)"],
    );
}

#[test]
fn sets_maps_nat() {
    check(
        "ip daddr { 172.30.0.0/16 } drop",
        &["ip daddr Implicit ipv4_addr:ac1e0000/16", "verdict drop"],
    );
    check(
        "ip saddr != { 10.0.0.0/8, 192.168.0.0/16 } drop",
        &[
            "ip saddr Neq { ipv4_addr:0a000000/8, ipv4_addr:c0a80000/16 }",
            "verdict drop",
        ],
    );
    check(
        "ip daddr . meta l4proto . th dport vmap @m",
        &["verdict ip daddr . meta l4proto . th dport map @m"],
    );
    check(
        "numgen random mod 2 vmap { 0 : goto c, 1 : goto c }",
        &["verdict numgen mod 2 map { integer:00000000 : goto(\"c\"), integer:00000001 : goto(\"c\") }"],
    );
    check(
        "meta l4proto tcp dnat to 10.64.0.1:8080",
        &[
            "meta l4proto Implicit inet_proto:06",
            "Dnat Some(Ip) ipv4_addr:0a400001 inet_service:1f90 flags 0x2",
        ],
    );
    check_err(
        "dnat to 10.64.0.1:8080",
        "transport protocol mapping is only valid after transport protocol match",
    );
    check_err("ip saddr @nosuch drop", "No such file or directory");
    check_err(
        "ip daddr vmap @m",
        "datatype mismatch, map expects a different key",
    );
    check_err(
        "ip daddr 1.2.3.4 drop accept",
        "Statement after terminal statement has no effect",
    );
}

#[test]
fn defines() {
    let text = "define ports = { 22, 80 }
define lan = 10.0.0.0/8
define target = c
add table ip t
add chain ip t c
add rule ip t c ip saddr $lan tcp dport $ports jump $target
";
    let out = nft::run::debug_netlink(text).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(out.contains("[ lookup reg 1 set __set%d ]"), "{out}");
    assert!(
        out.contains("[ payload load 1b @ network header + 12 => reg 1 ]"),
        "{out}"
    );
    assert!(out.contains("[ immediate reg 0 jump -> c ]"), "{out}");
    let err = nft::run::debug_netlink(
        "add table ip t\nadd chain ip t c\nadd rule ip t c ip saddr $nope drop\n",
    )
    .expect_err("undefined variable");
    assert_eq!(err[0].msg, "unknown identifier 'nope'");
    // A define naming itself does not loop forever.
    let e = nft::run::debug_netlink(
        "define a = $a\nadd table ip t\nadd chain ip t c\nadd rule ip t c ip saddr $a drop\n",
    );
    assert!(e.is_err());
}
