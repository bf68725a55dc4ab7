// SPDX-License-Identifier: Apache-2.0
//! Route-netlink attributes: walk them in order, or index them by type the
//! way iproute2's `parse_rtattr` fills `tb[]`.

/// Attributes in wire order: (type without the nested/byteorder bits, value).
pub fn iter(buf: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut off = 0usize;
    std::iter::from_fn(move || {
        if off + 4 > buf.len() {
            return None;
        }
        let len = u16::from_ne_bytes([buf[off], buf[off + 1]]) as usize;
        let ty = u16::from_ne_bytes([buf[off + 2], buf[off + 3]]) & 0x3fff;
        if len < 4 || off + len > buf.len() {
            return None;
        }
        let val = &buf[off + 4..off + len];
        off += (len + 3) & !3;
        Some((ty, val))
    })
}

/// Attribute types kept inline in `Tb` (every table in use here fits but
/// a link's; its rare higher types spill to a heap vector).
const INLINE: usize = 64;

/// `tb[]`: the last value of each attribute type, kept as the offset of its
/// header (+1; 0 = absent) into the message. Small and inline, because a
/// dump of 10k routes builds 10k tables: a heap table (or a table of
/// slices, 16 bytes a slot, moved on return) was most of the user time.
#[derive(Clone)]
pub struct Tb<'a> {
    buf: &'a [u8],
    inline: [u32; INLINE],
    extra: Vec<u32>,
}

impl Default for Tb<'_> {
    fn default() -> Self {
        Tb {
            buf: &[],
            inline: [0; INLINE],
            extra: Vec::new(),
        }
    }
}

impl<'a> Tb<'a> {
    pub fn parse(buf: &'a [u8]) -> Tb<'a> {
        let mut tb = Tb {
            buf,
            ..Default::default()
        };
        let mut off = 0usize;
        while off + 4 <= buf.len() {
            let len = u16::from_ne_bytes([buf[off], buf[off + 1]]) as usize;
            let ty = (u16::from_ne_bytes([buf[off + 2], buf[off + 3]]) & 0x3fff) as usize;
            if len < 4 || off + len > buf.len() {
                break;
            }
            let slot = off as u32 + 1;
            if ty < INLINE {
                tb.inline[ty] = slot;
            } else {
                let j = ty - INLINE;
                if j >= tb.extra.len() {
                    tb.extra.resize(j + 1, 0);
                }
                tb.extra[j] = slot;
            }
            off += (len + 3) & !3;
        }
        tb
    }
    pub fn get(&self, ty: u16) -> Option<&'a [u8]> {
        let i = ty as usize;
        let slot = match self.inline.get(i) {
            Some(v) => *v,
            None => self.extra.get(i - INLINE).copied().unwrap_or(0),
        };
        let off = (slot as usize).checked_sub(1)?;
        let len = u16::from_ne_bytes([*self.buf.get(off)?, *self.buf.get(off + 1)?]) as usize;
        self.buf.get(off + 4..off + len)
    }
    pub fn has(&self, ty: u16) -> bool {
        self.get(ty).is_some()
    }
    pub fn u8(&self, ty: u16) -> Option<u8> {
        self.get(ty).and_then(|v| v.first().copied())
    }
    pub fn u16(&self, ty: u16) -> Option<u16> {
        self.get(ty)
            .and_then(|v| Some(u16::from_ne_bytes(v.get(..2)?.try_into().ok()?)))
    }
    pub fn be16(&self, ty: u16) -> Option<u16> {
        self.get(ty)
            .and_then(|v| Some(u16::from_be_bytes(v.get(..2)?.try_into().ok()?)))
    }
    pub fn u32(&self, ty: u16) -> Option<u32> {
        self.get(ty)
            .and_then(|v| Some(u32::from_ne_bytes(v.get(..4)?.try_into().ok()?)))
    }
    pub fn u64(&self, ty: u16) -> Option<u64> {
        self.get(ty)
            .and_then(|v| Some(u64::from_ne_bytes(v.get(..8)?.try_into().ok()?)))
    }
    pub fn str(&self, ty: u16) -> Option<&'a str> {
        self.get(ty).map(cstr)
    }
    pub fn nested(&self, ty: u16) -> Tb<'a> {
        self.get(ty).map(Tb::parse).unwrap_or_default()
    }
}

/// A NUL-terminated string value (lossy on bad UTF-8: shown as empty).
pub fn cstr(v: &[u8]) -> &str {
    let end = v.iter().position(|&b| b == 0).unwrap_or(v.len());
    std::str::from_utf8(&v[..end]).unwrap_or("")
}

pub fn u32_at(v: &[u8], off: usize) -> u32 {
    v.get(off..off + 4)
        .and_then(|s| s.try_into().ok())
        .map(u32::from_ne_bytes)
        .unwrap_or(0)
}

pub fn u16_at(v: &[u8], off: usize) -> u16 {
    v.get(off..off + 2)
        .and_then(|s| s.try_into().ok())
        .map(u16::from_ne_bytes)
        .unwrap_or(0)
}

pub fn u64_at(v: &[u8], off: usize) -> u64 {
    v.get(off..off + 8)
        .and_then(|s| s.try_into().ok())
        .map(u64::from_ne_bytes)
        .unwrap_or(0)
}

/// One attribute's bytes (header, payload, padding), for the decoders' unit tests.
#[cfg(test)]
pub(crate) fn test_nla(ty: u16, v: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&(4 + v.len() as u16).to_ne_bytes());
    b.extend_from_slice(&ty.to_ne_bytes());
    b.extend_from_slice(v);
    b.resize((b.len() + 3) & !3, 0);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_and_indexes() {
        // IFLA_IFNAME "lo", IFLA_MTU 65536 (recorded from RTM_NEWLINK bytes)
        let b = [7u8, 0, 3, 0, b'l', b'o', 0, 0, 8, 0, 4, 0, 0, 0, 1, 0];
        let v: Vec<_> = iter(&b).map(|(t, _)| t).collect();
        assert_eq!(v, vec![3, 4]);
        let tb = Tb::parse(&b);
        assert_eq!(tb.str(3), Some("lo"));
        assert_eq!(tb.u32(4), Some(65536));
        assert_eq!(tb.u32(9), None);
    }

    #[test]
    fn high_types_are_kept() {
        // type 70 (beyond the inline table), u32 5
        let b = [8u8, 0, 70, 0, 5, 0, 0, 0];
        let tb = Tb::parse(&b);
        assert_eq!(tb.u32(70), Some(5));
        assert_eq!(tb.u32(71), None);
        assert_eq!(tb.u32(3), None);
    }

    #[test]
    fn truncated_is_safe() {
        let b = [200u8, 0, 3, 0, 1];
        assert_eq!(iter(&b).count(), 0);
    }
}
