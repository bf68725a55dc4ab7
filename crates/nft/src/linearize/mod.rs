// SPDX-License-Identifier: Apache-2.0
//! Linearisation (netlink_linearize.c, mnl.c message building): evaluated commands become
//! nf_tables messages. Each [`Out`] remembers which source span each of its attributes (and
//! each rule expression) came from, so kernel errors can point at the text (cmd_add_loc).

mod anon;
pub mod data;
mod objects;
pub mod rule;

pub use anon::{elem_msgs, set_msg, AnonSet};
pub use objects::linearize;

use nfnl::attr::Writer;
use nfnl::msg::MsgStart;
use nfnl::nftables::{
    Chain as KChain, Obj as KObj, Rule as KRule, Set as KSet, SetElemList, Table as KTable,
};

use crate::ast::Span;

/// A message body.
#[derive(Debug, Clone)]
pub enum Body {
    Table(KTable),
    Chain(KChain),
    Rule(KRule),
    Set(KSet),
    Elems(SetElemList),
    Obj(KObj),
}

/// One message of the transaction, with where its parts came from.
#[derive(Debug, Clone)]
pub struct Out {
    pub msg: u8,
    pub flags: u16,
    pub body: Body,
    /// Top-level attribute type → source span.
    pub spans: Vec<(u16, Span)>,
    /// Rule expressions (NFTA_RULE_EXPRESSIONS) or elements (NFTA_SET_ELEM_LIST_ELEMENTS), in order.
    pub list_spans: Vec<Span>,
    /// The whole command, for errors without an attribute offset.
    pub cmd_span: Span,
}

impl Out {
    pub fn emit(&self, w: &mut Writer, seq: u32) -> MsgStart {
        // Like nftables: no NLM_F_ACK in a batch; the kernel reports errors regardless.
        let flags = self.flags;
        match &self.body {
            Body::Table(t) => t.emit_msg(w, self.msg, flags, seq),
            Body::Chain(c) => c.emit_msg(w, self.msg, flags, seq),
            Body::Rule(r) => r.emit_msg(w, self.msg, flags, seq),
            Body::Set(s) => s.emit_msg(w, self.msg, flags, seq),
            Body::Elems(e) => e.emit_msg(w, self.msg, flags, seq),
            Body::Obj(o) => o.emit_msg(w, self.msg, flags, seq),
        }
    }

    /// `nft --debug=netlink` text of this message (rules and elements; other objects in the
    /// short form nftables prints).
    pub fn debug_text(&self) -> String {
        match &self.body {
            Body::Rule(r) => format!("{r}\n"),
            Body::Set(s) => {
                let mut t = format!(
                    "{} {} {:x}",
                    s.name.as_deref().unwrap_or(""),
                    s.table.as_deref().unwrap_or(""),
                    s.flags.unwrap_or(0)
                );
                if let Some(sz) = s.desc.as_ref().and_then(|d| d.size) {
                    t.push_str(&format!(" size {sz}"));
                }
                if let Some(to) = s.timeout {
                    t.push_str(&format!(" timeout {to}ms"));
                }
                t.push('\n');
                t
            }
            Body::Elems(e) => elems_text(e),
            Body::Chain(c) if self.msg == nfnl::nftables::consts::NFT_MSG_NEWCHAIN => chain_text(c),
            _ => String::new(),
        }
    }
}

/// libnftnl's element-list debug text: `SET TABLE 0` then `\telement KEY  : [DATA ]FLAGS [end]`.
fn elems_text(l: &SetElemList) -> String {
    use std::fmt::Write as _;
    let mut t = format!(
        "{} {} 0\n",
        l.set.as_deref().unwrap_or(""),
        l.table.as_deref().unwrap_or("")
    );
    for e in l.elems() {
        t.push_str("\telement ");
        for chunk in e.key_bytes().chunks(4) {
            let mut w = [0u8; 4];
            w[..chunk.len()].copy_from_slice(chunk);
            let _ = write!(t, "{:08x} ", u32::from_le_bytes(w));
        }
        if let Some(end) = e.key_end.as_ref().and_then(|d| d.value()) {
            t.push_str(" - ");
            for chunk in end.chunks(4) {
                let mut w = [0u8; 4];
                w[..chunk.len()].copy_from_slice(chunk);
                let _ = write!(t, "{:08x} ", u32::from_le_bytes(w));
            }
        }
        t.push_str(" : ");
        match &e.data {
            Some(nfnl::nftables::Data::Value(v)) => {
                for chunk in v.chunks(4) {
                    let mut w = [0u8; 4];
                    w[..chunk.len()].copy_from_slice(chunk);
                    let _ = write!(t, "{:08x} ", u32::from_le_bytes(w));
                }
            }
            Some(d) => {
                let _ = write!(t, "{d} ");
            }
            None => {}
        }
        let _ = write!(t, "{} [end]", e.flags.unwrap_or(0));
        if let Some(u) = &e.userdata {
            let _ = write!(
                t,
                "  userdata = {{ {} }}",
                nfnl::nftables::udata::Escaped(&u.0)
            );
        }
    }
    t.push('\n');
    t
}

/// libnftnl's chain text as nftables 1.1.x dumps it: the chain is printed before its hook,
/// type and policy are added to the message, so only `FAMILY TABLE NAME use 0` shows.
fn chain_text(c: &KChain) -> String {
    use crate::ast::Family;
    let fam = Family::from_nfproto(c.family)
        .map(Family::name)
        .unwrap_or("unknown");
    format!(
        "{} {} {} use 0\n",
        fam,
        c.table.as_deref().unwrap_or(""),
        c.name.as_deref().unwrap_or("")
    )
}
