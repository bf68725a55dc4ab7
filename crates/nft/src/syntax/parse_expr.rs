// SPDX-License-Identifier: Apache-2.0
//! Expressions: selectors (payload, meta, ct, fib, numgen), values, prefixes, ranges,
//! concatenations, binary operations, anonymous sets/maps and their elements.

use super::lexer::Tok;
use super::parser::{PResult, Parser};
use crate::ast::*;

/// meta.c's list of keys in key order, for the unknown-key error.
const META_KEY_NAMES: &str = "length, protocol, priority, mark, iif, oif, iifname, oifname, \
iiftype, oiftype, skuid, skgid, nftrace, rtclassid, secmark, nfproto, l4proto, ibrname, obrname, \
pkttype, cpu, iifgroup, oifgroup, cgroup, random, ipsec, iifkind, oifkind, ibrpvid, ibrvproto, \
time, day, hour, sdif, sdifname, broute";

/// Protocol names that are keyword tokens (a following string cannot be their field).
fn is_keyword_proto(w: &str) -> bool {
    super::keywords::is_keyword(w) || matches!(w, "udplite")
}

/// Meta keys that may be written without `meta` (bison `meta_key_unqualified`).
const BARE_META: &[&str] = &[
    "mark",
    "iif",
    "iifname",
    "iiftype",
    "oif",
    "oifname",
    "oiftype",
    "skuid",
    "skgid",
    "nftrace",
    "rtclassid",
    "ibrname",
    "obrname",
    "pkttype",
    "cpu",
    "iifgroup",
    "oifgroup",
    "cgroup",
];

impl<'a> Parser<'a> {
    /// `basic ( . basic )*`
    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        let first = self.basic_expr()?;
        if !self.is_punct(".") {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.eat_punct(".") {
            parts.push(self.basic_expr()?);
        }
        let span = parts[0].span.to(parts[parts.len() - 1].span);
        Ok(Expr::new(ExprKind::Concat(parts), span))
    }

