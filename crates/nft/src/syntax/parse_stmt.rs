// SPDX-License-Identifier: Apache-2.0
//! Statements: verdicts, counter, log, limit, reject, nat, notrack, set updates, meta/ct set,
//! and matches (`lhs [op] rhs`, `lhs vmap …`).

use super::lexer::Tok;
use super::parser::{PResult, Parser};
use crate::ast::*;

impl<'a> Parser<'a> {
    pub(crate) fn stmt(&mut self) -> PResult<Stmt> {
        let start = self.span();
        let kind = self.stmt_kind()?;
        Ok(Stmt::new(kind, start.to(self.prev_span())))
    }

    fn stmt_kind(&mut self) -> PResult<StmtKind> {
        let start = self.span();
        if let Some(
            kw @ ("quota" | "dup" | "fwd" | "tproxy" | "synproxy" | "socket" | "osf" | "meter"
            | "exthdr" | "flow" | "xt"),
        ) = self.word()
        {
            return Err(self.error(
                start,
                format!("{kw} statements are not supported by kroot yet"),
            ));
        }
        match self.word() {
            Some("accept" | "drop" | "continue" | "return" | "jump" | "goto" | "queue") => {
                let (v, vspan) = self.verdict()?;
                let _ = start;
                return Ok(StmtKind::Verdict(Expr::new(ExprKind::Verdict(v), vspan)));
            }
            Some("counter") => {
                self.bump();
                return self.counter_stmt();
            }
            Some("notrack") => {
                self.bump();
                return Ok(StmtKind::Notrack);
            }
            Some("reject") => {
                self.bump();
                return self.reject_stmt();
            }
            Some(k @ ("snat" | "dnat" | "masquerade" | "redirect")) => {
                self.bump();
                let kind = match k {
                    "snat" => NatKind::Snat,
                    "dnat" => NatKind::Dnat,
                    "masquerade" => NatKind::Masquerade,
                    _ => NatKind::Redirect,
                };
                return self.nat_stmt(kind);
            }
            Some("log") => {
                self.bump();
                return self.log_stmt();
            }
            Some("limit") => {
                self.bump();
                return self.limit_stmt();
            }
            Some(op @ ("add" | "update" | "delete"))
                if matches!(self.tok_at(1), Tok::Punct("@")) =>
            {
                self.bump();
                self.bump();
                let (set, set_span) = self.ident()?;
                self.expect_punct("{")?;
                let key = self.expr()?;
                let mut timeout = None;
                let mut stmts = Vec::new();
                loop {
                    if self.eat_word("timeout") {
                        timeout = Some(self.time()?);
                    } else if self.is_word("counter") || self.is_word("limit") {
                        stmts.push(self.stmt()?);
                    } else {
                        break;
                    }
                }
                self.expect_punct("}")?;
                let op = match op {
                    "add" => SetOp::Add,
                    "update" => SetOp::Update,
                    _ => SetOp::Delete,
                };
                return Ok(StmtKind::Set {
                    op,
                    set,
                    set_span,
                    key,
                    timeout,
                    stmts,
                });
            }
            _ => {}
        }
        let lhs = self.expr()?;
        if self.is_word("set") {
            self.bump();
            let mut value = self.expr()?;
            if self.eat_word("map") {
                let map = self.map_rhs()?;
                let span = value.span.to(map.span);
                value = Expr::new(
                    ExprKind::Map {
                        key: Box::new(value),
                        map: Box::new(map),
                    },
                    span,
                );
            }
            return match lhs.kind {
                ExprKind::Meta(key) => Ok(StmtKind::MetaSet { key, value }),
                ExprKind::Ct { key, dir } => Ok(StmtKind::CtSet { key, dir, value }),
                _ => Err(self.error(lhs.span, "syntax error, unexpected set")),
            };
        }
        if self.is_word("vmap") {
            let vspan = self.bump().span;
            let map = self.map_rhs()?;
            let span = lhs.span.to(map.span);
            let _ = vspan;
            return Ok(StmtKind::Verdict(Expr::new(
                ExprKind::Map {
                    key: Box::new(lhs),
                    map: Box::new(map),
                },
                span,
            )));
        }
        let op = self.relop();
        let right = self.rhs_expr()?;
        Ok(StmtKind::Match {
            left: lhs,
            op,
            right,
        })
    }

