// SPDX-License-Identifier: Apache-2.0
//! The parser core (parser_bison.y): token cursor, bison-worded syntax errors, and commands.
//! Objects, statements and expressions are in `parse_obj`, `parse_stmt` and `parse_expr`.

use super::keywords::is_keyword;
use super::lexer::{Lexer, Tok, Token};
use crate::ast::*;
use crate::erec::ErrorRecord;
use nfnl::attr::own_str;

/// nftables stops after this many errors.
pub const MAX_ERRORS: usize = 10;

/// The result of parsing one input: every command that parsed, and every error.
#[derive(Debug, Default)]
pub struct Parsed {
    pub cmds: Vec<(Cmd, Span)>,
    pub errors: Vec<ErrorRecord>,
}

pub type PResult<T> = Result<T, ErrorRecord>;

pub fn parse(src: &str) -> Parsed {
    let mut cmds = Vec::new();
    let errors = parse_each(src, |c, span| {
        cmds.push((c, span));
        true
    });
    Parsed { cmds, errors }
}

/// Parse `src` command by command: each command that parses is handed to `f` (which returns
/// false to stop); returns the syntax errors (at most [`MAX_ERRORS`]).
pub fn parse_each(src: &str, mut f: impl FnMut(Cmd, Span) -> bool) -> Vec<ErrorRecord> {
    let mut p = Parser::new(src);
    let mut out = Parsed::default();
    loop {
        p.skip_separators();
        if p.at_eof() {
            break;
        }
        p.forget_consumed();
        let start = p.span();
        let first = p.i;
        let res = p.command().and_then(|c| {
            if p.at_separator() || p.at_eof() {
                Ok(c)
            } else {
                Err(p.unexpected(&[]))
            }
        });
        match res {
            Ok(Some(cmd)) => {
                // A command's location runs through its separator (bison's `@$`).
                let mut span = start.to(p.prev_span());
                if p.at_separator() {
                    span = span.to(p.span());
                }
                if !f(cmd, span) {
                    break;
                }
            }
            Ok(None) => {}
            Err(e) => {
                out.errors.push(e);
                if out.errors.len() >= MAX_ERRORS {
                    break;
                }
                // An unexpected `}` inside a block: bison's recovery discards it, the block
                // never closes, and the parse ends at the end of the input.
                if *p.tok() == Tok::Punct("}") && p.depth_since(first) > 0 {
                    // Inside a block bison's recovery runs to the end of the input.
                    while !p.at_eof() {
                        p.bump();
                    }
                    out.errors.push(p.unexpected(&[]));
                    break;
                }
                p.recover();
            }
        }
    }
    out.errors
}

