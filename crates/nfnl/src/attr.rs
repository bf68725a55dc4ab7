// SPDX-License-Identifier: Apache-2.0
//! Netlink attributes: a [`Writer`] that appends messages and attributes to one
//! growing buffer (a whole batch is one buffer, written once to the socket), and
//! an [`AttrIter`] over a received attribute stream.
//!
//! Netfilter attributes carry integers in network byte order (`put_be32`);
//! attribute headers themselves are host order, as everywhere in netlink.

use kcommon::bytes::copy_short;
use netlink_packet_core::NlasIterator;

use crate::error::Error;

pub const NLA_F_NESTED: u16 = 0x8000;
pub const NLA_F_NET_BYTEORDER: u16 = 0x4000;
const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);
const NLA_HDRLEN: usize = 4;

const fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// Appends netlink messages and attributes to a byte buffer.
#[derive(Default, Debug, Clone)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(n),
        }
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn clear(&mut self) {
        self.buf.clear()
    }

    /// Raw bytes (already aligned by the caller, e.g. a fixed header).
    pub fn put_raw(&mut self, bytes: &[u8]) {
        append(&mut self.buf, bytes);
    }

    /// Overwrite a native-endian u32 at `pos` (message lengths).
    pub(crate) fn patch_u32(&mut self, pos: usize, v: u32) {
        if let Some(b) = self.buf.get_mut(pos..pos + 4) {
            for (d, s) in b.iter_mut().zip(v.to_ne_bytes()) {
                *d = s;
            }
        }
    }

    /// One attribute: header, `value`, a NUL when `nul`, zero padding to 4 bytes; written
    /// with one reservation and fixed-size moves (no `memcpy` call for short values). Out
    /// of line: one copy of the code for every attribute kind.
    #[inline(never)]
    fn attr(&mut self, kind: u16, value: &[u8], nul: bool) {
        let len = NLA_HDRLEN + value.len() + nul as usize;
        let total = align4(len);
        let start = self.buf.len();
        self.buf.reserve(total);
        let [l0, l1] = (len as u16).to_ne_bytes();
        let [k0, k1] = kind.to_ne_bytes();
        // SAFETY: `reserve` made room for `total` bytes after `start`. The zero word covers
        // `start + total - 4 .. start + total` (total >= 4), the header `start .. start + 4`
        // and the value `start + 4 .. start + 4 + value.len()` (<= start + total); together
        // they initialise every byte of `start .. start + total` (the NUL and the padding
        // lie in the zero word, which is written first) before `set_len` covers them.
        unsafe {
            let d = self.buf.as_mut_ptr().add(start);
            std::ptr::write_unaligned(d.add(total - 4) as *mut u32, 0);
            std::ptr::write_unaligned(d as *mut [u8; 4], [l0, l1, k0, k1]);
            copy_short(d.add(NLA_HDRLEN), value);
            self.buf.set_len(start + total);
        }
    }

    /// One attribute with `value` as its payload, padded to 4 bytes.
    pub fn put(&mut self, kind: u16, value: &[u8]) {
        self.attr(kind, value, false);
    }

    pub fn put_u8(&mut self, kind: u16, v: u8) {
        self.attr(kind, &[v], false);
    }

    /// A big-endian (network order) u16, as netfilter attributes carry them.
    pub fn put_be16(&mut self, kind: u16, v: u16) {
        self.attr(kind, &v.to_be_bytes(), false);
    }

    pub fn put_be32(&mut self, kind: u16, v: u32) {
        self.attr(kind, &v.to_be_bytes(), false);
    }

    pub fn put_be64(&mut self, kind: u16, v: u64) {
        self.attr(kind, &v.to_be_bytes(), false);
    }

    /// A NUL-terminated string (NLA_STRING / NLA_NUL_STRING).
    pub fn put_str(&mut self, kind: u16, s: &str) {
        self.attr(kind, s.as_bytes(), true);
    }

    /// Open a nested attribute; close it with [`Writer::nest_end`].
    pub fn nest_start(&mut self, kind: u16) -> usize {
        let pos = self.buf.len();
        let [k0, k1] = (kind | NLA_F_NESTED).to_ne_bytes();
        append(&mut self.buf, &[0, 0, k0, k1]);
        pos
    }

    pub fn nest_end(&mut self, pos: usize) {
        let len = (self.buf.len() - pos) as u16;
        if let Some(b) = self.buf.get_mut(pos..pos + 2) {
            for (d, s) in b.iter_mut().zip(len.to_ne_bytes()) {
                *d = s;
            }
        }
    }
}

/// Append `s` to `v` without a `memcpy` call for pieces up to 64 bytes
/// ([`kcommon::bytes::put`]): for code that writes many short pieces into a byte buffer.
/// Out of line: one copy of the code for the writer's many callers.
#[inline(never)]
pub fn append(v: &mut Vec<u8>, s: &[u8]) {
    kcommon::bytes::put(v, s);
}

