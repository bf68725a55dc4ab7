// SPDX-License-Identifier: Apache-2.0
//! The output layer shared by every object: iproute2's `print_*` family
//! (lib/json_print.c) over a streaming JSON writer (lib/json_writer.c).
//! Each call is either text-only, JSON-only or both ("any"); text goes out
//! as given, JSON gets key and typed value. `-o` turns the record's inner
//! newlines into `\`.

use std::io::Write;

use kcommon::bytes::dec;

/// lib/color.c's attributes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Ifname,
    Mac,
    Inet,
    Inet6,
    Up,
    Down,
    None,
}

impl Color {
    /// `ifa_family_color`.
    pub fn family(f: u8) -> Color {
        match f {
            2 => Color::Inet,
            10 => Color::Inet6,
            _ => Color::None,
        }
    }
    /// `oper_state_color`.
    pub fn operstate(s: u8) -> Color {
        match s {
            6 => Color::Up,
            2 => Color::Down,
            _ => Color::None,
        }
    }
    fn code(self, dark: bool) -> &'static str {
        let light = [
            "\x1b[36m", "\x1b[33m", "\x1b[35m", "\x1b[34m", "\x1b[32m", "\x1b[31m",
        ];
        let bold = [
            "\x1b[1;36m",
            "\x1b[1;33m",
            "\x1b[1;35m",
            "\x1b[1;34m",
            "\x1b[1;32m",
            "\x1b[1;31m",
        ];
        let i = match self {
            Color::Ifname => 0,
            Color::Mac => 1,
            Color::Inet => 2,
            Color::Inet6 => 3,
            Color::Up => 4,
            Color::Down => 5,
            Color::None => return "",
        };
        if dark {
            bold[i]
        } else {
            light[i]
        }
    }
}

pub struct Out {
    /// Colour the text (`-c`), with the dark-background palette or not.
    pub color: Option<bool>,
    pub json: bool,
    pretty: bool,
    pub oneline: bool,
    buf: String,
    depth: usize,
    sep: bool,
}

/// Append `v` to `out` without a `memcpy` call for short pieces (musl's
/// `memcpy` per piece was a quarter of `ip route`'s and `ip link`'s user time
/// over 1000 links / 10k routes; see [`kcommon::bytes`]).
pub use kcommon::bytes::put_str as put;

/// Append one ASCII byte (no UTF-8 encoding step).
#[inline]
pub fn put_b(out: &mut String, b: u8) {
    debug_assert!(b.is_ascii());
    if b.is_ascii() {
        // SAFETY: an ASCII byte keeps the string UTF-8.
        unsafe { out.as_mut_vec() }.push(b);
    }
}

/// Replace the first printf conversion (`%s`, `%u`, `%d`, `%x`, `%llu`…) in
/// `fmt` by `v`. A literal `%%` is kept as `%`.
pub fn fmt1(fmt: &str, v: &str) -> String {
    let mut out = String::with_capacity(fmt.len() + v.len());
    fmt1_into(&mut out, fmt, v);
    out
}

/// `fmt1` appended to `out` (no temporary string; slices, not chars).
fn fmt1_into(out: &mut String, fmt: &str, v: &str) {
    let b = fmt.as_bytes();
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&c| c == b'%').map(|p| p + i) {
        put(out, &fmt[i..p]);
        if b.get(p + 1) == Some(&b'%') {
            put_b(out, b'%');
            i = p + 2;
            continue;
        }
        // the conversion: up to and with its letter (length modifiers l, h)
        let mut j = p + 1;
        while j < b.len() {
            let c = b[j];
            j += 1;
            if c.is_ascii_alphabetic() && c != b'l' && c != b'h' {
                break;
            }
        }
        put(out, v);
        // later conversions are text (one value per call)
        put(out, fmt.get(j..).unwrap_or(""));
        return;
    }
    put(out, &fmt[i..]);
}

/// Append `v` in decimal.
pub use kcommon::bytes::put_u64_str as put_u64;

fn json_escape(s: &str, out: &mut String) {
    put_b(out, b'"');
    // runs of plain characters go out in one piece
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'\t' => "\\t",
            b'\n' => "\\n",
            b'\r' => "\\r",
            0x0c => "\\f",
            0x08 => "\\b",
            b'\\' => "\\\\",
            b'"' => "\\\"",
            _ => continue,
        };
        put(out, &s[start..i]);
        put(out, esc);
        start = i + 1;
    }
    put(out, &s[start..]);
    put_b(out, b'"');
}

impl Out {
    pub fn new(json: bool, pretty: bool, oneline: bool) -> Out {
        Out {
            color: None,
            json,
            pretty: json && pretty,
            oneline,
            buf: String::with_capacity(1 << 16),
            depth: 0,
            sep: false,
        }
    }

