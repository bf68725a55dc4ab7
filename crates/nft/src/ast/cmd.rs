// SPDX-License-Identifier: Apache-2.0
//! Commands (rule.h `struct cmd`): what one line of input asks for.

use super::object::{Chain, Elem, Family, Obj, Rule, Set, Table};
use super::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// `add …` (NLM_F_CREATE without EXCL: existing objects are fine).
    Add(Object),
    /// `create …` (fails with EEXIST).
    Create(Object),
    /// `insert rule …` (prepends, or before `position`/`index`).
    Insert(Rule),
    /// `replace rule … handle N …`.
    Replace(Rule),
    Delete(ObjRef),
    /// Like delete, but no error when it does not exist.
    Destroy(ObjRef),
    Flush(ObjRef),
    Reset(ObjRef),
    List(ListCmd),
}

/// A whole object, as `add`/`create` carry it.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Table(Table),
    Chain(Chain),
    Rule(Rule),
    /// A set or map (`Set::is_map`).
    Set(Set),
    Elements(ObjRef),
    Obj(Obj),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjKind {
    Ruleset,
    Table,
    Chain,
    Rule,
    Set,
    Map,
    Element,
    Counter,
    Counters,
    Quota,
}

/// An existing object named by a command: `delete chain ip t c`, `delete rule ip t c handle 5`,
/// `delete element ip t s { … }`, `flush table ip t`, `delete table handle 3`.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjRef {
    pub kind: ObjKind,
    pub family: Option<Family>,
    pub table: Option<String>,
    /// Chain, set, map or object name.
    pub name: Option<String>,
    pub handle: Option<u64>,
    /// For rules: the chain the handle is in is `name`.
    pub elems: Vec<Elem>,
    pub span: Span,
    /// Span of the table name, of the object name, of `handle N`.
    pub table_span: Span,
    pub name_span: Span,
    pub handle_span: Span,
}

impl ObjRef {
    pub fn new(kind: ObjKind, span: Span) -> ObjRef {
        ObjRef {
            kind,
            family: None,
            table: None,
            name: None,
            handle: None,
            elems: Vec::new(),
            span,
            table_span: Span::NONE,
            name_span: Span::NONE,
            handle_span: Span::NONE,
        }
    }
}

/// What `list …` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListWhat {
    Ruleset,
    Tables,
    Table,
    Chains,
    Chain,
    Sets,
    Set,
    Maps,
    Map,
    Counters,
    Counter,
}

/// `list WHAT [family] [table [name]]`. For the plural forms `table` is set when the command
/// says `… table FAMILY NAME` (`list counters table ip kube-proxy`, `list sets table ip t`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCmd {
    pub what: ListWhat,
    pub family: Option<Family>,
    pub table: Option<String>,
    pub name: Option<String>,
    pub span: Span,
    pub table_span: Span,
    pub name_span: Span,
}
