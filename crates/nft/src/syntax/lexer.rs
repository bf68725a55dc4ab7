// SPDX-License-Identifier: Apache-2.0
//! The lexer (scanner.l): words, quoted strings, numbers, IPv4/IPv6 addresses, punctuation,
//! newlines (a command separator like `;`) and `#` comments.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::ast::Span;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tok<'a> {
    /// An unquoted word: a keyword or a string (`kube-proxy`, `3h`, `endpoint-X/tcp__1.2.3.4/80`).
    Word(&'a str),
    /// `"…"` without the quotes.
    Quoted(&'a str),
    Number(u64),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    /// One of `{ } ( ) [ ] ; , : . / - + @ $ = * & | ^ ! ~ < >` or `== != <= >= << >>`.
    Punct(&'static str),
    Newline,
    /// A character no token starts with (an unterminated `"`, for instance).
    Junk,
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token<'a> {
    pub tok: Tok<'a>,
    pub span: Span,
}

pub struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

/// Byte classes: a word may start with it, continue with it.
const START: u8 = 1;
const WORD: u8 = 2;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphabetic() || b == b'_' || b == b'.' {
            t[c] |= START;
        }
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.') {
            t[c] |= WORD;
        }
        c += 1;
    }
    t
};

#[inline(always)]
fn is_word_start(c: u8) -> bool {
    CLASS[c as usize] & START != 0
}

#[inline(always)]
fn is_word_char(c: u8) -> bool {
    CLASS[c as usize] & WORD != 0
}

