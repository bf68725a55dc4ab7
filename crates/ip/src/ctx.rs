// SPDX-License-Identifier: Apache-2.0
//! What every command gets: the global options, the netlink socket, the
//! output layer, and iproute2's interface cache (lib/ll_map.c) for names,
//! indexes and flags, plus nsid → netns name (ipnetns.c).

use netlink_packet_core::Emitable;
use netlink_packet_route::link::{
    LinkAttribute, LinkExtentMask, LinkFlags, LinkHeader, LinkMessage,
};
use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};

use crate::attr::Tb;
use crate::cli::Opts;
use crate::err::{Fail, Res};
use crate::nl::{KernelError, Msg, Nl};
use crate::out::Out;

pub const RTM_NEWLINK: u16 = 16;
pub const RTM_DELLINK: u16 = 17;
pub const RTM_GETLINK: u16 = 18;
pub const RTM_SETLINK: u16 = 19;
pub const RTM_NEWADDR: u16 = 20;
pub const RTM_DELADDR: u16 = 21;
pub const RTM_GETADDR: u16 = 22;
pub const RTM_NEWROUTE: u16 = 24;
pub const RTM_DELROUTE: u16 = 25;
pub const RTM_GETROUTE: u16 = 26;
pub const RTM_NEWNEIGH: u16 = 28;
pub const RTM_DELNEIGH: u16 = 29;
pub const RTM_GETNEIGH: u16 = 30;
pub const RTM_NEWRULE: u16 = 32;
pub const RTM_DELRULE: u16 = 33;
pub const RTM_GETRULE: u16 = 34;
pub const RTM_NEWNSID: u16 = 88;
pub const RTM_GETNSID: u16 = 90;

pub const IFLA_ADDRESS: u16 = 1;
pub const IFLA_IFNAME: u16 = 3;
pub const IFLA_EXT_MASK: u16 = 29;
pub const RTEXT_FILTER_VF: u32 = 1;
pub const RTEXT_FILTER_SKIP_STATS: u32 = 8;

const NETNSA_NSID: u16 = 1;

#[derive(Clone)]
pub struct LinkEntry {
    pub index: u32,
    pub name: String,
    pub flags: u32,
}

pub struct Ctx {
    pub o: Opts,
    pub nl: Nl,
    pub out: Out,
    links: Option<Vec<LinkEntry>>,
    /// ifindex → position in `links` (hash lookups: routes and addresses
    /// of 1000 links look names up thousands of times).
    by_index: std::collections::HashMap<u32, usize>,
    nsids: Option<Vec<(String, Option<i32>)>>,
}

/// An ifinfomsg (family, index, flags, change; type 0) as
/// netlink-packet-route's `LinkHeader`.
pub fn link_header(family: u8, index: u32, flags: u32, change: u32) -> LinkHeader {
    LinkHeader {
        interface_family: family.into(),
        index,
        link_layer_type: 0u16.into(),
        flags: LinkFlags::from_bits_retain(flags),
        change_mask: LinkFlags::from_bits_retain(change),
    }
}

/// The same ifinfomsg as bytes (for requests that edit them further).
pub fn ifinfomsg(family: u8, index: u32, flags: u32, change: u32) -> Vec<u8> {
    let h = link_header(family, index, flags, change);
    let mut v = vec![0u8; h.buffer_len()];
    h.emit(&mut v);
    v
}

/// A link request: typed header and typed attributes.
pub fn link_msg(header: LinkHeader, attributes: Vec<LinkAttribute>) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.header = header;
    m.attributes = attributes;
    m
}

/// `RTEXT_FILTER_*` bits as netlink-packet-route's `LinkExtentMask`s.
pub fn ext_mask(bits: u32) -> Vec<LinkExtentMask> {
    let mut v = Vec::new();
    if bits & RTEXT_FILTER_VF != 0 {
        v.push(LinkExtentMask::Vf);
    }
    if bits & RTEXT_FILTER_SKIP_STATS != 0 {
        v.push(LinkExtentMask::SkipStats);
    }
    v
}

/// The dump request behind the name cache and `ip link`: `IFLA_EXT_MASK`.
pub fn link_dump(mask: Vec<LinkExtentMask>) -> Msg {
    let m = link_msg(link_header(0, 0, 0, 0), vec![LinkAttribute::ExtMask(mask)]);
    Msg::typed(RTM_GETLINK, 0, &m)
}

fn link_entry(ty: u16, data: &[u8]) -> Option<LinkEntry> {
    if ty != RTM_NEWLINK || data.len() < 16 {
        return None;
    }
    let index = crate::attr::u32_at(data, 4);
    let flags = crate::attr::u32_at(data, 8);
    // the name is the first attribute the kernel writes: no `tb[]` of
    // ~50 attributes per link for it (1000 links)
    let name = crate::attr::iter(&data[16..])
        .find(|(t, _)| *t == IFLA_IFNAME)
        .map(|(_, v)| crate::attr::cstr(v))
        .unwrap_or("")
        .to_string();
    Some(LinkEntry { index, name, flags })
}