    /// The record-internal line separator (`_SL_`).
    pub fn sl(&self) -> &'static str {
        if self.oneline {
            "\\"
        } else {
            "\n"
        }
    }

    // ---- JSON writer -------------------------------------------------
    fn eol(&mut self) {
        if self.pretty {
            put_b(&mut self.buf, b'\n');
            for _ in 0..self.depth {
                put(&mut self.buf, "    ");
            }
        }
    }
    fn eor(&mut self) {
        if self.sep {
            put_b(&mut self.buf, b',');
        }
        self.sep = true;
    }
    fn name(&mut self, name: &str) {
        self.eor();
        self.eol();
        self.sep = false;
        json_escape(name, &mut self.buf);
        put_b(&mut self.buf, b':');
        if self.pretty {
            put_b(&mut self.buf, b' ');
        }
    }
    fn key(&mut self, key: Option<&str>) {
        if let Some(k) = key {
            self.name(k);
        }
    }
    fn raw_value(&mut self, v: &str) {
        self.eor();
        put(&mut self.buf, v);
    }
    fn begin(&mut self, c: char) {
        self.eor();
        put_b(&mut self.buf, c as u8);
        self.depth += 1;
        self.sep = false;
    }
    fn end(&mut self, c: char) {
        self.depth = self.depth.saturating_sub(1);
        if self.sep {
            self.eol();
        }
        put_b(&mut self.buf, c as u8);
        self.sep = true;
    }

    // ---- JSON-only calls (PRINT_JSON) ---------------------------------
    pub fn j_str(&mut self, key: Option<&str>, v: &str) {
        if self.json {
            self.key(key);
            self.eor();
            json_escape(v, &mut self.buf);
        }
    }
    pub fn j_u(&mut self, key: Option<&str>, v: u64) {
        if self.json {
            self.key(key);
            self.raw_value(&v.to_string());
        }
    }
    pub fn j_i(&mut self, key: Option<&str>, v: i64) {
        if self.json {
            self.key(key);
            self.raw_value(&v.to_string());
        }
    }
    pub fn j_bool(&mut self, key: Option<&str>, v: bool) {
        if self.json {
            self.key(key);
            self.raw_value(if v { "true" } else { "false" });
        }
    }
    pub fn j_null(&mut self, key: Option<&str>) {
        if self.json {
            self.key(key);
            self.raw_value("null");
        }
    }
    pub fn obj_open(&mut self, key: Option<&str>) {
        if self.json {
            self.key(key);
            self.begin('{');
        }
    }
    pub fn obj_close(&mut self) {
        if self.json {
            self.end('}');
        }
    }
    pub fn arr_open(&mut self, key: Option<&str>) {
        if self.json {
            self.key(key);
            self.begin('[');
            if self.pretty {
                put_b(&mut self.buf, b' ');
            }
        }
    }
    pub fn arr_close(&mut self) {
        if self.json {
            if self.pretty && self.sep {
                put_b(&mut self.buf, b' ');
            }
            self.sep = false;
            self.end(']');
        }
    }

    // ---- text-only calls (PRINT_FP) -----------------------------------
    pub fn fp(&mut self, s: &str) {
        if !self.json {
            put(&mut self.buf, s);
        }
    }
    /// `print_nl()`: the record-internal newline.
    pub fn nl(&mut self) {
        if !self.json {
            let sl = self.sl();
            put(&mut self.buf, sl);
        }
    }

    // ---- both (PRINT_ANY) ---------------------------------------------
    /// String: JSON `key: v`, text `fmt` with `v` in it.
    pub fn s(&mut self, key: Option<&str>, fmt: &str, v: &str) {
        if self.json {
            self.j_str(key, v);
        } else {
            fmt1_into(&mut self.buf, fmt, v);
        }
    }
    /// `print_color_string`: like `s`, the text wrapped in colour codes.
    pub fn cs(&mut self, key: Option<&str>, c: Color, fmt: &str, v: &str) {
        if self.json {
            self.j_str(key, v);
        } else if self.color.is_none() || c == Color::None {
            fmt1_into(&mut self.buf, fmt, v);
        } else {
            let t = fmt1(fmt, v);
            self.colored(c, &t);
        }
    }
    /// The text buffer, for printers that write a piece in place (None
    /// with `-j`).
    pub fn text(&mut self) -> Option<&mut String> {
        if self.json {
            None
        } else {
            Some(&mut self.buf)
        }
    }
    /// Text-only: what `f` writes, wrapped in colour codes when colour is
    /// on (`color_fprintf` without a temporary string).
    pub fn colored_with(&mut self, c: Color, f: impl FnOnce(&mut String)) {
        if self.json {
            return;
        }
        let color = match self.color {
            Some(dark) if c != Color::None => Some(c.code(dark)),
            _ => None,
        };
        if let Some(code) = color {
            put(&mut self.buf, code);
        }
        f(&mut self.buf);
        if color.is_some() {
            put(&mut self.buf, "\x1b[0m");
        }
    }
    /// `color_fprintf`: text-only, coloured when colour is on.
    pub fn colored(&mut self, c: Color, text: &str) {
        self.colored_then(c, text, "");
    }
    /// `colored` of `text` followed by a space inside the colour (the
    /// printers' `"%s "`), without a temporary string.
    pub fn colored_sp(&mut self, c: Color, text: &str) {
        self.colored_then(c, text, " ");
    }
    fn colored_then(&mut self, c: Color, text: &str, tail: &str) {
        self.colored_with(c, |b| {
            put(b, text);
            put(b, tail);
        });
    }
    pub fn u(&mut self, key: Option<&str>, fmt: &str, v: u64) {
        if self.json {
            self.j_u(key, v);
        } else {
            let mut d = [0u8; 21];
            fmt1_into(&mut self.buf, fmt, dec(v, false, &mut d));
        }
    }
    pub fn i(&mut self, key: Option<&str>, fmt: &str, v: i64) {
        if self.json {
            self.j_i(key, v);
        } else {
            let mut d = [0u8; 21];
            fmt1_into(&mut self.buf, fmt, dec(v.unsigned_abs(), v < 0, &mut d));
        }
    }
    /// Bool: JSON `key: true/false`, text `fmt` as it is (it names the flag).
    pub fn b(&mut self, key: Option<&str>, fmt: &str, v: bool) {
        if self.json {
            self.j_bool(key, v);
        } else {
            let t = if v { "true" } else { "false" };
            fmt1_into(&mut self.buf, fmt, t);
        }
    }
    /// On/off as the link printers show them: JSON bool, text `fmt` + on/off.
    pub fn onoff(&mut self, key: &str, fmt: &str, v: bool) {
        if self.json {
            self.j_bool(Some(key), v);
        } else {
            fmt1_into(&mut self.buf, fmt, if v { "on" } else { "off" });
        }
    }

    // ---- whole output -------------------------------------------------
    /// `new_json_obj`: the outer array of a listing.
    pub fn start(&mut self) {
        if self.json {
            self.begin('[');
            if self.pretty {
                put_b(&mut self.buf, b' ');
            }
        }
    }
    /// `delete_json_obj`: close the outer array, end the line.
    pub fn finish(&mut self) {
        if self.json {
            self.arr_close();
            put_b(&mut self.buf, b'\n');
        }
    }
    /// Hand over what has been printed so far (tests, batch capture).
    pub fn take(&mut self) -> String {
        std::mem::take(&mut self.buf)
    }

    /// Write what we have to stdout (a closed pipe just ends the output).
    pub fn flush(&mut self) {
        if !self.buf.is_empty() {
            let mut so = std::io::stdout().lock();
            let _ = so.write_all(self.buf.as_bytes());
            let _ = so.flush();
            self.buf.clear();
        }
    }
}