/// The tokens are lexed one top-level command at a time (through the separator that ends it)
/// and dropped once the parser is past them, so a large input never has all its tokens in
/// memory at once.
pub(crate) struct Parser<'a> {
    /// The window of tokens: the one before the current command, then the command's.
    toks: Vec<Token<'a>>,
    i: usize,
    lexer: Lexer<'a>,
    lexed_eof: bool,
    /// `define NAME = …`: the tokens a `$NAME` stands for.
    defines: std::collections::HashMap<String, Vec<Token<'a>>>,
    /// Nested expansions at the current position (a self-referencing define must not loop).
    expansions: (usize, u32),
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str) -> Self {
        let mut p = Parser {
            toks: Vec::new(),
            i: 0,
            lexer: Lexer::new(src),
            lexed_eof: false,
            defines: std::collections::HashMap::new(),
            expansions: (usize::MAX, 0),
        };
        p.lex_chunk();
        p
    }

    /// Lex the next top-level command: tokens through the first newline or `;` outside braces
    /// after something that is not a separator (or through the end of the input).
    fn lex_chunk(&mut self) {
        let mut depth = 0i32;
        let mut content = false;
        while !self.lexed_eof {
            let t = self.lexer.next_token();
            let stop = match t.tok {
                Tok::Eof => {
                    self.lexed_eof = true;
                    true
                }
                Tok::Newline | Tok::Punct(";") => content && depth <= 0,
                Tok::Punct("{") => {
                    depth += 1;
                    content = true;
                    false
                }
                Tok::Punct("}") => {
                    depth -= 1;
                    content = true;
                    false
                }
                _ => {
                    content = true;
                    false
                }
            };
            self.toks.push(t);
            if stop {
                break;
            }
        }
    }

    /// At the start of a command: drop the tokens before the previous one (token positions
    /// change, so the self-reference guard of `$NAME` expansions starts over).
    fn forget_consumed(&mut self) {
        if self.i > 1 {
            self.toks.drain(..self.i - 1);
            self.i = 1;
            self.expansions = (usize::MAX, 0);
        }
    }

    // ---- cursor ----

    pub fn tok(&self) -> &Tok<'a> {
        &self.toks[self.i.min(self.toks.len() - 1)].tok
    }

    pub fn tok_at(&self, n: usize) -> &Tok<'a> {
        &self.toks[(self.i + n).min(self.toks.len() - 1)].tok
    }

    pub fn span(&self) -> Span {
        self.toks[self.i.min(self.toks.len() - 1)].span
    }

    pub fn prev_span(&self) -> Span {
        if self.i == 0 {
            return self.span();
        }
        self.toks[(self.i - 1).min(self.toks.len() - 1)].span
    }

    pub fn bump(&mut self) -> Token<'a> {
        let t = self.toks[self.i.min(self.toks.len() - 1)];
        if self.i + 1 >= self.toks.len() {
            self.lex_chunk();
        }
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }

    pub fn at_eof(&self) -> bool {
        *self.tok() == Tok::Eof
    }

    pub fn at_separator(&self) -> bool {
        matches!(self.tok(), Tok::Newline | Tok::Punct(";"))
    }

    pub fn skip_separators(&mut self) {
        while self.at_separator() {
            self.bump();
        }
    }

    pub fn skip_newlines(&mut self) {
        while *self.tok() == Tok::Newline {
            self.bump();
        }
    }

    /// The current word, if the token is one.
    pub fn word(&self) -> Option<&'a str> {
        match self.tok() {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }

    pub fn word_at(&self, n: usize) -> Option<&'a str> {
        match self.tok_at(n) {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }

    pub fn is_word(&self, w: &str) -> bool {
        self.word() == Some(w)
    }

    pub fn eat_word(&mut self, w: &str) -> bool {
        if self.is_word(w) {
            self.bump();
            return true;
        }
        false
    }

    pub fn is_punct(&self, p: &str) -> bool {
        matches!(self.tok(), Tok::Punct(q) if *q == p)
    }

    pub fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.bump();
            return true;
        }
        false
    }

    pub fn expect_word(&mut self, w: &str) -> PResult<Span> {
        if self.is_word(w) {
            return Ok(self.bump().span);
        }
        Err(self.unexpected(&[w]))
    }

    pub fn expect_punct(&mut self, p: &str) -> PResult<Span> {
        if self.is_punct(p) {
            return Ok(self.bump().span);
        }
        Err(self.unexpected(&[punct_name(p)]))
    }

    /// An identifier (bison `identifier: STRING | LAST`).
    pub fn ident(&mut self) -> PResult<(String, Span)> {
        self.expand_variable()?;
        match self.tok() {
            Tok::Word(w) if !is_keyword(w) || *w == "last" => {
                let t = self.bump();
                Ok((w_of(&t), t.span))
            }
            _ => Err(self.unexpected(&["string", "last"])),
        }
    }

    /// A string (bison `string: STRING | QUOTED_STRING | ASTERISK_STRING`).
    pub fn string(&mut self) -> PResult<(String, Span)> {
        match *self.tok() {
            Tok::Word(w) if !is_keyword(w) => Ok((own_str(w), self.bump().span)),
            Tok::Quoted(q) => Ok((own_str(q), self.bump().span)),
            _ => Err(self.unexpected(&[
                "string",
                "quoted string",
                "string with a trailing asterisk",
            ])),
        }
    }

    /// Any word, keyword or not (flag lists: `flags dynamic,timeout`).
    pub fn any_word(&mut self) -> PResult<(String, Span)> {
        match self.tok() {
            Tok::Word(w) => {
                let w = own_str(w);
                Ok((w, self.bump().span))
            }
            _ => Err(self.unexpected(&["string"])),
        }
    }

    pub fn number(&mut self) -> PResult<(u64, Span)> {
        match *self.tok() {
            Tok::Number(n) => Ok((n, self.bump().span)),
            _ => Err(self.unexpected(&["number"])),
        }
    }

    /// bison's "syntax error, unexpected X[, expecting A or B …]" (the expectation list only when
    /// it has at most four entries, as bison prints it).
    pub fn unexpected(&self, expecting: &[&str]) -> ErrorRecord {
        let mut msg = format!("syntax error, unexpected {}", describe(self.tok()));
        if !expecting.is_empty() && expecting.len() <= 4 {
            msg.push_str(", expecting ");
            msg.push_str(&expecting.join(" or "));
        }
        ErrorRecord::new(self.span(), msg)
    }

    pub fn error(&self, span: Span, msg: impl Into<String>) -> ErrorRecord {
        ErrorRecord::new(span, msg)
    }

    /// After an error: skip to the end of the line (bison resynchronises on the next separator
    /// outside braces; a newline always ends the damage for kube-proxy-style input).
    fn recover(&mut self) {
        let mut depth = 0i32;
        while !self.at_eof() {
            match self.tok() {
                Tok::Punct("{") => depth += 1,
                Tok::Punct("}") => depth -= 1,
                Tok::Newline if depth <= 0 => break,
                _ => {}
            }
            self.bump();
        }
    }

    // ---- commands ----

    fn command(&mut self) -> PResult<Option<Cmd>> {
        match self.word() {
            Some("define" | "redefine") => {
                self.bump();
                self.define()?;
                return Ok(None);
            }
            Some("include") => {
                let span = self.bump().span;
                let end = self.string().map(|(_, s)| s).unwrap_or(span);
                return Err(self.error(span.to(end), "include is not supported by kroot yet"));
            }
            Some("undefine") => {
                self.bump();
                let (name, span) = self.any_word()?;
                if self.defines.remove(&name).is_none() {
                    return Err(self.error(span, format!("undefined symbol '{name}'")));
                }
                return Ok(None);
            }
            _ => {}
        }
        self.command_inner().map(Some)
    }

    /// `define NAME = tokens…` up to the end of the line (braces may span lines).
    fn define(&mut self) -> PResult<()> {
        let (name, _) = self.any_word()?;
        self.expect_punct("=")?;
        let mut toks = Vec::new();
        let mut depth = 0i32;
        loop {
            match self.tok() {
                Tok::Eof => break,
                Tok::Newline | Tok::Punct(";") if depth <= 0 => break,
                Tok::Punct("{") => depth += 1,
                Tok::Punct("}") => depth -= 1,
                _ => {}
            }
            let t = self.bump();
            if t.tok != Tok::Newline {
                toks.push(t);
            }
        }
        if toks.is_empty() {
            return Err(self.unexpected(&[]));
        }
        self.defines.insert(name, toks);
        Ok(())
    }

    /// At `$NAME`: replace it with the define's tokens (false when not at a `$`).
    pub fn expand_variable(&mut self) -> PResult<bool> {
        if !self.is_punct("$") {
            return Ok(false);
        }
        let dollar = self.span();
        let Some(name) = self.word_at(1) else {
            return Err(self.unexpected(&[]));
        };
        let span = dollar.to(self.toks[(self.i + 1).min(self.toks.len() - 1)].span);
        let Some(body) = self.defines.get(name).cloned() else {
            return Err(self.error(span, format!("unknown identifier '{name}'")));
        };
        self.expansions = match self.expansions {
            (pos, n) if pos == self.i => (pos, n + 1),
            _ => (self.i, 1),
        };
        if self.expansions.1 > 64 {
            return Err(self.error(span, format!("variable '{name}' refers to itself")));
        }
        let end = (self.i + 2).min(self.toks.len() - 1);
        self.toks.splice(self.i..end, body);
        Ok(true)
    }

    fn command_inner(&mut self) -> PResult<Cmd> {
        let Some(w) = self.word() else {
            return Err(self.unexpected(&[]));
        };
        match w {
            "add" => {
                self.bump();
                Ok(Cmd::Add(self.add_object()?))
            }
            "create" => {
                self.bump();
                Ok(Cmd::Create(self.add_object()?))
            }
            "insert" | "replace" => {
                self.bump();
                self.eat_word("rule");
                let rule = self.rule_with_position()?;
                Ok(if w == "insert" {
                    Cmd::Insert(rule)
                } else {
                    Cmd::Replace(rule)
                })
            }
            "delete" | "destroy" => {
                self.bump();
                let r = self.obj_ref(w == "delete")?;
                Ok(if w == "delete" {
                    Cmd::Delete(r)
                } else {
                    Cmd::Destroy(r)
                })
            }
            "flush" => {
                self.bump();
                Ok(Cmd::Flush(self.flush_ref()?))
            }
            "reset" => {
                self.bump();
                Ok(Cmd::Reset(self.reset_ref()?))
            }
            "list" => {
                self.bump();
                Ok(Cmd::List(self.list_cmd()?))
            }
            // `table …`, `chain …`, `rule …` without a verb mean add (bison `base_cmd: add_cmd`).
            _ => Ok(Cmd::Add(self.add_object()?)),
        }
    }

    fn add_object(&mut self) -> PResult<Object> {
        let start = self.span();
        match self.word() {
            Some("table") => {
                self.bump();
                Ok(Object::Table(self.table_decl()?))
            }
            Some("chain") => {
                self.bump();
                Ok(Object::Chain(self.chain_decl()?))
            }
            Some("rule") => {
                self.bump();
                Ok(Object::Rule(self.rule_with_position()?))
            }
            Some(kw @ ("set" | "map")) => {
                self.bump();
                let id = self.set_spec()?;
                let set = self.set_decl(id, kw == "map", start)?;
                Ok(Object::Set(set))
            }
            Some("element") => {
                self.bump();
                let mut r = self.set_ref_spec(ObjKind::Element, start)?;
                r.elems = self.elem_block()?;
                r.span = start.to(self.prev_span());
                Ok(Object::Elements(r))
            }
            Some(kw @ ("counter" | "quota")) => {
                self.bump();
                let id = self.set_spec()?;
                Ok(Object::Obj(self.obj_decl(id, kw, start)?))
            }
            _ => Ok(Object::Rule(self.rule_with_position()?)),
        }
    }

    /// `[family] name`
    pub fn table_spec(&mut self) -> PResult<TableId> {
        let start = self.span();
        let family = self.family_opt();
        let (name, span) = self.ident()?;
        let _ = start;
        Ok(TableId {
            family: family.unwrap_or(Family::Ip),
            name,
            span,
        })
    }

    /// An optional family keyword (only when an identifier follows it).
    pub fn family_opt(&mut self) -> Option<Family> {
        // Family names are keywords: never identifiers, so always the family.
        let f = self.word().and_then(Family::from_name)?;
        self.bump();
        Some(f)
    }

    /// After an item of a `{ … }` block: a newline or `;` (bison `stmt_separator`).
    pub fn block_sep(&mut self, more: &[&str]) -> PResult<()> {
        if self.at_separator() {
            self.skip_separators();
            return Ok(());
        }
        let mut exp = vec!["newline", "semicolon"];
        exp.extend_from_slice(more);
        Err(self.unexpected(&exp))
    }

    /// Open braces between token `from` and the current token.
    fn depth_since(&self, from: usize) -> i32 {
        self.toks[from.min(self.toks.len())..self.i.min(self.toks.len())]
            .iter()
            .map(|t| match t.tok {
                Tok::Punct("{") => 1,
                Tok::Punct("}") => -1,
                _ => 0,
            })
            .sum()
    }

    /// `[family] table chain`
    pub fn chain_spec(&mut self) -> PResult<ChainId> {
        let table = self.table_spec()?;
        let (name, span) = self.ident()?;
        Ok(ChainId { table, name, span })
    }

    /// `[family] table name` for sets, maps and objects.
    pub fn set_spec(&mut self) -> PResult<(TableId, String, Span)> {
        let table = self.table_spec()?;
        let (name, span) = self.ident()?;
        Ok((table, name, span))
    }

    fn set_ref_spec(&mut self, kind: ObjKind, start: Span) -> PResult<ObjRef> {
        let (table, name, name_span) = self.set_spec()?;
        let mut r = ObjRef::new(kind, start);
        r.family = Some(table.family);
        r.table = Some(table.name);
        r.table_span = table.span;
        r.name = Some(name);
        r.name_span = name_span;
        Ok(r)
    }

    /// `chain_spec [position N | handle N | index N] stmt… [comment "…"]`
    fn rule_with_position(&mut self) -> PResult<Rule> {
        let start = self.span();
        let chain = self.chain_spec()?;
        let mut rule = Rule {
            chain: Some(chain),
            ..Rule::default()
        };
        let kw = self.word();
        if matches!(kw, Some("position" | "handle" | "index")) {
            let kwspan = self.bump().span;
            let (n, nspan) = self.number()?;
            match kw {
                Some("position") => rule.position = Some(n),
                Some("handle") => rule.handle = Some(n),
                _ => rule.index = Some(n),
            }
            // nftables records `index N`/`position N` whole, `handle N` by its number.
            rule.loc_span = if kw == Some("handle") {
                nspan
            } else {
                kwspan.to(nspan)
            };
        }
        self.rule_body(&mut rule)?;
        rule.span = start.to(self.prev_span());
        Ok(rule)
    }

    /// The statements of a rule, up to the end of the line, `;` or `}`.
    pub fn rule_body(&mut self, rule: &mut Rule) -> PResult<()> {
        let body_start = self.span();
        loop {
            match self.tok() {
                Tok::Newline | Tok::Eof | Tok::Punct(";") | Tok::Punct("}") => break,
                _ => {}
            }
            if self.is_word("comment") {
                self.bump();
                rule.comment = Some(self.string()?.0);
                continue;
            }
            if matches!(self.tok(), Tok::Punct(p) if !matches!(*p, "{" | "(" | "@" | "$" | "[")) {
                return Err(self.unexpected(&["end of file", "newline", "semicolon"]));
            }
            let s = self.stmt()?;
            rule.stmts.push(s);
        }
        if rule.stmts.is_empty() && rule.comment.is_none() {
            return Err(self.unexpected(&[]));
        }
        rule.span = body_start.to(self.prev_span());
        Ok(())
    }
}