    fn relop(&mut self) -> RelOp {
        let op = match self.tok() {
            Tok::Punct("==") => RelOp::Eq,
            Tok::Punct("!=") => RelOp::Neq,
            Tok::Punct("<") => RelOp::Lt,
            Tok::Punct(">") => RelOp::Gt,
            Tok::Punct("<=") => RelOp::Lte,
            Tok::Punct(">=") => RelOp::Gte,
            Tok::Word("eq") => RelOp::Eq,
            Tok::Word("ne") => RelOp::Neq,
            Tok::Word("lt") => RelOp::Lt,
            Tok::Word("gt") => RelOp::Gt,
            Tok::Word("le") => RelOp::Lte,
            Tok::Word("ge") => RelOp::Gte,
            _ => return RelOp::Implicit,
        };
        self.bump();
        op
    }

    /// A verdict word (`jump`/`goto` take a chain name).
    /// A verdict and its location (the chain name for jump/goto, as nftables records it).
    pub(crate) fn verdict(&mut self) -> PResult<(Verdict, Span)> {
        let w = self.word().unwrap_or("");
        let span = self.span();
        let v = match w {
            "accept" => Verdict::Accept,
            "drop" => Verdict::Drop,
            "continue" => Verdict::Continue,
            "return" => Verdict::Return,
            "queue" => Verdict::Queue,
            "jump" | "goto" => {
                self.bump();
                let (c, cspan) = self.ident()?;
                let v = if w == "jump" {
                    Verdict::Jump(c)
                } else {
                    Verdict::Goto(c)
                };
                return Ok((v, cspan));
            }
            _ => return Err(self.unexpected(&[])),
        };
        self.bump();
        Ok((v, span))
    }

    fn counter_stmt(&mut self) -> PResult<StmtKind> {
        if self.eat_word("name") {
            let name = self.primary_expr()?;
            return Ok(StmtKind::ObjRef { kind: 1, name });
        }
        let (mut packets, mut bytes) = (0, 0);
        if self.eat_word("packets") {
            packets = self.number()?.0;
            self.expect_word("bytes")?;
            bytes = self.number()?.0;
        }
        Ok(StmtKind::Counter { packets, bytes })
    }

    fn reject_stmt(&mut self) -> PResult<StmtKind> {
        if !self.eat_word("with") {
            return Ok(StmtKind::Reject {
                kind: RejectKind::Default,
                code: None,
            });
        }
        let kind = match self.word() {
            Some("icmp") => RejectKind::Icmp,
            Some("icmpv6") => RejectKind::Icmpv6,
            Some("icmpx") => RejectKind::Icmpx,
            Some("tcp") => {
                self.bump();
                self.expect_word("reset")?;
                return Ok(StmtKind::Reject {
                    kind: RejectKind::TcpReset,
                    code: None,
                });
            }
            _ => return Err(self.unexpected(&[])),
        };
        self.bump();
        self.eat_word("type");
        let code = self.primary_expr()?;
        Ok(StmtKind::Reject {
            kind,
            code: Some(code),
        })
    }

    fn nat_stmt(&mut self, kind: NatKind) -> PResult<StmtKind> {
        let mut nat = NatStmt {
            kind,
            family: None,
            addr: None,
            port: None,
            flags: NatFlags::default(),
        };
        if matches!(kind, NatKind::Snat | NatKind::Dnat) {
            if let Some(f @ (Family::Ip | Family::Ip6)) = self.word().and_then(Family::from_name) {
                if self.word_at(1) == Some("to") {
                    self.bump();
                    nat.family = Some(f);
                }
            }
        }
        if self.eat_word("to") {
            if self.eat_punct(":") || matches!(kind, NatKind::Redirect) {
                nat.port = Some(self.nat_value()?);
            } else {
                let bracket = self.eat_punct("[");
                nat.addr = Some(self.nat_value()?);
                if bracket {
                    self.expect_punct("]")?;
                }
                if self.eat_punct(":") {
                    nat.port = Some(self.nat_value()?);
                }
            }
        }
        loop {
            let f = match self.word() {
                Some("random") => NatFlags::PROTO_RANDOM,
                Some("fully-random") => NatFlags::PROTO_RANDOM_FULLY,
                Some("persistent") => NatFlags::PERSISTENT,
                _ => break,
            };
            self.bump();
            nat.flags.0 |= f;
            if !self.eat_punct(",") {
                break;
            }
        }
        Ok(StmtKind::Nat(nat))
    }