/// `s` as an owned `String`, copied without a `memcpy` call when short (object names are
/// copied into messages by the hundred thousand in a large load).
pub fn own_str(s: &str) -> String {
    let mut v = Vec::with_capacity(s.len());
    append(&mut v, s.as_bytes());
    // SAFETY: `v` holds exactly the bytes of `s`, which is UTF-8.
    unsafe { String::from_utf8_unchecked(v) }
}

/// One received attribute: its type (flags masked off) and payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attr<'a> {
    pub kind: u16,
    pub nested: bool,
    pub value: &'a [u8],
}

impl<'a> Attr<'a> {
    pub fn u8(&self) -> Result<u8, Error> {
        self.value.first().copied().ok_or_else(|| self.short(1))
    }

    pub fn be16(&self) -> Result<u16, Error> {
        self.fixed::<2>().map(u16::from_be_bytes)
    }

    pub fn be32(&self) -> Result<u32, Error> {
        self.fixed::<4>().map(u32::from_be_bytes)
    }

    pub fn be64(&self) -> Result<u64, Error> {
        self.fixed::<8>().map(u64::from_be_bytes)
    }

    /// A string attribute, without its trailing NULs.
    pub fn str(&self) -> Result<&'a str, Error> {
        let end = self
            .value
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.value.len());
        std::str::from_utf8(&self.value[..end])
            .map_err(|_| Error::Malformed(format!("attribute {} is not UTF-8", self.kind)))
    }

    /// The attributes nested inside this one.
    pub fn nested(&self) -> AttrIter<'a> {
        AttrIter::new(self.value)
    }

    fn fixed<const N: usize>(&self) -> Result<[u8; N], Error> {
        self.value
            .get(..N)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| self.short(N))
    }

    fn short(&self, want: usize) -> Error {
        Error::Malformed(format!(
            "attribute {} has {} bytes, needs {want}",
            self.kind,
            self.value.len()
        ))
    }
}

/// Iterates over an attribute stream (netlink-packet-core's `NlasIterator`
/// does the framing checks). A truncated attribute ends the stream with one
/// `Err`; it never panics.
#[derive(Debug, Clone)]
pub struct AttrIter<'a> {
    inner: NlasIterator<&'a [u8]>,
}

impl<'a> AttrIter<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        AttrIter {
            inner: NlasIterator::new(buf),
        }
    }
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Result<Attr<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let nla = match self.inner.next()? {
            Ok(nla) => nla,
            Err(e) => return Some(Err(Error::Malformed(e.to_string()))),
        };
        let kind = nla.kind();
        let nested = nla.nested_flag();
        // new_checked guaranteed NLA_HDRLEN <= length <= the slice's length.
        let len = nla.length() as usize;
        let bytes: &'a [u8] = nla.into_inner();
        Some(Ok(Attr {
            kind: kind & NLA_TYPE_MASK,
            nested,
            value: bytes.get(NLA_HDRLEN..len).unwrap_or(&[]),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_nested() {
        let mut w = Writer::new();
        w.put_str(1, "filter");
        let n = w.nest_start(2);
        w.put_be32(1, 0x0a000001);
        w.nest_end(n);
        let attrs: Vec<_> = AttrIter::new(w.as_bytes()).map(Result::unwrap).collect();
        assert_eq!(attrs.len(), 2);
        assert_eq!(attrs[0].str().unwrap(), "filter");
        assert_eq!(w.as_bytes().len() % 4, 0);
        assert!(attrs[1].nested);
        let inner: Vec<_> = attrs[1].nested().map(Result::unwrap).collect();
        assert_eq!(inner[0].be32().unwrap(), 0x0a000001);
    }

    /// The fixed-size moves write exactly what a plain byte-by-byte encoding does, for
    /// every length class (empty, 1-3, 4-7, 8-15, 16-31, 32-64, longer) with and without NUL.
    #[test]
    fn short_copies_match_plain_encoding() {
        for n in 0..=100usize {
            let value: Vec<u8> = (0..n).map(|i| (i * 7 + 1) as u8).collect();
            let text: String = (0..n).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            let mut w = Writer::new();
            w.put_raw(&[0xee; 3]);
            w.put(5, &value);
            w.put_str(6, &text);
            let n1 = w.nest_start(7);
            w.put_raw(&value);
            w.nest_end(n1);
            let mut plain = vec![0xee; 3];
            for (kind, body) in [
                (5u16, value.clone()),
                (6, [text.as_bytes(), &[0]].concat()),
                (7 | NLA_F_NESTED, value.clone()),
            ] {
                let len = 4 + body.len();
                plain.extend_from_slice(&(len as u16).to_ne_bytes());
                plain.extend_from_slice(&kind.to_ne_bytes());
                plain.extend_from_slice(&body);
                if kind != 7 | NLA_F_NESTED {
                    while !(plain.len() - 3).is_multiple_of(4) {
                        plain.push(0);
                    }
                }
            }
            assert_eq!(w.as_bytes(), &plain[..], "length {n}");
        }
    }

    #[test]
    fn truncated_is_an_error_not_a_panic() {
        let bytes = [8u8, 0, 1, 0, 1];
        let mut it = AttrIter::new(&bytes);
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }
}
