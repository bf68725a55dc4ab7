// SPDX-License-Identifier: Apache-2.0
//! Unit tests: emit → parse round trips and decoding of bytes captured from
//! a kernel dump.

mod captured;
mod roundtrip;