    /// A right-hand side: a set, a set reference, or values (`a,b,c` is a flag list).
    pub(crate) fn rhs_expr(&mut self) -> PResult<Expr> {
        self.expand_variable()?;
        if self.is_punct("{") || self.is_punct("@") {
            return self.primary_expr();
        }
        let first = self.expr()?;
        if !self.is_punct(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_punct(",") {
            items.push(self.expr()?);
        }
        let span = items[0].span.to(items[items.len() - 1].span);
        Ok(Expr::new(ExprKind::List(items), span))
    }

    /// After `vmap`/`map`: `{ k : v, … }` or `@name`.
    pub(crate) fn map_rhs(&mut self) -> PResult<Expr> {
        if self.is_punct("{") || self.is_punct("@") {
            return self.primary_expr();
        }
        Err(self.unexpected(&["'{'", "@"]))
    }

    /// A primary with binary operators, then an optional `/len` or `- high`.
    pub(crate) fn basic_expr(&mut self) -> PResult<Expr> {
        let mut e = self.primary_expr()?;
        loop {
            let op = match self.tok() {
                Tok::Word("and") | Tok::Punct("&") => BinOp::And,
                Tok::Word("or") | Tok::Punct("|") => BinOp::Or,
                Tok::Word("xor") | Tok::Punct("^") => BinOp::Xor,
                Tok::Word("lshift") | Tok::Punct("<<") => BinOp::Lshift,
                Tok::Word("rshift") | Tok::Punct(">>") => BinOp::Rshift,
                _ => break,
            };
            self.bump();
            let r = self.primary_expr()?;
            let span = e.span.to(r.span);
            e = Expr::new(ExprKind::Binop(op, Box::new(e), Box::new(r)), span);
        }
        if self.is_punct("/") {
            self.bump();
            let (n, nspan) = self.number()?;
            let span = e.span.to(nspan);
            let len = u8::try_from(n).unwrap_or(u8::MAX);
            return Ok(Expr::new(ExprKind::Prefix(Box::new(e), len), span));
        }
        if self.is_punct("-") {
            self.bump();
            let hi = self.primary_expr()?;
            let span = e.span.to(hi.span);
            return Ok(Expr::new(ExprKind::Range(Box::new(e), Box::new(hi)), span));
        }
        Ok(e)
    }

    pub(crate) fn primary_expr(&mut self) -> PResult<Expr> {
        self.expand_variable()?;
        let start = self.span();
        let kind = match *self.tok() {
            Tok::Number(n) => {
                self.bump();
                ExprKind::Literal(Literal::Number(n))
            }
            Tok::Ipv4(a) => {
                self.bump();
                ExprKind::Literal(Literal::Ipv4(a))
            }
            Tok::Ipv6(a) => {
                self.bump();
                ExprKind::Literal(Literal::Ipv6(a))
            }
            Tok::Quoted(s) => {
                self.bump();
                ExprKind::Literal(Literal::Str(nfnl::attr::own_str(s)))
            }
            Tok::Punct("@") => {
                self.bump();
                // Raw payload: `@ll|nh|th|ih,OFFSET,LEN` (bits).
                let base = match self.word() {
                    Some("ll") => Some(Base::Link),
                    Some("nh") => Some(Base::Network),
                    Some("th") => Some(Base::Transport),
                    Some("ih") => Some(Base::Inner),
                    _ => None,
                };
                if let (Some(base), Tok::Punct(",")) = (base, self.tok_at(1)) {
                    self.bump();
                    self.bump();
                    let (offset, _) = self.number()?;
                    self.expect_punct(",")?;
                    let (len, lspan) = self.number()?;
                    if len == 0 || len > 128 || offset > u32::MAX as u64 {
                        return Err(self.error(lspan, "raw payload length must be 1 to 128 bits"));
                    }
                    ExprKind::RawPayload {
                        base,
                        offset: offset as u32,
                        len: len as u32,
                    }
                } else {
                    let (name, _) = self.ident()?;
                    ExprKind::SetRef(name)
                }
            }
            Tok::Punct("{") => ExprKind::Set(self.elem_block()?),
            Tok::Punct("(") => {
                self.bump();
                let e = self.expr()?;
                self.expect_punct(")")?;
                return Ok(e);
            }
            Tok::Punct("[") => {
                self.bump();
                let e = self.primary_expr()?;
                self.expect_punct("]")?;
                return Ok(e);
            }
            Tok::Word(w) => self.word_expr(w)?,
            _ => return Err(self.unexpected(&[])),
        };
        Ok(Expr::new(kind, start.to(self.prev_span())))
    }

    fn word_expr(&mut self, w: &'a str) -> PResult<ExprKind> {
        if let Some(proto) = Proto::from_name(w) {
            // A protocol keyword followed by a plain string: a field name it does not have.
            if let Tok::Word(n) = self.tok_at(1) {
                let known = field(proto, n).is_some()
                    || self
                        .word_at(2)
                        .is_some_and(|b| field2(proto, n, b).is_some());
                if !known && !super::keywords::is_keyword(n) && is_keyword_proto(w) {
                    self.bump();
                    return Err(self.unexpected(&[]));
                }
            }
            // Two-word fields: `arp saddr ip`, `arp daddr ether`.
            if let (Some(a), Some(b)) = (self.word_at(1), self.word_at(2)) {
                if let Some(f) = field2(proto, a, b) {
                    self.bump();
                    self.bump();
                    self.bump();
                    return Ok(ExprKind::Payload(f));
                }
            }
            if let Some(f) = self.word_at(1).and_then(|n| field(proto, n)) {
                self.bump();
                self.bump();
                return Ok(ExprKind::Payload(f));
            }
        }
        match w {
            "meta" => {
                let meta_span = self.bump().span;
                let span = self.span();
                let name = self.word().unwrap_or("");
                let Some(k) = meta_key(name) else {
                    return Err(match self.word() {
                        // meta.c meta_key_parse: the whole `meta KEY` and every known key.
                        Some(w) => self.error(
                            meta_span.to(span),
                            format!(
                                "syntax error, unexpected {w}, known keys are {META_KEY_NAMES}"
                            ),
                        ),
                        None => self.unexpected(&[]),
                    });
                };
                self.bump();
                Ok(ExprKind::Meta(k))
            }
            _ if BARE_META.contains(&w) => {
                self.bump();
                meta_key(w)
                    .map(ExprKind::Meta)
                    .ok_or_else(|| self.unexpected(&[]))
            }
            "ct" => {
                self.bump();
                let dir = match self.word() {
                    Some("original") => Some(CtDir::Original),
                    Some("reply") => Some(CtDir::Reply),
                    _ => None,
                };
                if dir.is_some() {
                    self.bump();
                }
                let span = self.span();
                // `ct original ip saddr`: family-qualified address keys.
                if let (Some(f @ ("ip" | "ip6")), Some(a @ ("saddr" | "daddr"))) =
                    (self.word(), self.word_at(1))
                {
                    if let Some(key) = ct_key(&format!("{f} {a}")) {
                        self.bump();
                        self.bump();
                        return Ok(ExprKind::Ct { key, dir });
                    }
                }
                let name = self.word().unwrap_or("");
                let Some(key) = ct_key(name) else {
                    let _ = span;
                    return Err(self.unexpected(&[]));
                };
                self.bump();
                Ok(ExprKind::Ct { key, dir })
            }
            "fib" => {
                self.bump();
                let mut flags = 0;
                loop {
                    flags |= match self.word() {
                        Some("saddr") => FibFlags::SADDR,
                        Some("daddr") => FibFlags::DADDR,
                        Some("mark") => FibFlags::MARK,
                        Some("iif") => FibFlags::IIF,
                        Some("oif") => FibFlags::OIF,
                        _ => return Err(self.unexpected(&[])),
                    };
                    self.bump();
                    if !self.eat_punct(".") {
                        break;
                    }
                }
                let result = match self.word() {
                    Some("oif") => FibResult::Oif,
                    Some("oifname") => FibResult::OifName,
                    Some("type") => FibResult::AddrType,
                    _ => return Err(self.unexpected(&["type", "oif", "oifname"])),
                };
                self.bump();
                Ok(ExprKind::Fib {
                    flags: FibFlags(flags),
                    result,
                })
            }
            "numgen" => {
                self.bump();
                let mode = match self.word() {
                    Some("random") => NumgenMode::Random,
                    Some("inc") => NumgenMode::Inc,
                    _ => return Err(self.unexpected(&[])),
                };
                self.bump();
                self.expect_word("mod")?;
                let (m, _) = self.number()?;
                let mut offset = 0;
                if self.eat_word("offset") {
                    offset = self.number()?.0 as u32;
                }
                Ok(ExprKind::Numgen {
                    mode,
                    modulus: m.min(u32::MAX as u64) as u32,
                    offset,
                })
            }
            _ => {
                self.bump();
                Ok(ExprKind::Literal(Literal::Ident(nfnl::attr::own_str(w))))
            }
        }
    }

    /// One element: `key [timeout T] [expires T] [counter …] [comment "c"] [: data]`.
    pub(crate) fn elem(&mut self, allow_data: bool) -> PResult<Elem> {
        let start = self.span();
        // `*`: the catch-all element of a map or set.
        let key = if self.is_punct("*") {
            let sp = self.bump().span;
            Expr::new(ExprKind::Literal(Literal::Ident("*".into())), sp)
        } else {
            self.expr()?
        };
        let mut e = Elem {
            key,
            data: None,
            timeout: None,
            expires: None,
            comment: None,
            stmts: Vec::new(),
            span: start,
        };
        loop {
            match self.word() {
                Some("timeout") => {
                    self.bump();
                    e.timeout = Some(self.time()?);
                }
                Some("expires") => {
                    self.bump();
                    e.expires = Some(self.time()?);
                }
                Some("comment") => {
                    self.bump();
                    e.comment = Some(self.string()?.0);
                }
                Some("counter") => e.stmts.push(self.stmt()?),
                _ => break,
            }
        }
        if allow_data && self.eat_punct(":") {
            e.data = Some(self.data_expr()?);
        }
        e.span = start.to(self.prev_span());
        Ok(e)
    }

    /// A map value: a verdict or an expression.
    fn data_expr(&mut self) -> PResult<Expr> {
        let start = self.span();
        if matches!(
            self.word(),
            Some("accept" | "drop" | "continue" | "return" | "jump" | "goto" | "queue")
        ) {
            let (v, vspan) = self.verdict()?;
            let _ = start;
            return Ok(Expr::new(ExprKind::Verdict(v), vspan));
        }
        self.expr()
    }
}
