// SPDX-License-Identifier: Apache-2.0
//! nfnl: a pure-Rust nfnetlink layer (the part of libmnl/libnftnl kroot needs).
//!
//! Layers, as in rust-netlink: [`socket`] (one NETLINK_NETFILTER socket,
//! sequence numbers, acks, dumps, batches), [`msg`] (nlmsghdr + nfgenmsg
//! building and parsing) and [`attr`] (attribute writer/iterator). The typed
//! kernel objects live per subsystem: `nftables/` and `ctnetlink/`.
//!
//! Invariant: nfnl knows no nft or conntrack syntax; it speaks kernel objects.

pub mod attr;
pub mod ctnetlink;
pub mod error;
pub mod msg;
pub mod nftables;
pub mod socket;

pub use attr::{Attr, AttrIter, Writer};
pub use error::{Error, KernelError};
pub use msg::Msg;
pub use socket::Socket;