fn w_of(t: &Token<'_>) -> String {
    match t.tok {
        Tok::Word(w) => own_str(w),
        _ => String::new(),
    }
}

/// bison's name for a punctuation token.
pub fn punct_name(p: &str) -> &'static str {
    match p {
        ";" => "semicolon",
        "," => "comma",
        ":" => "colon",
        "." => ".",
        "{" => "'{'",
        "}" => "'}'",
        "(" => "'('",
        ")" => "')'",
        "[" => "'['",
        "]" => "']'",
        "=" => "'='",
        "==" => "==",
        "!=" => "!=",
        "<" => "<",
        ">" => ">",
        "<=" => "<=",
        ">=" => ">=",
        "<<" => "<<",
        ">>" => ">>",
        "&" => "&",
        "|" => "'|'",
        "^" => "^",
        "!" => "!",
        "/" => "/",
        "*" => "*",
        "-" => "-",
        "+" => "+",
        "@" => "@",
        "$" => "'$'",
        "~" => "'~'",
        _ => "junk",
    }
}

/// How a syntax error names the token it did not expect.
pub fn describe(t: &Tok<'_>) -> String {
    match t {
        Tok::Word(w) if is_keyword(w) => w.to_string(),
        Tok::Word(_) | Tok::Ipv4(_) | Tok::Ipv6(_) => "string".into(),
        Tok::Quoted(_) => "quoted string".into(),
        Tok::Number(_) => "number".into(),
        Tok::Punct(p) => punct_name(p).into(),
        Tok::Newline => "newline".into(),
        Tok::Junk => "junk".into(),
        Tok::Eof => "end of file".into(),
    }
}
