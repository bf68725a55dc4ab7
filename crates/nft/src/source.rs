// SPDX-License-Identifier: Apache-2.0
//! The input text of a run. Command words stay in memory; `-f FILE` and `-f -` are copied
//! (in 64 KiB reads, checked for UTF-8 on the way) into a sealed memory file that the parser
//! reads through a read-only mapping, and the pages a pass has moved past are dropped from the
//! resident set ([`Source::passed`]), so a large input is never resident whole. Error messages
//! get their source lines back from the same file ([`Source::input_for`]).

use std::borrow::Cow;
use std::io::Read;

use crate::ast::Span;
use crate::erec::{ErrorRecord, Input};
use crate::spill::{Mapped, Spill};

/// How far a pass moves before the pages behind it are dropped.
const RELEASE_STEP: usize = 4 << 20;

pub struct Source {
    name: Option<String>,
    body: Body,
}

enum Body {
    Mem(Input),
    Mapped(Mapped),
}

impl Source {
    /// Text held in memory (command words, tests).
    pub fn in_memory(input: Input) -> Source {
        Source {
            name: input.name.clone(),
            body: Body::Mem(input),
        }
    }

    /// Read `r` to its end under `name`. The text goes to a memory file when one can be
    /// made and the bytes are UTF-8; otherwise it is held in memory (invalid UTF-8 replaced
    /// as before).
    pub fn read(name: String, r: &mut dyn Read) -> std::io::Result<Source> {
        let Some(mut spill) = Spill::new(c"nft-input") else {
            return Ok(Source::in_memory(read_lossy(name, Vec::new(), r)?));
        };
        let mut buf = vec![0u8; 64 << 10];
        let mut have = 0;
        loop {
            let n = match r.read(&mut buf[have..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let end = have + n;
            let valid = match std::str::from_utf8(&buf[..end]) {
                Ok(_) => end,
                // A character cut by the read: keep its start for the next one.
                Err(e) if e.error_len().is_none() && n > 0 => e.valid_up_to(),
                Err(_) => {
                    // Not UTF-8: the in-memory path replaces the bad bytes.
                    let mut head = vec![0u8; spill.len() as usize];
                    spill.read_at(&mut head, 0)?;
                    head.extend_from_slice(&buf[..end]);
                    return Ok(Source::in_memory(read_lossy(name, head, r)?));
                }
            };
            spill.append(&buf[..valid])?;
            buf.copy_within(valid..end, 0);
            have = end - valid;
            if n == 0 {
                break;
            }
        }
        let body = match spill.map(false) {
            Ok(m) => Body::Mapped(m),
            // Empty, or the kernel would not seal or map it: the text in memory.
            Err(spill) => Body::Mem(read_lossy(
                name.clone(),
                spill.into_bytes()?,
                &mut std::io::empty(),
            )?),
        };
        Ok(Source {
            name: Some(name),
            body,
        })
    }

    pub fn text(&self) -> &str {
        match &self.body {
            Body::Mem(i) => &i.text,
            // SAFETY: `read` appended only pieces that passed `from_utf8` and end on a
            // character boundary (so their concatenation is UTF-8), and the file is sealed.
            Body::Mapped(m) => unsafe { std::str::from_utf8_unchecked(m.bytes()) },
        }
    }

    /// A pass has reached byte `at`: drop the resident pages before it, in steps of
    /// [`RELEASE_STEP`] (`*mark` is where the last step ended). Text before `at` that is
    /// read again (a `define`'s tokens) is paged back in.
    pub fn passed(&self, at: usize, mark: &mut usize) {
        if let Body::Mapped(m) = &self.body {
            if at >= *mark + RELEASE_STEP {
                m.release(*mark..at);
                *mark = at;
            }
        }
    }

    /// Drop every resident page of the text (between passes, and before the batch is sent).
    pub fn release_all(&self) {
        if let Body::Mapped(m) = &self.body {
            m.release(0..usize::MAX);
        }
    }

    /// The input as the error printer sees it: for a mapped text, the prefix that holds every
    /// line the records point at (so the printed bytes are those of the whole text).
    pub fn input_for(&self, recs: &[ErrorRecord]) -> Cow<'_, Input> {
        if let Body::Mem(i) = &self.body {
            return Cow::Borrowed(i);
        }
        let text = self.text();
        let line_end = |s: &Span| {
            let lo = (s.lo as usize).min(text.len());
            text.as_bytes()[lo..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|i| lo + i + 1)
                .unwrap_or(text.len())
        };
        let cut = recs
            .iter()
            .flat_map(|r| r.span.iter().chain(&r.others))
            .map(line_end)
            .max()
            .unwrap_or(0);
        let input = Input {
            name: self.name.clone(),
            text: text[..cut].to_string(),
        };
        self.release_all();
        Cow::Owned(input)
    }

    /// The whole input in memory (for the `list` commands' errors).
    pub fn whole(&self) -> Cow<'_, Input> {
        match &self.body {
            Body::Mem(i) => Cow::Borrowed(i),
            Body::Mapped(_) => Cow::Owned(Input {
                name: self.name.clone(),
                text: self.text().to_string(),
            }),
        }
    }
}

