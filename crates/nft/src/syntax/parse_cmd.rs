// SPDX-License-Identifier: Apache-2.0
//! Commands that name existing objects: `delete|destroy`, `flush`, `reset`, `list`.

use super::lexer::Tok;
use super::parser::{PResult, Parser};
use crate::ast::*;

impl<'a> Parser<'a> {
    pub(crate) fn obj_kind(&mut self) -> PResult<ObjKind> {
        let k = match self.word() {
            Some("table") => ObjKind::Table,
            Some("chain") => ObjKind::Chain,
            Some("rule") => ObjKind::Rule,
            Some("set") => ObjKind::Set,
            Some("map") => ObjKind::Map,
            Some("element") => ObjKind::Element,
            Some("counter") => ObjKind::Counter,
            Some("quota") => ObjKind::Quota,
            _ => return Err(self.unexpected(&[])),
        };
        self.bump();
        Ok(k)
    }

    /// `delete|destroy KIND spec`: tables, chains and sets by name or `handle N`, rules by handle,
    /// elements with their list.
    pub(crate) fn obj_ref(&mut self, _delete: bool) -> PResult<ObjRef> {
        let start = self.span();
        let kind = self.obj_kind()?;
        let mut r = ObjRef::new(kind, start);
        r.family = self.family_opt_before_handle();
        if kind == ObjKind::Table {
            if !matches!(self.tok(), Tok::Word(_)) {
                return Err(self.unexpected(&["handle", "string", "last"]));
            }
            if self.is_word("handle") {
                self.handle_into(&mut r)?;
            } else {
                let (name, span) = self.ident()?;
                r.table = Some(name);
                r.table_span = span;
            }
        } else {
            let (table, span) = self.ident()?;
            r.table = Some(table);
            r.table_span = span;
            if !self.is_word("handle")
                && !matches!(self.tok(), Tok::Word(_))
                && kind != ObjKind::Rule
            {
                return Err(self.unexpected(&["handle", "string", "last"]));
            }
            if self.is_word("handle") && kind != ObjKind::Rule {
                self.handle_into(&mut r)?;
            } else {
                let (name, span) = self.ident()?;
                r.name = Some(name);
                r.name_span = span;
                if kind == ObjKind::Rule {
                    self.handle_into(&mut r)?;
                } else if kind == ObjKind::Element {
                    r.elems = self.elem_block()?;
                }
            }
        }
        r.family.get_or_insert(Family::Ip);
        r.span = start.to(self.prev_span());
        Ok(r)
    }

    /// A family keyword followed by a word or by `handle` (`delete table inet handle 3`).
    fn family_opt_before_handle(&mut self) -> Option<Family> {
        self.family_opt()
    }

    fn handle_into(&mut self, r: &mut ObjRef) -> PResult<()> {
        self.expect_word("handle")?;
        let (n, e) = self.number()?;
        r.handle = Some(n);
        r.handle_span = e;
        Ok(())
    }

    pub(crate) fn flush_ref(&mut self) -> PResult<ObjRef> {
        let start = self.span();
        if self.eat_word("ruleset") {
            let mut r = ObjRef::new(ObjKind::Ruleset, start);
            r.family = self.word().and_then(Family::from_name);
            if r.family.is_some() {
                self.bump();
            }
            r.span = start.to(self.prev_span());
            return Ok(r);
        }
        let kind = self.obj_kind()?;
        let mut r = ObjRef::new(kind, start);
        match kind {
            ObjKind::Table => {
                let t = self.table_spec()?;
                r.family = Some(t.family);
                r.table = Some(t.name);
                r.table_span = t.span;
            }
            ObjKind::Chain | ObjKind::Set | ObjKind::Map => {
                let (t, name, span) = self.set_spec()?;
                r.family = Some(t.family);
                r.table = Some(t.name);
                r.table_span = t.span;
                r.name = Some(name);
                r.name_span = span;
            }
            _ => return Err(self.error(r.span, "syntax error, unexpected flush target")),
        }
        r.span = start.to(self.prev_span());
        Ok(r)
    }

    pub(crate) fn reset_ref(&mut self) -> PResult<ObjRef> {
        let start = self.span();
        let kind = match self.word() {
            Some("counters") => ObjKind::Counters,
            Some("counter") => ObjKind::Counter,
            _ => return Err(self.unexpected(&[])),
        };
        self.bump();
        let mut r = ObjRef::new(kind, start);
        if kind == ObjKind::Counters {
            if self.eat_word("table") {
                let t = self.table_spec()?;
                r.family = Some(t.family);
                r.table = Some(t.name);
                r.table_span = t.span;
            } else {
                r.family = self.word().and_then(Family::from_name);
                if r.family.is_some() {
                    self.bump();
                }
            }
        } else {
            let (t, name, span) = self.set_spec()?;
            r.family = Some(t.family);
            r.table = Some(t.name);
            r.table_span = t.span;
            r.name = Some(name);
            r.name_span = span;
        }
        r.span = start.to(self.prev_span());
        Ok(r)
    }

    pub(crate) fn list_cmd(&mut self) -> PResult<ListCmd> {
        let start = self.span();
        let what = match self.word() {
            Some("ruleset") => ListWhat::Ruleset,
            Some("tables") => ListWhat::Tables,
            Some("table") => ListWhat::Table,
            Some("chains") => ListWhat::Chains,
            Some("chain") => ListWhat::Chain,
            Some("sets") => ListWhat::Sets,
            Some("set") => ListWhat::Set,
            Some("maps") => ListWhat::Maps,
            Some("map") => ListWhat::Map,
            Some("counters") => ListWhat::Counters,
            Some("counter") => ListWhat::Counter,
            _ => return Err(self.unexpected(&[])),
        };
        self.bump();
        let mut l = ListCmd {
            what,
            family: None,
            table: None,
            name: None,
            span: start,
            table_span: Span::NONE,
            name_span: Span::NONE,
        };
        match what {
            ListWhat::Ruleset | ListWhat::Tables | ListWhat::Chains => {
                l.family = self.word().and_then(Family::from_name);
                if l.family.is_some() {
                    self.bump();
                }
            }
            ListWhat::Sets | ListWhat::Maps | ListWhat::Counters => {
                if self.eat_word("table") {
                    let t = self.table_spec()?;
                    l.family = Some(t.family);
                    l.table = Some(t.name);
                    l.table_span = t.span;
                } else {
                    l.family = self.word().and_then(Family::from_name);
                    if l.family.is_some() {
                        self.bump();
                    }
                }
            }
            ListWhat::Table => {
                let t = self.table_spec()?;
                l.family = Some(t.family);
                l.table = Some(t.name);
                l.table_span = t.span;
            }
            ListWhat::Chain | ListWhat::Set | ListWhat::Map | ListWhat::Counter => {
                let (t, name, span) = self.set_spec()?;
                l.family = Some(t.family);
                l.table = Some(t.name);
                l.table_span = t.span;
                l.name = Some(name);
                l.name_span = span;
            }
        }
        l.span = start.to(self.prev_span());
        Ok(l)
    }
}
