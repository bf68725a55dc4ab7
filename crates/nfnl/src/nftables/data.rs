// SPDX-License-Identifier: Apache-2.0
//! NFTA_DATA_*: a register value (bytes) or a verdict (code + chain), as the
//! kernel nests them in cmp, immediate, bitwise, range and set elements.

use std::fmt;

use super::consts::*;
use super::value::{context, AttrValue};
use crate::attr::{Attr, Writer};
use crate::error::Error;

/// A verdict: NF_ACCEPT/NF_DROP or an NFT_* code, with the target chain of
/// jump and goto.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Verdict {
    pub code: i32,
    pub chain: Option<String>,
    pub chain_id: Option<u32>,
}

impl Verdict {
    pub fn new(code: i32) -> Self {
        Verdict {
            code,
            chain: None,
            chain_id: None,
        }
    }

    pub fn to_chain(code: i32, chain: &str) -> Self {
        Verdict {
            code,
            chain: Some(chain.to_string()),
            chain_id: None,
        }
    }

    /// libnftnl's name for the code (`accept`, `jump`, …).
    pub fn code_name(&self) -> &'static str {
        match self.code {
            NF_ACCEPT => "accept",
            NF_DROP => "drop",
            NF_STOLEN => "stolen",
            NF_QUEUE => "queue",
            NF_REPEAT => "repeat",
            NF_STOP => "stop",
            NFT_RETURN => "return",
            NFT_JUMP => "jump",
            NFT_GOTO => "goto",
            NFT_CONTINUE => "continue",
            NFT_BREAK => "break",
            _ => "unknown",
        }
    }
}

/// One NFTA_DATA_* payload.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Data {
    Value(Vec<u8>),
    Verdict(Verdict),
}

impl Data {
    pub fn value(&self) -> Option<&[u8]> {
        match self {
            Data::Value(v) => Some(v),
            Data::Verdict(_) => None,
        }
    }

    pub fn verdict(&self) -> Option<&Verdict> {
        match self {
            Data::Verdict(v) => Some(v),
            Data::Value(_) => None,
        }
    }
}

impl AttrValue for Data {
    fn put(&self, w: &mut Writer, kind: u16) {
        let n = w.nest_start(kind);
        match self {
            Data::Value(v) => w.put(NFTA_DATA_VALUE, v),
            Data::Verdict(v) => {
                let vn = w.nest_start(NFTA_DATA_VERDICT);
                w.put_be32(NFTA_VERDICT_CODE, v.code as u32);
                if let Some(c) = &v.chain {
                    w.put_str(NFTA_VERDICT_CHAIN, c);
                }
                if let Some(id) = v.chain_id {
                    w.put_be32(NFTA_VERDICT_CHAIN_ID, id);
                }
                w.nest_end(vn);
            }
        }
        w.nest_end(n);
    }

    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        for inner in a.nested() {
            let inner = inner.map_err(|e| context("data", e))?;
            match inner.kind {
                NFTA_DATA_VALUE => return Ok(Data::Value(inner.value.to_vec())),
                NFTA_DATA_VERDICT => {
                    let mut v = Verdict::new(0);
                    let mut have_code = false;
                    for va in inner.nested() {
                        let va = va.map_err(|e| context("verdict", e))?;
                        match va.kind {
                            NFTA_VERDICT_CODE => {
                                v.code = va.be32().map_err(|e| context("verdict code", e))? as i32;
                                have_code = true;
                            }
                            NFTA_VERDICT_CHAIN => {
                                v.chain = Some(
                                    va.str()
                                        .map_err(|e| context("verdict chain", e))?
                                        .to_string(),
                                )
                            }
                            NFTA_VERDICT_CHAIN_ID => v.chain_id = va.be32().ok(),
                            _ => {}
                        }
                    }
                    if !have_code {
                        return Err(Error::Malformed("failed to parse verdict: no code".into()));
                    }
                    return Ok(Data::Verdict(v));
                }
                _ => {}
            }
        }
        Err(Error::Malformed(
            "failed to parse data: neither value nor verdict".into(),
        ))
    }
}

/// libnftnl's value text: each 32-bit word in host (little-endian) order,
/// `0x%08x`, separated by spaces, zero-padded at the end.
pub struct HexWords<'a>(pub &'a [u8]);

impl fmt::Display for HexWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, chunk) in self.0.chunks(4).enumerate() {
            let mut w = [0u8; 4];
            w[..chunk.len()].copy_from_slice(chunk);
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "0x{:08x}", u32::from_le_bytes(w))?;
        }
        Ok(())
    }
}

impl fmt::Display for Data {
    /// `0x0100a8c0` words for values, `jump -> chain` for verdicts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Data::Value(v) => HexWords(v).fmt(f),
            Data::Verdict(v) => fmt::Display::fmt(v, f),
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code_name())?;
        if let Some(c) = &self.chain {
            write!(f, " -> {c}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::AttrIter;

    #[test]
    fn words_are_little_endian() {
        assert_eq!(HexWords(&[192, 168, 0, 1]).to_string(), "0x0100a8c0");
        assert_eq!(HexWords(&[0, 80]).to_string(), "0x00005000");
        assert_eq!(
            HexWords(&[1, 2, 3, 4, 5]).to_string(),
            "0x04030201 0x00000005"
        );
    }

    #[test]
    fn verdict_roundtrip() {
        let d = Data::Verdict(Verdict::to_chain(NFT_GOTO, "svc"));
        let mut w = Writer::new();
        d.put(&mut w, 2);
        let a = AttrIter::new(w.as_bytes()).next().unwrap().unwrap();
        let back = Data::get(&a).unwrap();
        assert_eq!(back, d);
        assert_eq!(back.to_string(), "goto -> svc");
    }
}
