// SPDX-License-Identifier: Apache-2.0
//! Where entries go: stdout, in the format -o asked for, counting them and
//! bracketing XML the way conntrack does (header before the first flow,
//! footer only if a header was written).

use std::io::Write;

use nfnl::ctnetlink::{Conntrack, EventKind};

use crate::parse::{Cmd, O_CL, O_EXT, O_IDF, O_KTMS, O_SAVE, O_XML};
use crate::print::{self, Flags};

/// Written to stdout whenever this much is pending (and at the end).
const FLUSH_AT: usize = 64 * 1024;

pub struct Out {
    /// Pending output; entries are formatted straight into it.
    buf: Vec<u8>,
    pub counter: u32,
    xml_header: bool,
}

impl Out {
    pub fn new() -> Self {
        Out {
            buf: Vec::with_capacity(FLUSH_AT + 4096),
            counter: 0,
            xml_header: false,
        }
    }

    pub fn line(&mut self, s: &str) {
        self.raw(s);
        self.end_line();
    }

    pub fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
        self.maybe_flush();
    }

    fn end_line(&mut self) {
        self.buf.push(b'\n');
        self.maybe_flush();
    }

    fn maybe_flush(&mut self) {
        if self.buf.len() >= FLUSH_AT {
            self.flush();
        }
    }

    /// Write what is pending. Write errors are ignored, as conntrack's
    /// printf's are (a closed pipe ends us through SIGPIPE).
    pub fn flush(&mut self) {
        if !self.buf.is_empty() {
            let mut so = std::io::stdout().lock();
            let _ = so.write_all(&self.buf);
            let _ = so.flush();
            self.buf.clear();
        }
    }

    /// A dumped entry (mnl_nfct_dump_cb): XML header on the first one.
    /// `ktimestamp` and `xml_header` differ between the list and delete paths.
    pub fn entry(&mut self, cmd: &Cmd, ct: &Conntrack, listing: bool) {
        self.entry_as(cmd, ct, listing, EventKind::New);
    }

    /// [`Out::entry`] for an entry -D deleted: `-o save` prints it as `-D`.
    pub fn deleted(&mut self, cmd: &Cmd, ct: &Conntrack) {
        self.entry_as(cmd, ct, false, EventKind::Destroy);
    }

    fn entry_as(&mut self, cmd: &Cmd, ct: &Conntrack, listing: bool, ev: EventKind) {
        let o = cmd.output;
        if o & O_SAVE != 0 {
            let text = crate::save::line(ct, Some(ev), listing);
            return self.line(&text);
        }
        let f = Flags {
            layer3: o & O_EXT != 0,
            id: o & O_IDF != 0,
            ktimestamp: listing && o & O_KTMS != 0,
            time: false,
            labels: o & O_CL != 0,
        };
        if o & O_XML != 0 {
            if listing && !self.xml_header {
                self.xml_header = true;
                self.raw(crate::xml::HEADER);
            }
            let text = crate::xml::flow(ct, None, f);
            return self.line(&text);
        }
        print::default_into(&mut self.buf, ct, None, f);
        self.end_line();
    }

    /// Close the XML document if one was opened.
    pub fn finish(&mut self) {
        if self.xml_header {
            self.raw(crate::xml::FOOTER);
            self.xml_header = false;
        }
        self.flush();
    }
}