impl Out {
    /// Overwrite the JSON value just written (for `jsonw_printf` numbers
    /// such as bridge timers, which are written unquoted).
    pub fn replace_last_value(&mut self, raw: &str) {
        if self.buf.ends_with("\"\"") {
            let n = self.buf.len() - 2;
            self.buf.truncate(n);
            put(&mut self.buf, raw);
        }
    }
}

impl Out {
    /// Text output can go out record by record (JSON waits for the end).
    pub fn flush_if_text(&mut self) {
        if !self.json {
            self.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt1_replaces_first_conversion() {
        assert_eq!(fmt1("mtu %u ", "1500"), "mtu 1500 ");
        assert_eq!(fmt1("%s", "x"), "x");
        assert_eq!(fmt1("Deleted ", "true"), "Deleted ");
        assert_eq!(fmt1("a %llu b %s", "7"), "a 7 b %s");
        assert_eq!(fmt1("100%% %d%%", "5"), "100% 5%%");
        assert_eq!(fmt1("no conversion", "5"), "no conversion");
    }

    #[test]
    fn pretty_json_matches_iproute2() {
        // golden ip/014: `ip -j -p link show cni0` (shape only)
        let mut o = Out::new(true, true, false);
        o.start();
        o.obj_open(None);
        o.i(Some("ifindex"), "%d: ", 3);
        o.arr_open(Some("flags"));
        o.s(None, "%s", "UP");
        o.s(None, "%s", "LOWER_UP");
        o.arr_close();
        o.obj_close();
        o.finish();
        assert_eq!(
            o.buf,
            "[ {\n        \"ifindex\": 3,\n        \"flags\": [ \"UP\",\"LOWER_UP\" ]\n    } ]\n"
        );
    }

    #[test]
    fn compact_json_and_empty_array() {
        let mut o = Out::new(true, false, false);
        o.start();
        o.obj_open(None);
        o.s(Some("dst"), "%s ", "default");
        o.arr_open(Some("flags"));
        o.arr_close();
        o.obj_close();
        o.finish();
        assert_eq!(o.buf, "[{\"dst\":\"default\",\"flags\":[]}]\n");
    }
}
