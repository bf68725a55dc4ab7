// SPDX-License-Identifier: Apache-2.0
//! Lexer and parser (scanner.l, parser_bison.y): text → commands with source spans.
