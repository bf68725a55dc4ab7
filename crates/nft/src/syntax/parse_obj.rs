// SPDX-License-Identifier: Apache-2.0
//! Object declarations: `table … { … }`, `chain … { type … hook … priority …; }`, set/map
//! blocks, counters, element lists, and time values (`3h`, `10800s`, `1d2h`).

use super::lexer::Tok;
use super::parser::{PResult, Parser};
use crate::ast::*;

impl<'a> Parser<'a> {
    /// `table_spec [{ table_block }]`
    pub(crate) fn table_decl(&mut self) -> PResult<Table> {
        let start = self.span();
        let id = self.table_spec()?;
        let mut t = Table {
            family: Some(id.family),
            name: id.name.clone(),
            span: id.span,
            ..Table::default()
        };
        if !self.eat_punct("{") {
            return Ok(t);
        }
        loop {
            self.skip_separators();
            let item = self.span();
            match self.word() {
                _ if self.eat_punct("}") => break,
                Some("comment") => {
                    self.bump();
                    t.comment = Some(self.string()?.0);
                }
                Some("flags") => {
                    self.bump();
                    loop {
                        let (f, span) = self.any_word()?;
                        t.flags |= match f.as_str() {
                            "dormant" => 1,
                            "owner" => 2,
                            "persist" => 4,
                            _ => return Err(self.error(span, format!("unknown table flags {f}"))),
                        };
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                }
                Some("chain") => {
                    self.bump();
                    let (name, name_span) = self.ident()?;
                    let mut c = Chain {
                        table: Some(id.clone()),
                        name,
                        name_span,
                        ..Chain::default()
                    };
                    self.expect_punct("{")?;
                    self.chain_block(&mut c)?;
                    c.span = item.to(self.prev_span());
                    t.chains.push(c);
                }
                Some(kw @ ("set" | "map")) => {
                    self.bump();
                    let (name, name_span) = self.ident()?;
                    let s = self.set_decl((id.clone(), name, name_span), kw == "map", item)?;
                    t.sets.push(s);
                }
                Some(kw @ ("counter" | "quota")) => {
                    self.bump();
                    let (name, name_span) = self.ident()?;
                    let o = self.obj_decl((id.clone(), name, name_span), kw, item)?;
                    t.objs.push(o);
                }
                _ => return Err(self.unexpected(&[])),
            }
            self.block_sep(&[])?;
        }
        t.span = start.to(self.prev_span());
        Ok(t)
    }

    /// `chain_spec [{ chain_block }]`
    pub(crate) fn chain_decl(&mut self) -> PResult<Chain> {
        let start = self.span();
        let id = self.chain_spec()?;
        let mut c = Chain {
            table: Some(id.table),
            name: id.name,
            name_span: id.span,
            ..Chain::default()
        };
        if self.eat_punct("{") {
            self.chain_block(&mut c)?;
        }
        c.span = start.to(self.prev_span());
        Ok(c)
    }

    /// The inside of `chain … { … }` after the `{`, up to and including the `}`.
    fn chain_block(&mut self, c: &mut Chain) -> PResult<()> {
        loop {
            self.skip_separators();
            if self.eat_punct("}") {
                return Ok(());
            }
            match self.word() {
                Some("type") if c.base.is_none() => {
                    self.bump();
                    let (kind, kind_span) = self.string()?;
                    self.expect_word("hook")?;
                    let (hook, hook_span) = self.string()?;
                    if !matches!(kind.as_str(), "filter" | "nat" | "route") {
                        return Err(self.error(kind_span, "unknown chain type"));
                    }
                    const HOOKS: &[&str] = &[
                        "prerouting",
                        "input",
                        "forward",
                        "output",
                        "postrouting",
                        "ingress",
                        "egress",
                    ];
                    if !HOOKS.contains(&hook.as_str()) {
                        return Err(self.error(hook_span, "unknown chain hook"));
                    }
                    let mut devices = Vec::new();
                    if self.eat_word("device") {
                        devices.push(self.string()?.0);
                    }
                    self.expect_word("priority")?;
                    let (prio, prio_span) = self.prio()?;
                    c.base = Some(BaseChain {
                        kind,
                        kind_span,
                        hook,
                        hook_span,
                        devices,
                        prio,
                        prio_span,
                        policy: None,
                        flags: 0,
                    });
                }
                Some("policy") => {
                    self.bump();
                    let span = self.span();
                    let p = match self.word() {
                        Some("accept") => 1,
                        Some("drop") => 0,
                        _ => return Err(self.unexpected(&["accept", "drop"])),
                    };
                    self.bump();
                    match c.base.as_mut() {
                        Some(b) => b.policy = Some(p),
                        None => {
                            return Err(self.error(span, "policy can only be set on base chains"))
                        }
                    }
                }
                Some("comment") => {
                    self.bump();
                    c.comment = Some(self.string()?.0);
                }
                Some("devices") => {
                    self.bump();
                    self.expect_punct("=")?;
                    let devs = self.device_list()?;
                    if let Some(b) = c.base.as_mut() {
                        b.devices = devs;
                    }
                }
                _ => {
                    let mut rule = Rule::default();
                    let start = self.span();
                    self.rule_body(&mut rule)?;
                    rule.span = start.to(self.prev_span());
                    c.rules.push(rule);
                }
            }
            self.block_sep(&[])?;
        }
    }

    fn device_list(&mut self) -> PResult<Vec<String>> {
        if !self.eat_punct("{") {
            return Ok(vec![self.string()?.0]);
        }
        let mut v = Vec::new();
        loop {
            self.skip_newlines();
            if self.eat_punct("}") {
                return Ok(v);
            }
            v.push(self.string()?.0);
            self.skip_newlines();
            if !self.eat_punct(",") {
                self.skip_newlines();
                self.expect_punct("}")?;
                return Ok(v);
            }
        }
    }

    /// `N`, `-N`, `NAME`, `NAME + N`, `NAME - N`.
    fn prio(&mut self) -> PResult<(Prio, Span)> {
        let start = self.span();
        let p = if self.eat_punct("-") {
            let (n, _) = self.number()?;
            Prio::Num(-(n.min(i32::MAX as u64) as i32))
        } else if let Tok::Number(n) = *self.tok() {
            self.bump();
            Prio::Num(n.min(i32::MAX as u64) as i32)
        } else {
            let (name, _) = self.string()?;
            let off = if self.eat_punct("+") {
                self.number()?.0 as i32
            } else if self.eat_punct("-") {
                -(self.number()?.0 as i32)
            } else {
                0
            };
            Prio::Named(name, off)
        };
        Ok((p, start.to(self.prev_span())))
    }

    /// `{ set_block }` / `{ map_block }` after `set|map spec`; required for add, optional in
    /// a table block.
    pub(crate) fn set_decl(
        &mut self,
        id: (TableId, String, Span),
        is_map: bool,
        start: Span,
    ) -> PResult<Set> {
        let mut s = Set {
            table: Some(id.0),
            name: id.1,
            name_span: id.2,
            handle: None,
            is_map,
            key: SetKey::Types(Vec::new()),
            key_span: Span::NONE,
            data: None,
            flags: SetFlags::default(),
            timeout: None,
            gc_interval: None,
            size: None,
            policy: None,
            auto_merge: false,
            comment: None,
            stmts: Vec::new(),
            elems: Vec::new(),
            span: start,
        };
        self.expect_punct("{")?;
        let mut have_key = false;
        loop {
            self.skip_separators();
            if self.eat_punct("}") {
                break;
            }
            let item = self.span();
            match self.word() {
                Some(kw @ ("type" | "typeof")) => {
                    self.bump();
                    let (key, data) = self.set_type(kw == "typeof", is_map)?;
                    s.key = key;
                    s.data = data;
                    s.key_span = item.to(self.prev_span());
                    have_key = true;
                    self.block_sep(&["."])?;
                    continue;
                }
                Some("flags") => {
                    self.bump();
                    loop {
                        let (f, span) = self.any_word()?;
                        s.flags.0 |= match f.as_str() {
                            "constant" => SetFlags::CONSTANT,
                            "interval" => SetFlags::INTERVAL,
                            "timeout" => SetFlags::TIMEOUT,
                            "dynamic" => SetFlags::EVAL,
                            _ => return Err(self.error(span, format!("unknown set flag {f}"))),
                        };
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                }
                Some("timeout") => {
                    self.bump();
                    s.timeout = Some(self.time()?);
                }
                Some("gc-interval") => {
                    self.bump();
                    s.gc_interval = Some(self.time()?);
                }
                Some("size") => {
                    self.bump();
                    s.size = Some(self.number()?.0.min(u32::MAX as u64) as u32);
                }
                Some("policy") => {
                    self.bump();
                    s.policy = Some(match self.word() {
                        Some("performance") => SetPolicy::Performance,
                        Some("memory") => SetPolicy::Memory,
                        _ => return Err(self.unexpected(&["performance", "memory"])),
                    });
                    self.bump();
                }
                Some("auto-merge") => {
                    self.bump();
                    s.auto_merge = true;
                }
                Some("comment") => {
                    self.bump();
                    s.comment = Some(self.string()?.0);
                }
                Some("elements") => {
                    self.bump();
                    self.expect_punct("=")?;
                    s.elems = self.elem_block()?;
                }
                Some("counter") => {
                    let st = self.stmt()?;
                    s.stmts.push(st);
                }
                _ => return Err(self.unexpected(&[])),
            }
            self.block_sep(&[])?;
        }
        if !have_key {
            return Err(self.error(
                start.to(self.prev_span()),
                "set definition does not specify key",
            ));
        }
        s.span = start.to(self.prev_span());
        Ok(s)
    }

    /// After `type`/`typeof`: the key, and for maps `: data`.
    fn set_type(&mut self, typeof_: bool, is_map: bool) -> PResult<(SetKey, Option<SetKey>)> {
        let key = self.type_list(typeof_)?;
        let data = if is_map {
            self.expect_punct(":")?;
            // `typeof … : verdict`-style mixes are allowed: data may be a type name.
            let data_is_type = self
                .word()
                .is_some_and(|w| Datatype::from_name(w).is_some());
            let data_typeof = typeof_ && !data_is_type;
            Some(self.type_list(data_typeof)?)
        } else {
            None
        };
        Ok((key, data))
    }

    fn type_list(&mut self, typeof_: bool) -> PResult<SetKey> {
        if typeof_ {
            let mut v = Vec::new();
            loop {
                v.push(self.primary_expr()?);
                if !self.eat_punct(".") {
                    break;
                }
            }
            return Ok(SetKey::Typeof(v));
        }
        let mut v = Vec::new();
        loop {
            // bison `type_identifier`: a string, or the keywords mark/dscp/ecn/classid.
            let (name, span) = self.any_word()?;
            let Some(t) = Datatype::from_name(&name) else {
                return Err(self.error(span, format!("unknown datatype {name}")));
            };
            v.push(t);
            if !self.eat_punct(".") {
                break;
            }
        }
        Ok(SetKey::Types(v))
    }

    /// `{ [packets N bytes M ;] [comment "…"] }` after `counter|quota spec`.
    pub(crate) fn obj_decl(
        &mut self,
        id: (TableId, String, Span),
        kind: &str,
        start: Span,
    ) -> PResult<Obj> {
        let mut o = Obj {
            table: Some(id.0),
            name: id.1,
            name_span: id.2,
            handle: None,
            body: if kind == "counter" {
                ObjBody::Counter {
                    packets: 0,
                    bytes: 0,
                }
            } else {
                ObjBody::Quota {
                    bytes: 0,
                    used: 0,
                    over: false,
                }
            },
            comment: None,
            span: start,
        };
        if self.eat_punct("{") {
            loop {
                self.skip_separators();
                if self.eat_punct("}") {
                    break;
                }
                match (self.word(), &mut o.body) {
                    (Some("comment"), _) => {
                        self.bump();
                        o.comment = Some(self.string()?.0);
                    }
                    (Some("packets"), ObjBody::Counter { packets, .. }) => {
                        self.bump();
                        *packets = self.number()?.0;
                    }
                    (Some("bytes"), ObjBody::Counter { bytes, .. }) => {
                        self.bump();
                        *bytes = self.number()?.0;
                    }
                    (Some("over"), ObjBody::Quota { over, .. }) => {
                        self.bump();
                        *over = true;
                    }
                    (_, ObjBody::Quota { bytes, .. }) if matches!(self.tok(), Tok::Number(_)) => {
                        *bytes = self.byte_amount()?;
                    }
                    _ => return Err(self.unexpected(&[])),
                }
                // `packets N bytes M` is one item.
                if !self.is_word("bytes") {
                    self.block_sep(&[])?;
                }
            }
        }
        o.span = start.to(self.prev_span());
        Ok(o)
    }

    /// `N [bytes|kbytes|mbytes|gbytes]`
    pub(crate) fn byte_amount(&mut self) -> PResult<u64> {
        let (n, _) = self.number()?;
        let mult = match self.word() {
            Some("bytes") => 1,
            Some("kbytes") => 1 << 10,
            Some("mbytes") => 1 << 20,
            Some("gbytes") => 1 << 30,
            _ => return Ok(n),
        };
        self.bump();
        Ok(n.saturating_mul(mult))
    }

    /// `{ elem, elem … }` with newlines allowed anywhere inside.
    pub(crate) fn elem_block(&mut self) -> PResult<Vec<Elem>> {
        if !self.is_punct("{") {
            return Err(self.unexpected(&["'{'", "'$'"]));
        }
        self.bump();
        let mut v = Vec::new();
        loop {
            self.skip_newlines();
            // At least one element (`{ }` is a syntax error); a trailing comma is fine.
            if !v.is_empty() && self.eat_punct("}") {
                return Ok(v);
            }
            v.push(self.elem(true)?);
            self.skip_newlines();
            if self.eat_punct(",") {
                continue;
            }
            self.skip_newlines();
            if !self.is_punct("}") {
                return Err(self.unexpected(&["comma", "'}'"]));
            }
        }
    }

    /// A time value in milliseconds: a number of seconds or `1d2h3m4s5ms`.
    pub(crate) fn time(&mut self) -> PResult<u64> {
        let span = self.span();
        match *self.tok() {
            Tok::Number(n) => {
                self.bump();
                Ok(n.saturating_mul(1000))
            }
            Tok::Word(w) => {
                self.bump();
                parse_time(w).ok_or_else(|| {
                    self.error(
                        span,
                        format!("Wrong time format, expecting ms, s, m, h or d: {w}"),
                    )
                })
            }
            _ => Err(self.unexpected(&["string"])),
        }
    }
}

/// `1d2h3m4s5ms` → milliseconds.
pub fn parse_time(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut total: u64 = 0;
    if b.is_empty() {
        return None;
    }
    while i < b.len() {
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if st == i {
            return None;
        }
        let n: u64 = s[st..i].parse().ok()?;
        let us = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let mult = match &s[us..i] {
            "d" => 86_400_000,
            "h" => 3_600_000,
            "m" => 60_000,
            "s" | "" => 1000,
            "ms" => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(mult)?)?;
    }
    Some(total)
}
