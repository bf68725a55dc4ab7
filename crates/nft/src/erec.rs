// SPDX-License-Identifier: Apache-2.0
//! Error records (erec.c): the one place nft's diagnostics are printed.
//!
//! Format, byte for byte as nftables writes it: `FILE:LINE:FIRST-LAST: Error: MESSAGE` (the
//! `FILE:…: ` part only for `-f` input; `/dev/stdin` for `-f -`), then the source line, then a
//! marker line with `^` under the primary span and `~` under the others (tabs copied).

use std::io::Write;

use crate::ast::Span;

/// One diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRecord {
    /// Primary location; `None` for errors with no source text (e.g. socket errors).
    pub span: Option<Span>,
    /// Secondary locations, marked with `~`.
    pub others: Vec<Span>,
    pub msg: String,
    pub warning: bool,
}

impl ErrorRecord {
    pub fn new(span: Span, msg: impl Into<String>) -> Self {
        ErrorRecord {
            span: Some(span),
            others: Vec::new(),
            msg: msg.into(),
            warning: false,
        }
    }

    /// An error with no location (`Error: …` alone).
    pub fn bare(msg: impl Into<String>) -> Self {
        ErrorRecord {
            span: None,
            others: Vec::new(),
            msg: msg.into(),
            warning: false,
        }
    }

    pub fn with_other(mut self, span: Span) -> Self {
        self.others.push(span);
        self
    }
}

/// Where the text came from.
#[derive(Debug, Clone)]
pub struct Input {
    /// `Some("/dev/stdin")` or the file path for `-f`; `None` for command-line words.
    pub name: Option<String>,
    pub text: String,
}

/// Line/column view of a span (1-based, columns in bytes, `last` inclusive).
struct Pos {
    line: usize,
    first: usize,
    last: usize,
    line_start: usize,
}

fn locate(text: &str, span: Span) -> Pos {
    let lo = (span.lo as usize).min(text.len());
    let hi = (span.hi as usize).clamp(lo, text.len());
    let line_start = text[..lo].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = text[..lo].bytes().filter(|&b| b == b'\n').count() + 1;
    let first = lo - line_start + 1;
    let last = if hi > lo {
        // A span never crosses its line in the marker: clip at the line end.
        // A span may cover its line's newline (a command with its separator), not beyond.
        let line_end = text[lo..]
            .find('\n')
            .map(|i| lo + i + 1)
            .unwrap_or(text.len());
        hi.min(line_end).max(lo + 1) - line_start
    } else {
        first
    };
    Pos {
        line,
        first,
        last,
        line_start,
    }
}

/// The source line a position is on; at the very end after a final newline, nftables shows the
/// last line of the input (its EOF token keeps the previous line's offset).
fn source_line<'t>(text: &'t str, pos: &Pos) -> &'t str {
    let mut start = pos.line_start;
    if start == text.len() && start > 0 {
        start = text[..start - 1].rfind('\n').map(|i| i + 1).unwrap_or(0);
    }
    let end = text[start..]
        .find('\n')
        .map(|i| start + i)
        .unwrap_or(text.len());
    &text[start..end]
}

/// Print one record in nftables' format.
pub fn print(w: &mut dyn Write, input: &Input, rec: &ErrorRecord) -> std::io::Result<()> {
    let kind = if rec.warning { "Warning" } else { "Error" };
    let Some(span) = rec.span else {
        return writeln!(w, "{kind}: {}", rec.msg);
    };
    let pos = locate(&input.text, span);
    if let Some(name) = &input.name {
        write!(w, "{}:{}:{}-{}: ", name, pos.line, pos.first, pos.last)?;
    }
    writeln!(w, "{kind}: {}", rec.msg)?;
    let line = source_line(&input.text, &pos);
    writeln!(w, "{line}")?;
    let mut marker: Vec<u8> = line
        .bytes()
        .map(|b| if b == b'\t' { b'\t' } else { b' ' })
        .collect();
    let mut mark = |p: &Pos, c: u8| {
        if marker.len() < p.last {
            marker.resize(p.last, b' ');
        }
        for m in &mut marker[p.first - 1..p.last] {
            *m = c;
        }
    };
    for other in &rec.others {
        let p = locate(&input.text, *other);
        if p.line == pos.line {
            mark(&p, b'~');
        }
    }
    mark(&pos, b'^');
    let end = marker
        .iter()
        .rposition(|&b| b != b' ')
        .map(|i| i + 1)
        .unwrap_or(0);
    w.write_all(&marker[..end])?;
    w.write_all(b"\n")
}

/// Print every record (nftables prints at most 10 per run; callers stop collecting there).
pub fn print_all(w: &mut dyn Write, input: &Input, recs: &[ErrorRecord]) {
    for r in recs {
        let _ = print(w, input, r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: Option<&str>, text: &str, span: (usize, usize), msg: &str, expect: &str) {
        let input = Input {
            name: name.map(str::to_string),
            text: text.to_string(),
        };
        let mut out = Vec::new();
        print(
            &mut out,
            &input,
            &ErrorRecord::new(Span::new(span.0, span.1), msg),
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expect);
    }

    #[test]
    fn formats() {
        check(
            Some("/dev/stdin"),
            "add table ip t\nadd rule ip t c jump nosuch\n",
            (36, 42),
            "Could not process rule: No such file or directory",
            "/dev/stdin:2:22-27: Error: Could not process rule: No such file or directory\nadd rule ip t c jump nosuch\n                     ^^^^^^\n",
        );
        check(
            None,
            "add chain ip t c",
            (13, 14),
            "No such file or directory",
            "Error: No such file or directory\nadd chain ip t c\n             ^\n",
        );
        check(
            Some("/tmp/f.nft"),
            "  add rule ip t c\tjump nosuch\n",
            (23, 29),
            "x",
            "/tmp/f.nft:1:24-29: Error: x\n  add rule ip t c\tjump nosuch\n                 \t     ^^^^^^\n",
        );
        check(
            Some("/dev/stdin"),
            "add table ip t {\n",
            (17, 17),
            "syntax error, unexpected end of file",
            "/dev/stdin:2:1-1: Error: syntax error, unexpected end of file\nadd table ip t {\n^\n",
        );
    }
}
