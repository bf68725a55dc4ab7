// SPDX-License-Identifier: Apache-2.0
//! Syntax (scanner.l, parser_bison.y): a hand-written lexer and a recursive-descent parser that
//! builds [`crate::ast`] commands with spans. Keywords are plain words matched where they are used.
//!
//! Invariant: syntax never touches netlink and never resolves symbols (eval does).

mod keywords;
pub mod lexer;
mod parse_cmd;
mod parse_expr;
mod parse_obj;
mod parse_stmt;
pub mod parser;

pub use lexer::{Lexer, Tok, Token};
pub use parse_obj::parse_time;
pub use parser::{parse, parse_each, Parsed};
