// SPDX-License-Identifier: Apache-2.0
//! First pass, continued: the action expressions (nat, reject, dynset) and
//! verdicts, which take their operands out of the register file.

use nfnl::nftables::consts::*;
use nfnl::nftables::expr as k;

use super::parse::{e, s, Parser};
use super::value;
use crate::ast::{
    self, Datatype, ExprKind, NatFlags, NatKind, NatStmt, RejectKind, SetOp, Span, StmtKind, Value,
};

impl Parser<'_> {
    pub(super) fn nat(&mut self, n: &k::Nat) -> Result<(), String> {
        let fam = n.family.unwrap_or(self.family as u32);
        let addr_dt = if fam == 10 {
            Datatype::Ipv6Addr
        } else {
            Datatype::Ipv4Addr
        };
        let reg = |r: Option<u32>| r.and_then(|r| self.get_reg(r));
        let mut addr = reg(n.reg_addr_min).map(|r| self.typed(r, addr_dt));
        if let (Some(a), Some(max)) = (&addr, reg(n.reg_addr_max)) {
            let hi = self.typed(max, addr_dt);
            if *a != hi && n.reg_addr_max != n.reg_addr_min {
                addr = Some(e(ExprKind::Range(Box::new(a.clone()), Box::new(hi))));
            }
        }
        let mut port = reg(n.reg_proto_min).map(|r| self.typed(r, Datatype::InetService));
        if let (Some(p), Some(max)) = (&port, reg(n.reg_proto_max)) {
            let hi = self.typed(max, Datatype::InetService);
            if *p != hi && n.reg_proto_max != n.reg_proto_min {
                port = Some(e(ExprKind::Range(Box::new(p.clone()), Box::new(hi))));
            }
        }
        let kind = if n.nat_type == Some(NFT_NAT_DNAT) {
            NatKind::Dnat
        } else {
            NatKind::Snat
        };
        let family = if self.family == 1 {
            ast::Family::from_nfproto(fam as u8)
        } else {
            None
        };
        self.stmts.push(s(StmtKind::Nat(NatStmt {
            kind,
            family,
            addr,
            port,
            flags: NatFlags(
                n.flags.unwrap_or(0)
                    & (NatFlags::PROTO_RANDOM
                        | NatFlags::PERSISTENT
                        | NatFlags::PROTO_RANDOM_FULLY),
            ),
        })));
        Ok(())
    }

    pub(super) fn reject(&mut self, r: &k::Reject) {
        let code = r.icmp_code.unwrap_or(0);
        let ty = r.reject_type.unwrap_or(0);
        let (kind, code) = match (ty, self.family) {
            (NFT_REJECT_TCP_RST, _) => (RejectKind::TcpReset, None),
            (NFT_REJECT_ICMPX_UNREACH, _) if code == 1 => (RejectKind::Default, None),
            (NFT_REJECT_ICMPX_UNREACH, _) => (RejectKind::Icmpx, Some(code)),
            (_, 2) if code == 3 => (RejectKind::Default, None),
            (_, 10) if code == 4 => (RejectKind::Default, None),
            (_, 10) => (RejectKind::Icmpv6, Some(code)),
            _ => (RejectKind::Icmp, Some(code)),
        };
        let dt = match kind {
            RejectKind::Icmpv6 => Datatype::Icmpv6Code,
            RejectKind::Icmpx => Datatype::IcmpxCode,
            _ => Datatype::IcmpCode,
        };
        let code = code.map(|c| value::val_expr(Value::num(dt, 8, c as u64)));
        self.stmts.push(s(StmtKind::Reject { kind, code }));
    }

    pub(super) fn dynset(&mut self, d: &k::Dynset) -> Result<(), String> {
        let name = d.set_name.clone().unwrap_or_default();
        let info = self
            .sets
            .find(&name)
            .ok_or_else(|| format!("unknown set {name}"))?;
        let (key, _, _) = self
            .set_key_at(d.sreg_key.unwrap_or(1), &info)
            .ok_or("dynset on an empty register")?;
        let op = match d.op.unwrap_or(0) {
            NFT_DYNSET_OP_ADD => SetOp::Add,
            NFT_DYNSET_OP_UPDATE => SetOp::Update,
            _ => SetOp::Delete,
        };
        let timeout = d.timeout.filter(|&t| t != 0 && Some(t) != info.timeout);
        let stmts = d
            .expr
            .iter()
            .map(|b| b.as_ref())
            .chain(d.exprs.iter().flatten())
            .filter_map(super::stateful)
            .collect();
        self.stmts.push(s(StmtKind::Set {
            op,
            set: name,
            set_span: Span::NONE,
            key,
            timeout,
            stmts,
        }));
        Ok(())
    }
}

pub fn verdict_of(v: &nfnl::nftables::Verdict) -> ast::Verdict {
    let chain = v.chain.clone().unwrap_or_default();
    match v.code {
        NF_ACCEPT => ast::Verdict::Accept,
        NF_DROP => ast::Verdict::Drop,
        NF_QUEUE => ast::Verdict::Queue,
        NFT_JUMP => ast::Verdict::Jump(chain),
        NFT_GOTO => ast::Verdict::Goto(chain),
        NFT_RETURN => ast::Verdict::Return,
        _ => ast::Verdict::Continue,
    }
}
