// SPDX-License-Identifier: Apache-2.0
//! Reading nf_tables state: the generation id, single-object gets and dumps
//! of tables, chains, rules, sets, elements and objects, filtered by family
//! (0 = all), table and name. Dumps the kernel marks NLM_F_DUMP_INTR are
//! retried (the `*_each` streaming forms report it instead).

use super::consts::*;
use super::{Chain, Gen, Obj, Rule, Set, SetElem, SetElemList, Table};
use crate::attr::Writer;
use crate::error::Error;
use crate::msg::{nfnl_type, Msg, NFNL_SUBSYS_NFTABLES, NLM_F_ACK, NLM_F_DUMP};
use crate::socket::Socket;

/// How often an interrupted dump is started again before giving up.
const DUMP_RETRIES: usize = 16;

fn request(
    sock: &mut Socket,
    msg: u8,
    flags: u16,
    family: u8,
    attrs: impl Fn(&mut Writer),
) -> (Vec<u8>, u32) {
    let seq = sock.next_seq();
    let mut w = Writer::with_capacity(256);
    let m = w.msg_start(nfnl_type(NFNL_SUBSYS_NFTABLES, msg), flags, seq, family, 0);
    attrs(&mut w);
    w.msg_end(m);
    (w.into_bytes(), seq)
}