    /// A nat address or port: a value, a range, or `expr map { … }`.
    fn nat_value(&mut self) -> PResult<Expr> {
        let e = self.basic_expr()?;
        if self.is_word("map") {
            self.bump();
            let map = self.map_rhs()?;
            let span = e.span.to(map.span);
            return Ok(Expr::new(
                ExprKind::Map {
                    key: Box::new(e),
                    map: Box::new(map),
                },
                span,
            ));
        }
        Ok(e)
    }

    fn log_stmt(&mut self) -> PResult<StmtKind> {
        let mut log = LogStmt::default();
        loop {
            match self.word() {
                Some("prefix") => {
                    self.bump();
                    log.prefix = Some(self.string()?.0);
                }
                Some("level") => {
                    self.bump();
                    let (l, span) = self.string()?;
                    let lv = [
                        "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit",
                    ]
                    .iter()
                    .position(|x| *x == l)
                    .ok_or_else(|| self.error(span, format!("invalid log level {l}")))?;
                    log.level = Some(lv as u32);
                }
                Some("group") => {
                    self.bump();
                    log.group = Some(self.number()?.0 as u16);
                }
                Some("snaplen") => {
                    self.bump();
                    log.snaplen = Some(self.number()?.0 as u32);
                }
                Some("queue-threshold") => {
                    self.bump();
                    log.queue_threshold = Some(self.number()?.0 as u16);
                }
                _ => return Ok(StmtKind::Log(log)),
            }
        }
    }

    fn limit_stmt(&mut self) -> PResult<StmtKind> {
        self.expect_word("rate")?;
        let over = self.eat_word("over");
        let (rate, _) = self.number()?;
        // `kbytes/second` lexes as one word (a string may contain '/').
        let (unit_word, per_word) = match self.word() {
            Some(w) if w.contains('/') => {
                let (a, b) = w.split_once('/').unwrap_or((w, ""));
                (Some(a.to_string()), Some(b.to_string()))
            }
            Some(w) if w.ends_with("bytes") => (Some(w.to_string()), None),
            _ => (None, None),
        };
        let bytes = unit_word.as_deref().is_some_and(|w| w.ends_with("bytes"));
        let rate = match unit_word.as_deref() {
            Some("kbytes") => rate.saturating_mul(1 << 10),
            Some("mbytes") => rate.saturating_mul(1 << 20),
            Some("gbytes") => rate.saturating_mul(1 << 30),
            _ => rate,
        };
        if unit_word.is_some() {
            self.bump();
        }
        let per = match per_word {
            Some(p) => p,
            // Byte rates are one word (`kbytes/second`).
            None if bytes => return Err(self.unexpected(&[])),
            None => {
                self.expect_punct("/")?;
                let w = self.word().unwrap_or("").to_string();
                self.bump();
                w
            }
        };
        let unit_secs = match per.as_str() {
            "second" => 1,
            "minute" => 60,
            "hour" => 3600,
            "day" => 86400,
            "week" => 604800,
            _ => return Err(self.error(self.prev_span(), "syntax error, unexpected string")),
        };
        let mut burst = if bytes { 0 } else { 5 };
        if self.eat_word("burst") {
            burst = self.number()?.0 as u32;
            // The burst unit must match the rate's.
            match (self.word(), bytes) {
                (Some("packets"), false) => {
                    self.bump();
                }
                (Some("bytes" | "kbytes" | "mbytes"), true) => {
                    let m = match self.word() {
                        Some("kbytes") => 1 << 10,
                        Some("mbytes") => 1 << 20,
                        _ => 1,
                    };
                    self.bump();
                    burst = burst.saturating_mul(m);
                }
                (Some("packets" | "bytes" | "kbytes" | "mbytes"), _) => {
                    return Err(self.unexpected(&[]));
                }
                _ => {}
            }
        }
        Ok(StmtKind::Limit {
            rate,
            unit_secs,
            burst,
            bytes,
            over,
        })
    }
}