/// The rest of `r` after `head`, as text with invalid UTF-8 replaced.
fn read_lossy(name: String, mut head: Vec<u8>, r: &mut dyn Read) -> std::io::Result<Input> {
    r.read_to_end(&mut head)?;
    let text = match String::from_utf8(head) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok(Input {
        name: Some(name),
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per read (cuts characters apart).
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn read(data: &[u8], step: usize) -> Source {
        Source::read("/dev/stdin".into(), &mut Trickle { data, step }).expect("read")
    }

    #[test]
    fn utf8_cut_by_reads_is_the_same_text() {
        let text = "add table ip t { comment \"äöü €𝄞\" ; }\n".repeat(5000);
        for step in [1, 2, 3, 5, 64 << 10, 1 << 20] {
            let s = read(text.as_bytes(), step);
            assert!(matches!(s.body, Body::Mapped(_)), "step {step}: spilled");
            assert_eq!(s.text(), text, "step {step}");
            // Dropping the resident pages keeps the bytes.
            s.release_all();
            assert_eq!(s.text(), text, "step {step}, after release");
        }
    }

    #[test]
    fn invalid_utf8_is_replaced_as_before() {
        let mut data = "add table ip t\n".repeat(10_000).into_bytes();
        data.extend_from_slice(b"add table ip \xff\xfe u\n");
        // A character cut at the very end.
        data.extend_from_slice(&"€".as_bytes()[..2]);
        for step in [7, 64 << 10] {
            let s = read(&data, step);
            assert_eq!(s.text(), String::from_utf8_lossy(&data), "step {step}");
        }
        // Only the last character cut: valid until the end of the input.
        let mut data = "add table ip t\n".repeat(10_000).into_bytes();
        data.extend_from_slice(&"€".as_bytes()[..2]);
        let s = read(&data, 64 << 10);
        assert_eq!(s.text(), String::from_utf8_lossy(&data));
        assert!(s.text().ends_with('\u{fffd}'));
    }

    #[test]
    fn empty_input() {
        let s = read(b"", 10);
        assert_eq!(s.text(), "");
    }

    #[test]
    fn error_input_is_a_prefix_through_every_marked_line() {
        let text = "add table ip t\n".repeat(1000) + "add chain ip t c\nadd rule x\n";
        let s = read(text.as_bytes(), 4096);
        let at = |needle: &str| text.find(needle).expect("in text") as u32;
        let lo = at("chain");
        let rec = ErrorRecord::new(Span { lo, hi: lo + 5 }, "x");
        let i = s.input_for(std::slice::from_ref(&rec));
        assert_eq!(i.name.as_deref(), Some("/dev/stdin"));
        assert_eq!(i.text, text[..at("add rule") as usize]);
        // The end of the input (an unclosed block): the whole text.
        let end = ErrorRecord::new(Span::new(text.len(), text.len()), "eof");
        assert_eq!(s.input_for(&[end]).text, text);
    }
}