/// Run one dump, giving each reply of type `reply` to `f`.
fn dump_once(
    sock: &mut Socket,
    msg: u8,
    family: u8,
    attrs: &impl Fn(&mut Writer),
    mut f: impl FnMut(&Msg<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let (bytes, seq) = request(sock, msg, NLM_F_DUMP, family, attrs);
    sock.dump(&bytes, seq, |m| {
        if m.subsys() == NFNL_SUBSYS_NFTABLES {
            f(&m)
        } else {
            Ok(())
        }
    })
}

/// A dump collected into a Vec, retried while the kernel reports it interrupted.
fn dump_all<T>(
    sock: &mut Socket,
    msg: u8,
    family: u8,
    attrs: impl Fn(&mut Writer),
    parse: impl Fn(&Msg<'_>) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let mut tries = 0;
    loop {
        let mut out = Vec::new();
        match dump_once(sock, msg, family, &attrs, |m| {
            out.push(parse(m)?);
            Ok(())
        }) {
            Err(Error::DumpInterrupted) if tries < DUMP_RETRIES => tries += 1,
            Err(e) => return Err(e),
            Ok(()) => return Ok(out),
        }
    }
}

/// A non-dump GET: the one object, or the kernel's error (ENOENT).
fn get_one<T>(
    sock: &mut Socket,
    msg: u8,
    family: u8,
    attrs: impl Fn(&mut Writer),
    parse: impl Fn(&Msg<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let (bytes, seq) = request(sock, msg, NLM_F_ACK, family, attrs);
    let mut found = None;
    sock.request(&bytes, seq, |m| {
        if found.is_none() && m.subsys() == NFNL_SUBSYS_NFTABLES {
            found = Some(parse(&m)?);
        }
        Ok(())
    })?;
    found.ok_or_else(|| Error::Malformed("no object in the kernel's answer".into()))
}

fn put_opt(w: &mut Writer, kind: u16, v: Option<&str>) {
    if let Some(v) = v {
        w.put_str(kind, v);
    }
}

impl Socket {
    /// One nf_tables dump (`msg` = NFT_MSG_GET*, attributes written by `attrs`), every
    /// reply given undecoded to `f`; NLM_F_DUMP_INTR is reported, not retried.
    pub fn nft_dump_raw(
        &mut self,
        msg: u8,
        family: u8,
        attrs: impl Fn(&mut Writer),
        f: impl FnMut(&Msg<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        dump_once(self, msg, family, &attrs, f)
    }

    /// The current ruleset generation id.
    pub fn nft_gen(&mut self) -> Result<u32, Error> {
        let g = get_one(self, NFT_MSG_GETGEN, 0, |_| {}, Gen::parse)?;
        Ok(g.id.unwrap_or(0))
    }

    /// All tables of `family` (0 = every family).
    pub fn nft_tables(&mut self, family: u8) -> Result<Vec<Table>, Error> {
        dump_all(self, NFT_MSG_GETTABLE, family, |_| {}, Table::parse)
    }

    /// One table, or ENOENT.
    pub fn nft_table(&mut self, family: u8, name: &str) -> Result<Table, Error> {
        get_one(
            self,
            NFT_MSG_GETTABLE,
            family,
            |w| w.put_str(NFTA_TABLE_NAME, name),
            Table::parse,
        )
    }

    /// Chains, optionally of one table.
    pub fn nft_chains(&mut self, family: u8, table: Option<&str>) -> Result<Vec<Chain>, Error> {
        let mut v = dump_all(
            self,
            NFT_MSG_GETCHAIN,
            family,
            |w| put_opt(w, NFTA_CHAIN_TABLE, table),
            Chain::parse,
        )?;
        if let Some(t) = table {
            v.retain(|x| x.table.as_deref() == Some(t));
        }
        Ok(v)
    }

    /// Chains, optionally of one table, kept as their messages (see [`Dumped`]).
    pub fn nft_chains_dumped(&mut self, family: u8, table: Option<&str>) -> Result<Dumped, Error> {
        let attrs = |w: &mut Writer| put_opt(w, NFTA_CHAIN_TABLE, table);
        let mut tries = 0;
        loop {
            let mut d = Dumped::default();
            match dump_once(self, NFT_MSG_GETCHAIN, family, &attrs, |m| {
                d.push(m);
                Ok(())
            }) {
                Err(Error::DumpInterrupted) if tries < DUMP_RETRIES => tries += 1,
                Err(e) => return Err(e),
                Ok(()) => return Ok(d),
            }
        }
    }

    /// One chain, or ENOENT.
    pub fn nft_chain(&mut self, family: u8, table: &str, name: &str) -> Result<Chain, Error> {
        get_one(
            self,
            NFT_MSG_GETCHAIN,
            family,
            |w| {
                w.put_str(NFTA_CHAIN_TABLE, table);
                w.put_str(NFTA_CHAIN_NAME, name);
            },
            Chain::parse,
        )
    }

    /// Rules, optionally of one table and chain.
    pub fn nft_rules(
        &mut self,
        family: u8,
        table: Option<&str>,
        chain: Option<&str>,
    ) -> Result<Vec<Rule>, Error> {
        let mut v = dump_all(
            self,
            NFT_MSG_GETRULE,
            family,
            |w| {
                put_opt(w, NFTA_RULE_TABLE, table);
                put_opt(w, NFTA_RULE_CHAIN, chain);
            },
            Rule::parse,
        )?;
        if let Some(t) = table {
            v.retain(|x| x.table.as_deref() == Some(t));
        }
        Ok(v)
    }

    /// Rules streamed to `f` one by one (no retry: an interrupted dump
    /// returns [`Error::DumpInterrupted`] after the last message).
    pub fn nft_rules_each(
        &mut self,
        family: u8,
        table: Option<&str>,
        chain: Option<&str>,
        mut f: impl FnMut(Rule) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let attrs = |w: &mut Writer| {
            put_opt(w, NFTA_RULE_TABLE, table);
            put_opt(w, NFTA_RULE_CHAIN, chain);
        };
        dump_once(self, NFT_MSG_GETRULE, family, &attrs, |m| {
            f(Rule::parse(m)?)
        })
    }

    /// Sets and maps, optionally of one table.
    pub fn nft_sets(&mut self, family: u8, table: Option<&str>) -> Result<Vec<Set>, Error> {
        let mut v = dump_all(
            self,
            NFT_MSG_GETSET,
            family,
            |w| put_opt(w, NFTA_SET_TABLE, table),
            Set::parse,
        )?;
        if let Some(t) = table {
            v.retain(|x| x.table.as_deref() == Some(t));
        }
        Ok(v)
    }

    /// One set or map, or ENOENT.
    pub fn nft_set(&mut self, family: u8, table: &str, name: &str) -> Result<Set, Error> {
        get_one(
            self,
            NFT_MSG_GETSET,
            family,
            |w| {
                w.put_str(NFTA_SET_TABLE, table);
                w.put_str(NFTA_SET_NAME, name);
            },
            Set::parse,
        )
    }

    /// The elements of one set.
    pub fn nft_elems(&mut self, family: u8, table: &str, set: &str) -> Result<Vec<SetElem>, Error> {
        let lists = dump_all(
            self,
            NFT_MSG_GETSETELEM,
            family,
            |w| {
                w.put_str(NFTA_SET_ELEM_LIST_TABLE, table);
                w.put_str(NFTA_SET_ELEM_LIST_SET, set);
            },
            SetElemList::parse,
        )?;
        Ok(lists
            .into_iter()
            .flat_map(|l| l.elements.map(|e| e.0).unwrap_or_default())
            .collect())
    }

    /// Stateful objects, optionally of one table and type (NFT_OBJECT_*).
    pub fn nft_objs(
        &mut self,
        family: u8,
        table: Option<&str>,
        obj_type: Option<u32>,
    ) -> Result<Vec<Obj>, Error> {
        let mut v = dump_all(
            self,
            NFT_MSG_GETOBJ,
            family,
            |w| {
                put_opt(w, NFTA_OBJ_TABLE, table);
                if let Some(t) = obj_type {
                    w.put_be32(NFTA_OBJ_TYPE, t);
                }
            },
            Obj::parse,
        )?;
        if let Some(t) = table {
            v.retain(|x| x.table.as_deref() == Some(t));
        }
        Ok(v)
    }
}

/// A dump kept as the messages' payloads, parsed when used: a table's 50 000
/// chains take 6 MB this way instead of 20 MB as parsed structs, and a listing
/// needs them one at a time.
#[derive(Debug, Clone, Default)]
pub struct Dumped {
    types: Vec<u16>,
    buf: Vec<u8>,
    ends: Vec<usize>,
}

impl Dumped {
    fn push(&mut self, m: &Msg<'_>) {
        self.types.push(m.nlmsg_type);
        self.buf.extend_from_slice(m.payload);
        self.ends.push(self.buf.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Message `i`, as it came from the kernel.
    pub fn msg(&self, i: usize) -> Option<Msg<'_>> {
        let start = match i {
            0 => 0,
            _ => *self.ends.get(i - 1)?,
        };
        Some(Msg {
            nlmsg_type: *self.types.get(i)?,
            flags: 0,
            seq: 0,
            portid: 0,
            payload: self.buf.get(start..*self.ends.get(i)?)?,
        })
    }

    /// Message `i` parsed as a chain.
    pub fn chain(&self, i: usize) -> Option<Result<Chain, Error>> {
        self.msg(i).map(|m| Chain::parse(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumped_messages_come_back_whole_and_in_order() {
        let payloads: [&[u8]; 3] = [b"\x02\x00\x00\x00ab", b"", b"\x07\x00\x00\x00xyz"];
        let mut d = Dumped::default();
        for (i, p) in payloads.iter().enumerate() {
            d.push(&Msg {
                nlmsg_type: 0x0a03 + i as u16,
                flags: 2,
                seq: 9,
                portid: 1,
                payload: p,
            });
        }
        assert_eq!(d.len(), 3);
        for (i, p) in payloads.iter().enumerate() {
            let m = d.msg(i).expect("stored");
            assert_eq!(m.payload, *p);
            assert_eq!(m.nlmsg_type, 0x0a03 + i as u16);
        }
        assert!(d.msg(3).is_none());
        assert!(Dumped::default().msg(0).is_none());
        // Payloads too short to be chains: parsing them must not panic.
        for i in 0..d.len() {
            let _ = d.chain(i);
        }
    }
}
