// SPDX-License-Identifier: Apache-2.0
//! Where entries go: stdout, in the format -o asked for, counting them and
//! bracketing XML the way conntrack does (header before the first flow,
//! footer only if a header was written).

use std::io::Write;

use nfnl::ctnetlink::{Conntrack, EventKind};

use crate::parse::{Cmd, O_CL, O_EXT, O_IDF, O_KTMS, O_SAVE, O_XML};
use crate::print::{self, Flags};

pub struct Out {
    out: std::io::BufWriter<std::io::Stdout>,
    pub counter: u32,
    xml_header: bool,
}

impl Out {
    pub fn new() -> Self {
        Out {
            out: std::io::BufWriter::new(std::io::stdout()),
            counter: 0,
            xml_header: false,
        }
    }

    pub fn line(&mut self, s: &str) {
        let _ = writeln!(self.out, "{s}");
    }

    pub fn raw(&mut self, s: &str) {
        let _ = self.out.write_all(s.as_bytes());
    }

    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }

    /// A dumped entry (mnl_nfct_dump_cb): XML header on the first one.
    /// `ktimestamp` and `xml_header` differ between the list and delete paths.
    pub fn entry(&mut self, cmd: &Cmd, ct: &Conntrack, listing: bool) {
        let o = cmd.output;
        let text = if o & O_SAVE != 0 {
            crate::save::line(ct, Some(EventKind::New), listing)
        } else {
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
                crate::xml::flow(ct, None, f)
            } else {
                print::default(ct, None, f)
            }
        };
        self.line(&text);
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
