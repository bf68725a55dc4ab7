// SPDX-License-Identifier: Apache-2.0
//! Source spans: byte offsets into one input buffer (nftables' `struct location`, resolved to
//! line/column only when an error is printed, by erec).

/// Half-open byte range `[lo, hi)` in the input the command came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    /// For nodes rebuilt from kernel objects (no source text).
    pub const NONE: Span = Span { lo: 0, hi: 0 };

    pub fn new(lo: usize, hi: usize) -> Span {
        Span {
            lo: lo as u32,
            hi: hi as u32,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
        }
    }

    pub fn is_none(self) -> bool {
        self.lo == 0 && self.hi == 0
    }
}