/// The punctuation token at `rest` (two-character operators first), if any.
fn punct(rest: &[u8]) -> Option<&'static str> {
    let two = match (rest.first()?, rest.get(1)) {
        (b'=', Some(b'=')) => Some("=="),
        (b'!', Some(b'=')) => Some("!="),
        (b'<', Some(b'=')) => Some("<="),
        (b'>', Some(b'=')) => Some(">="),
        (b'<', Some(b'<')) => Some("<<"),
        (b'>', Some(b'>')) => Some(">>"),
        _ => None,
    };
    if two.is_some() {
        return two;
    }
    Some(match rest[0] {
        b'{' => "{",
        b'}' => "}",
        b'(' => "(",
        b')' => ")",
        b'[' => "[",
        b']' => "]",
        b';' => ";",
        b',' => ",",
        b':' => ":",
        b'.' => ".",
        b'/' => "/",
        b'-' => "-",
        b'+' => "+",
        b'@' => "@",
        b'$' => "$",
        b'=' => "=",
        b'*' => "*",
        b'&' => "&",
        b'|' => "|",
        b'^' => "^",
        b'!' => "!",
        b'~' => "~",
        b'<' => "<",
        b'>' => ">",
        _ => return None,
    })
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer { src, pos: 0 }
    }

    /// Tokenize the whole input (the last token is `Eof`).
    pub fn tokens(mut self) -> Vec<Token<'a>> {
        let mut out = Vec::with_capacity(self.src.len() / 4);
        loop {
            let t = self.next_token();
            let end = t.tok == Tok::Eof;
            out.push(t);
            if end {
                return out;
            }
        }
    }

    pub fn next_token(&mut self) -> Token<'a> {
        let b = self.src.as_bytes();
        // Blanks and comments.
        while self.pos < b.len() {
            match b[self.pos] {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' if b.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
                b'#' => {
                    while self.pos < b.len() && b[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let start = self.pos;
        if start >= b.len() {
            return self.tok(Tok::Eof, start);
        }
        let c = b[start];
        if c == b'\n' {
            self.pos += 1;
            return self.tok(Tok::Newline, start);
        }
        if c == b'"' {
            return match self.src[start + 1..].find('"') {
                Some(n) => {
                    self.pos = start + 1 + n + 1;
                    self.tok(Tok::Quoted(&self.src[start + 1..start + 1 + n]), start)
                }
                None => {
                    self.pos += 1;
                    self.tok(Tok::Junk, start)
                }
            };
        }
        if c.is_ascii_hexdigit() || c == b':' {
            if let Some(t) = self.ipv6(start) {
                return t;
            }
        }
        if c.is_ascii_digit() {
            return self.digits(start);
        }
        if is_word_start(c)
            && (c != b'.'
                || b.get(start + 1)
                    .is_some_and(|&n| is_word_char(n) && n != b'.'))
        {
            let mut end = start + 1;
            while end < b.len() && is_word_char(b[end]) {
                end += 1;
            }
            self.pos = end;
            return self.tok(Tok::Word(&self.src[start..end]), start);
        }
        let rest = &self.src[start..];
        if let Some(p) = punct(rest.as_bytes()) {
            self.pos += p.len();
            return self.tok(Tok::Punct(p), start);
        }
        // Skip one whole character (UTF-8 safe).
        let len = rest.chars().next().map(char::len_utf8).unwrap_or(1);
        self.pos += len;
        self.tok(Tok::Junk, start)
    }

    fn tok(&self, tok: Tok<'a>, start: usize) -> Token<'a> {
        Token {
            tok,
            span: Span::new(start, self.pos),
        }
    }

    /// An IPv6 address: a run of hex digits, ':' and '.' with at least two ':' that parses.
    fn ipv6(&mut self, start: usize) -> Option<Token<'a>> {
        let b = self.src.as_bytes();
        let mut end = start;
        let mut colons = 0;
        while end < b.len() && (b[end].is_ascii_hexdigit() || b[end] == b':' || b[end] == b'.') {
            colons += (b[end] == b':') as usize;
            end += 1;
        }
        if colons < 2 {
            return None;
        }
        // A link-layer address (`62:87:4d:d6:19:05`) is a string, resolved by its datatype.
        let run = &self.src[start..end];
        if colons == 5
            && !run.contains("::")
            && !run.contains('.')
            && run.split(':').all(|p| (1..=2).contains(&p.len()))
            && !(end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_'))
        {
            self.pos = end;
            return Some(self.tok(Tok::Word(run), start));
        }
        // Letters right after (`fe80::1x`) make it something else.
        if end < b.len() && (b[end].is_ascii_alphabetic() || b[end] == b'_') {
            return None;
        }
        // A trailing '.' or ':' belongs to the next token (`::1 . tcp`).
        let mut text = &self.src[start..end];
        while text.ends_with('.') || (text.ends_with(':') && !text.ends_with("::")) {
            text = &text[..text.len() - 1];
        }
        let addr: Ipv6Addr = text.parse().ok()?;
        self.pos = start + text.len();
        Some(self.tok(Tok::Ipv6(addr), start))
    }

    /// Digit-led: a number (decimal, 0x hex, 0-led octal), a dotted quad, or else a string
    /// (`3h`, `10800s`, `1.2.3.256`).
    fn digits(&mut self, start: usize) -> Token<'a> {
        let b = self.src.as_bytes();
        let mut end = start;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'.' || b[end] == b'_')
        {
            end += 1;
        }
        let mut text = &self.src[start..end];
        // `1.2.3.4.` never happens; a trailing '.' is a concatenation dot (`80 . x`)
        while text.ends_with('.') {
            text = &text[..text.len() - 1];
        }
        self.pos = start + text.len();
        if text.bytes().all(|c| c.is_ascii_digit()) {
            let (digits, radix) = if text.len() > 1 && text.starts_with('0') {
                (&text[1..], 8)
            } else {
                (text, 10)
            };
            if let Ok(n) = u64::from_str_radix(digits, radix) {
                return self.tok(Tok::Number(n), start);
            }
            return self.tok(Tok::Word(text), start);
        }
        if let Some(h) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            if let Ok(n) = u64::from_str_radix(h, 16) {
                return self.tok(Tok::Number(n), start);
            }
        }
        if text.bytes().all(|c| c.is_ascii_digit() || c == b'.')
            && text.bytes().filter(|&c| c == b'.').count() == 3
        {
            if let Ok(a) = text.parse::<Ipv4Addr>() {
                return self.tok(Tok::Ipv4(a), start);
            }
        }
        // Words that start with digits may continue with the string characters.
        let mut end = self.pos;
        while end < b.len() && is_word_char(b[end]) && b[end] != b'.' {
            end += 1;
        }
        self.pos = end;
        self.tok(Tok::Word(&self.src[start..end]), start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        let got: Vec<String> = Lexer::new(input)
            .tokens()
            .into_iter()
            .map(|t| match t.tok {
                Tok::Word(w) => format!("w:{w}"),
                Tok::Quoted(q) => format!("q:{q}"),
                Tok::Number(n) => format!("n:{n}"),
                Tok::Ipv4(a) => format!("4:{a}"),
                Tok::Ipv6(a) => format!("6:{a}"),
                Tok::Punct(p) => p.to_string(),
                Tok::Newline => "NL".into(),
                Tok::Junk => "JUNK".into(),
                Tok::Eof => "EOF".into(),
            })
            .collect();
        assert_eq!(got.join(" "), expect, "input: {input}");
    }

    #[test]
    fn words_numbers_addresses() {
        check(
            "add rule ip kube-proxy endpoint-AB-ns1/svc1/tcp/p80__10.0.0.1/80 ip saddr 10.0.0.1 jump mark-for-masquerade",
            "w:add w:rule w:ip w:kube-proxy w:endpoint-AB-ns1/svc1/tcp/p80__10.0.0.1/80 w:ip w:saddr 4:10.0.0.1 w:jump w:mark-for-masquerade EOF",
        );
        check(
            "ip saddr != 10.0.0.0/8",
            "w:ip w:saddr != 4:10.0.0.0 / n:8 EOF",
        );
        check(
            "mark set mark or 0x004000",
            "w:mark w:set w:mark w:or n:16384 EOF",
        );
        check("timeout 10800s ; }", "w:timeout w:10800s ; } EOF");
        check("dnat to 10.0.0.1:80", "w:dnat w:to 4:10.0.0.1 : n:80 EOF");
        check(
            "dnat to [fd00::1]:80",
            "w:dnat w:to [ 6:fd00::1 ] : n:80 EOF",
        );
        check(
            "{ 1.2.3.4 . tcp . 80 : goto x }",
            "{ 4:1.2.3.4 . w:tcp . n:80 : w:goto w:x } EOF",
        );
        check("{ fd00::1 . tcp . 80 }", "{ 6:fd00::1 . w:tcp . n:80 } EOF");
        check("priority dstnat - 10", "w:priority w:dstnat - n:10 EOF");
        check("priority -110", "w:priority - n:110 EOF");
        check("comment \"a b\" # c\n", "w:comment q:a b NL EOF");
        check("comment \"abc ; }", "w:comment JUNK w:abc ; } EOF");
        check("ip saddr 1.2.3.256", "w:ip w:saddr w:1.2.3.256 EOF");
        check("@affinity-X", "@ w:affinity-X EOF");
        check(
            "ct state established,related",
            "w:ct w:state w:established , w:related EOF",
        );
    }
}