impl Ctx {
    pub fn new(o: Opts) -> Res<Ctx> {
        let nl = Nl::open().map_err(|e| Fail::new(1, e.describe()))?;
        let mut out = Out::new(o.json, o.pretty, o.oneline);
        // check_enable_color: never with -j; `auto` only on a terminal
        // SAFETY: isatty has no preconditions.
        let tty = unsafe { libc::isatty(1) } == 1;
        if !o.json && (o.color == 2 || (o.color == 1 && tty)) {
            let dark = std::env::var("COLORFGBG").ok().and_then(|v| {
                let last = v[v.rfind(';')? + 1..].to_string();
                Some(last.len() == 1 && matches!(last.as_bytes()[0], b'0'..=b'6' | b'8'))
            });
            out.color = Some(dark.unwrap_or(false));
        }
        Ok(Ctx {
            o,
            nl,
            out,
            links: None,
            by_index: Default::default(),
            nsids: None,
        })
    }

    fn load_links(&mut self) -> &Vec<LinkEntry> {
        if self.links.is_none() {
            let m = link_dump(vec![LinkExtentMask::Vf, LinkExtentMask::SkipStats]);
            let mut v = Vec::new();
            let _ = self.nl.dump(m, |r| v.extend(link_entry(r.ty, r.data)));
            self.set_links(v);
        }
        self.links.get_or_insert_with(Vec::new)
    }

    fn entry(&mut self, index: u32) -> Option<&LinkEntry> {
        self.load_links();
        let i = *self.by_index.get(&index)?;
        self.links.as_ref()?.get(i)
    }

    /// Fill the cache from a whole, unfiltered link dump the caller made
    /// anyway (iproute2's ll_remember_index), saving a second dump.
    pub fn remember_links(&mut self, dump: &crate::nl::Dump) {
        if self.links.is_none() {
            let v = dump.iter().filter_map(|(t, d)| link_entry(t, d)).collect();
            self.set_links(v);
        }
    }

    /// Preset the interface cache (printers' unit tests use recorded
    /// messages whose ifindexes mean nothing on the test host).
    pub fn set_links(&mut self, links: Vec<LinkEntry>) {
        self.by_index.clear();
        for (i, l) in links.iter().enumerate() {
            // ll_map keeps the first entry of an index
            self.by_index.entry(l.index).or_insert(i);
        }
        self.links = Some(links);
    }

    /// Forget the cache (after a change of names).
    pub fn reset_links(&mut self) {
        self.links = None;
        self.by_index.clear();
    }

    pub fn link_list(&mut self) -> Vec<LinkEntry> {
        self.load_links().clone()
    }

    /// `ll_name_to_index`: 0 when there is no such device.
    pub fn index_of(&mut self, name: &str) -> u32 {
        if let Some(l) = self.load_links().iter().find(|l| l.name == name) {
            return l.index;
        }
        name.strip_prefix("if")
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|i| self.entry(*i).is_some())
            .unwrap_or(0)
    }

    /// `ll_index_to_name`: the name, or `ifN` when unknown.
    pub fn name_of(&mut self, index: u32) -> String {
        self.entry(index)
            .map(|l| l.name.clone())
            .unwrap_or_else(|| format!("if{index}"))
    }

    /// `f(out, name)` with `ll_index_to_name`'s answer, without cloning
    /// the cached name (route listings print thousands).
    pub fn with_name<R>(&mut self, index: u32, f: impl FnOnce(&mut Out, &str) -> R) -> R {
        self.load_links();
        let cached = self
            .by_index
            .get(&index)
            .and_then(|&i| self.links.as_ref()?.get(i));
        match cached {
            Some(l) => f(&mut self.out, &l.name),
            None => f(&mut self.out, &format!("if{index}")),
        }
    }

    pub fn flags_of(&mut self, index: u32) -> u32 {
        self.entry(index).map(|l| l.flags).unwrap_or(0)
    }

    /// Index of a device the command needs, or `Cannot find device`.
    pub fn need_dev(&mut self, name: &str) -> Res<u32> {
        match self.index_of(name) {
            0 => Err(crate::err::nodev(name)),
            i => Ok(i),
        }
    }

    /// The nsid this netns has assigned to the netns behind `fd`.
    pub fn nsid_of_fd(&mut self, fd: i32) -> Result<Option<i32>, KernelError> {
        let mut req = NsidMessage::default();
        req.attributes.push(NsidAttribute::Fd(fd as u32));
        let m = Msg::typed(RTM_GETNSID, 0, &req);
        let (ty, data) = self.nl.request(m)?;
        if ty != RTM_NEWNSID || data.len() < 4 {
            return Ok(None);
        }
        let tb = Tb::parse(&data[4..]);
        Ok(tb.u32(NETNSA_NSID).map(|v| v as i32).filter(|v| *v >= 0))
    }

    /// /run/netns names with their nsids, in readdir order (cached).
    pub fn netns_ids(&mut self) -> Vec<(String, Option<i32>)> {
        if self.nsids.is_none() {
            let mut v = Vec::new();
            for name in crate::netns::list_names() {
                let path = format!("{}/{}", crate::netns::NETNS_RUN_DIR, name);
                let id = match std::fs::File::open(&path) {
                    Ok(f) => {
                        use std::os::fd::AsRawFd;
                        self.nsid_of_fd(f.as_raw_fd()).ok().flatten()
                    }
                    Err(_) => None,
                };
                v.push((name, id));
            }
            self.nsids = Some(v);
        }
        self.nsids.clone().unwrap_or_default()
    }

    /// `get_name_from_nsid`.
    pub fn netns_name(&mut self, nsid: i32) -> Option<String> {
        self.netns_ids()
            .into_iter()
            .find(|(_, id)| *id == Some(nsid))
            .map(|(n, _)| n)
    }
}
