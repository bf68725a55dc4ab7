// SPDX-License-Identifier: Apache-2.0
//! The input text of a run. Command words stay in memory. `-f FILE` naming a regular file is
//! read where it is, through a read-only mapping of the file ([`FileMap`]: no copy; a file cut
//! or rewritten during the run is reported by [`Source::unchanged`] instead of faulting).
//! Stdin (`-f -`), pipes and other files that are not regular cannot be read twice, so they
//! are copied (in 64 KiB reads, checked for UTF-8 on the way) into a sealed memory file that
//! the parser reads through a read-only mapping: both passes and the error messages read it.
//! Either way the pages a pass has moved past are dropped from the resident set
//! ([`Source::passed`]), so a large input is never resident whole. Error messages get their
//! source lines back from the same text ([`Source::input_for`]).

use std::borrow::Cow;
use std::io::Read;

use crate::ast::Span;
use crate::erec::{ErrorRecord, Input};
use crate::filemap::FileMap;
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
    /// A regular file mapped where it is (checked to be UTF-8 once).
    File(FileMap),
}

impl Source {
    /// Text held in memory (command words, tests).
    pub fn in_memory(input: Input) -> Source {
        Source {
            name: input.name.clone(),
            body: Body::Mem(input),
        }
    }

    /// The input file `file` under `name`: a regular file is mapped where it is when it is
    /// UTF-8; anything else is read as [`Source::read`] reads.
    pub fn open(name: String, file: std::fs::File) -> std::io::Result<Source> {
        let mut file = match FileMap::new(file) {
            Ok(m) => match utf8_checked(&m) {
                true => {
                    return Ok(Source {
                        name: Some(name),
                        body: Body::File(m),
                    })
                }
                false => m.into_file(),
            },
            Err(f) => f,
        };
        Source::read(name, &mut file)
    }

    /// Whether the text is still what the input file held when it was opened (always true
    /// for text that is not read from a file in place). A file cut under its mapping reads
    /// as zeros from the cut on, so what a pass made of it must not be used.
    pub fn unchanged(&self) -> bool {
        match &self.body {
            Body::File(m) => m.unchanged(),
            _ => true,
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

    /// The name errors give the input (a file's path, `/dev/stdin`).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub fn text(&self) -> &str {
        match &self.body {
            Body::Mem(i) => &i.text,
            // SAFETY: `read` appended only pieces that passed `from_utf8` and end on a
            // character boundary (so their concatenation is UTF-8), and the file is sealed.
            Body::Mapped(m) => unsafe { std::str::from_utf8_unchecked(m.bytes()) },
            // SAFETY: `open` checked the mapped bytes for UTF-8; a cut file reads as zero
            // bytes (UTF-8) from the cut on.
            Body::File(m) => unsafe { std::str::from_utf8_unchecked(m.bytes()) },
        }
    }

    /// A pass has reached byte `at`: drop the resident pages before it, in steps of
    /// [`RELEASE_STEP`] (`*mark` is where the last step ended). Text before `at` that is
    /// read again (a `define`'s tokens) is paged back in.
    pub fn passed(&self, at: usize, mark: &mut usize) {
        if at >= *mark + RELEASE_STEP {
            match &self.body {
                Body::Mapped(m) => m.release(*mark..at),
                Body::File(m) => m.release(*mark..at),
                Body::Mem(_) => {}
            }
            *mark = at;
        }
    }

    /// Drop every resident page of the text (between passes, and before the batch is sent).
    pub fn release_all(&self) {
        match &self.body {
            Body::Mapped(m) => m.release(0..usize::MAX),
            Body::File(m) => m.release(0..usize::MAX),
            Body::Mem(_) => {}
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
            Body::Mapped(_) | Body::File(_) => Cow::Owned(Input {
                name: self.name.clone(),
                text: self.text().to_string(),
            }),
        }
    }
}

/// Whether the mapped file is UTF-8, checked a step at a time with the pages behind dropped.
fn utf8_checked(m: &FileMap) -> bool {
    let b = m.bytes();
    let mut at = 0;
    while at < b.len() {
        let end = (at + RELEASE_STEP).min(b.len());
        match std::str::from_utf8(&b[at..end]) {
            Ok(_) => at = end,
            // A character cut by the step: it starts the next one.
            Err(e) if e.error_len().is_none() && end < b.len() && e.valid_up_to() > 0 => {
                at += e.valid_up_to()
            }
            Err(_) => return false,
        }
        m.release(0..at);
    }
    true
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

    fn temp_file(name: &str, data: &[u8]) -> (std::path::PathBuf, std::fs::File) {
        let path = std::env::temp_dir().join(format!("kroot-src-{}-{name}", std::process::id()));
        std::fs::write(&path, data).expect("write");
        let f = std::fs::File::open(&path).expect("open");
        (path, f)
    }

    #[test]
    fn regular_file_is_read_in_place_and_a_cut_is_reported() {
        let text = "add table ip t { comment \"äöü €𝄞\" ; }\n".repeat(200_000);
        let (path, f) = temp_file("cut", text.as_bytes());
        let s = Source::open("f.nft".into(), f).expect("open");
        assert!(matches!(s.body, Body::File(_)), "mapped in place");
        assert_eq!(s.text(), text);
        assert!(s.unchanged());
        s.release_all();
        // Cut between two passes: the second reads zeros past the cut, no signal.
        let cut = text.len() / 2 / 4096 * 4096;
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|w| w.set_len(cut as u64))
            .expect("truncate");
        let b = s.text().as_bytes();
        assert_eq!(b.len(), text.len());
        assert_eq!(b[..cut], text.as_bytes()[..cut]);
        assert_eq!(b[cut..cut + 4], *b"####");
        assert!(b[cut + 4..].iter().all(|b| *b == 0));
        assert!(!s.unchanged());
        // The parser goes over the cut text (a character split at the cut) without a panic.
        let _ = crate::syntax::parse_each(s.text(), |_, _| true);
        // Cut inside a four-byte character, not on a page: the kernel zeroes the rest of
        // the last page, the pages after it read as the comment mark and zeros.
        std::fs::write(&path, &text).expect("rewrite");
        let f = std::fs::File::open(&path).expect("open");
        let s = Source::open("f.nft".into(), f).expect("open");
        let at = (text.as_bytes()[cut..].iter())
            .position(|b| *b == 0xf0)
            .map(|i| cut + i + 2)
            .expect("a 4-byte character");
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|w| w.set_len(at as u64))
            .expect("truncate");
        let errs = crate::syntax::parse_each(s.text(), |_, _| true);
        assert!(!errs.is_empty(), "the cut line is a syntax error");
        assert!(!s.unchanged());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn file_not_utf8_is_replaced_as_before() {
        let mut data = "add table ip t\n".repeat(400_000).into_bytes();
        data.extend_from_slice(b"add table ip \xff u\n");
        let (path, f) = temp_file("bad", &data);
        let s = Source::open("f.nft".into(), f).expect("open");
        assert_eq!(s.text(), String::from_utf8_lossy(&data));
        assert!(s.unchanged());
        let _ = std::fs::remove_file(&path);
        // Not a regular file: read to its end (a directory fails as read fails).
        let dir = std::fs::File::open(std::env::temp_dir()).expect("dir");
        let e = Source::open("d".into(), dir)
            .err()
            .expect("a directory fails");
        assert_eq!(e.raw_os_error(), Some(libc::EISDIR));
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
