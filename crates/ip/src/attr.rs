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

/// `tb[]`: the last value of each attribute type.
#[derive(Default, Clone)]
pub struct Tb<'a> {
    slots: Vec<Option<&'a [u8]>>,
}

impl<'a> Tb<'a> {
    pub fn parse(buf: &'a [u8]) -> Tb<'a> {
        let mut slots: Vec<Option<&'a [u8]>> = Vec::new();
        for (ty, val) in iter(buf) {
            let i = ty as usize;
            if i >= slots.len() {
                slots.resize(i + 1, None);
            }
            slots[i] = Some(val);
        }
        Tb { slots }
    }
    pub fn get(&self, ty: u16) -> Option<&'a [u8]> {
        self.slots.get(ty as usize).copied().flatten()
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
    fn truncated_is_safe() {
        let b = [200u8, 0, 3, 0, 1];
        assert_eq!(iter(&b).count(), 0);
    }
}
