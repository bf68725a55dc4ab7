// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask rawdump FAMILY TABLE`: the kernel's share of a table listing,
//! for the bench's floor rows. It asks for what `nft list table` needs —
//! the table's chains and sets (one table-wide dump each), every chain's
//! rules (one dump per chain: the kernel finds a chain by hash, while a
//! table-wide rule dump walks again from the first rule for every 32 KiB
//! reply) and every set's elements (one dump per set, anonymous ones
//! included, as the kernel has no other way to give them) — and decodes
//! nothing but the names. Whatever a listing costs above this is userspace.

use nfnl::nftables::consts::{
    NFTA_CHAIN_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_CHAIN, NFTA_RULE_TABLE, NFTA_SET_ELEM_LIST_SET,
    NFTA_SET_ELEM_LIST_TABLE, NFTA_SET_NAME, NFTA_SET_TABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETRULE,
    NFT_MSG_GETSET, NFT_MSG_GETSETELEM,
};
use nfnl::{Socket, Writer};

use crate::flags;

/// Bytes and messages received.
#[derive(Default)]
struct Count {
    msgs: u64,
    bytes: u64,
}

pub fn run(f: flags::RawDump) -> crate::Result {
    let family = match f.family.as_str() {
        "ip" => 2u8,
        "ip6" => 10,
        "inet" => 1,
        "arp" => 3,
        "bridge" => 7,
        "netdev" => 5,
        other => return Err(format!("unknown family {other}")),
    };
    let mut sock = Socket::open().map_err(|e| format!("netlink: {e}"))?;
    sock.set_recv_buffer(4 << 20);
    let mut n = Count::default();
    let table = f.table.as_str();
    let mut chains = Vec::new();
    let chain_attrs = |w: &mut Writer| w.put_str(NFTA_CHAIN_TABLE, table);
    dump(
        &mut sock,
        NFT_MSG_GETCHAIN,
        family,
        &mut n,
        chain_attrs,
        |m| {
            chains.extend(name_of(m, NFTA_CHAIN_NAME));
        },
    )?;
    for chain in &chains {
        let attrs = |w: &mut Writer| {
            w.put_str(NFTA_RULE_TABLE, table);
            w.put_str(NFTA_RULE_CHAIN, chain);
        };
        dump(&mut sock, NFT_MSG_GETRULE, family, &mut n, attrs, |_| ())?;
    }
    let mut sets = Vec::new();
    dump(
        &mut sock,
        NFT_MSG_GETSET,
        family,
        &mut n,
        |w| w.put_str(NFTA_SET_TABLE, table),
        |m| {
            sets.extend(name_of(m, NFTA_SET_NAME));
        },
    )?;
    for set in &sets {
        let attrs = |w: &mut Writer| {
            w.put_str(NFTA_SET_ELEM_LIST_TABLE, table);
            w.put_str(NFTA_SET_ELEM_LIST_SET, set);
        };
        dump(&mut sock, NFT_MSG_GETSETELEM, family, &mut n, attrs, |_| ())?;
    }
    println!(
        "{} chains, {} sets, {} messages, {} bytes",
        chains.len(),
        sets.len(),
        n.msgs,
        n.bytes
    );
    Ok(())
}

fn dump(
    sock: &mut Socket,
    msg: u8,
    family: u8,
    n: &mut Count,
    attrs: impl Fn(&mut Writer),
    mut each: impl FnMut(&nfnl::Msg<'_>),
) -> crate::Result {
    sock.nft_dump_raw(msg, family, attrs, |m| {
        n.msgs += 1;
        n.bytes += m.payload.len() as u64;
        each(m);
        Ok(())
    })
    .map_err(|e| format!("dump {msg}: {e}"))
}

/// A string attribute of a dumped message (a chain's or set's name).
fn name_of(m: &nfnl::Msg<'_>, kind: u16) -> Option<String> {
    let a = m.attrs().flatten().find(|a| a.kind == kind)?;
    a.str().ok().map(str::to_string)
}
