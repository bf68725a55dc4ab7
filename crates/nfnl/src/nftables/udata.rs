// SPDX-License-Identifier: Apache-2.0
//! nftables' userdata format (libnftnl `nftnl_udata`): a packed list of
//! `{ u8 type, u8 len, value[len] }`, no padding. Comments are NUL-terminated
//! strings; set key/data byte orders are host-order u32s; typeof info nests
//! another TLV list.

use std::fmt;

use super::value::Bytes;

pub const NFTNL_UDATA_TABLE_COMMENT: u8 = 0;
pub const NFTNL_UDATA_CHAIN_COMMENT: u8 = 0;
pub const NFTNL_UDATA_RULE_COMMENT: u8 = 0;
pub const NFTNL_UDATA_RULE_EBTABLES_POLICY: u8 = 1;
pub const NFTNL_UDATA_OBJ_COMMENT: u8 = 0;
pub const NFTNL_UDATA_SET_KEYBYTEORDER: u8 = 0;
pub const NFTNL_UDATA_SET_DATABYTEORDER: u8 = 1;
pub const NFTNL_UDATA_SET_MERGE_ELEMENTS: u8 = 2;
pub const NFTNL_UDATA_SET_KEY_TYPEOF: u8 = 3;
pub const NFTNL_UDATA_SET_DATA_TYPEOF: u8 = 4;
pub const NFTNL_UDATA_SET_EXPR: u8 = 5;
pub const NFTNL_UDATA_SET_DATA_INTERVAL: u8 = 6;
pub const NFTNL_UDATA_SET_COMMENT: u8 = 7;
pub const NFTNL_UDATA_SET_ELEM_COMMENT: u8 = 0;
pub const NFTNL_UDATA_SET_ELEM_FLAGS: u8 = 1;

/// Builds a userdata blob.
#[derive(Debug, Default, Clone)]
pub struct Udata {
    buf: Vec<u8>,
}

impl Udata {
    pub fn new() -> Self {
        Self::default()
    }

    /// One TLV; values longer than 255 bytes are cut (the format's limit).
    pub fn put(&mut self, kind: u8, value: &[u8]) {
        let v = &value[..value.len().min(255)];
        self.buf.push(kind);
        self.buf.push(v.len() as u8);
        self.buf.extend_from_slice(v);
    }

    /// A string with its terminating NUL, as nft stores comments.
    pub fn put_str(&mut self, kind: u8, s: &str) {
        let mut v = s.as_bytes()[..s.len().min(254)].to_vec();
        v.push(0);
        self.put(kind, &v);
    }

    /// A host-order u32 (byte order markers).
    pub fn put_u32(&mut self, kind: u8, v: u32) {
        self.put(kind, &v.to_ne_bytes());
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

/// Iterate over the TLVs of a blob; a truncated TLV ends the walk.
pub fn iter(buf: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    let mut rest = buf;
    std::iter::from_fn(move || {
        if rest.len() < 2 {
            return None;
        }
        let (kind, len) = (rest[0], rest[1] as usize);
        let value = rest.get(2..2 + len)?;
        rest = &rest[2 + len..];
        Some((kind, value))
    })
}

/// The value of the first TLV of `kind`.
pub fn find(buf: &[u8], kind: u8) -> Option<&[u8]> {
    iter(buf).find(|(k, _)| *k == kind).map(|(_, v)| v)
}

/// A string TLV, without its NUL.
pub fn string(v: &[u8]) -> String {
    let end = v.iter().position(|&b| b == 0).unwrap_or(v.len());
    String::from_utf8_lossy(&v[..end]).into_owned()
}

/// A host-order u32 TLV.
pub fn u32_of(v: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(v.get(..4)?.try_into().ok()?))
}

/// The comment TLV of a userdata attribute.
pub fn comment(u: &Bytes, kind: u8) -> Option<String> {
    find(&u.0, kind).map(string)
}

/// libnftnl's escaped rendering of userdata bytes (`\x00\x19masq…\x00`).
pub struct Escaped<'a>(pub &'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in self.0 {
            if b.is_ascii_graphic() || b == b' ' {
                write!(f, "{}", b as char)?;
            } else {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_roundtrip_and_escape() {
        let mut u = Udata::new();
        u.put_str(0, "masquerade local traffic");
        let b = u.into_bytes();
        assert_eq!(
            find(&b, 0).map(string).as_deref(),
            Some("masquerade local traffic")
        );
        assert_eq!(
            Escaped(&b).to_string(),
            "\\x00\\x19masquerade local traffic\\x00"
        );
        assert!(iter(&[0, 9, 1]).next().is_none());
    }
}
