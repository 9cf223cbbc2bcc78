//! The jq filters of a `generic` source: compiled once when the config is
//! read (errors with their line and column), run on a page, or once over
//! every page as `inputs` (as `jq -n`) when the filter reads them.

use std::fmt;
use std::sync::Arc;

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, DataT, Lut, Vars};
use jaq_json::Val;
use jaq_std::input::{HasInputs, Inputs, RcIter};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// What a filter runs with: its definitions, and the pages as `inputs`.
pub struct Data;

impl DataT for Data {
    type V<'a> = Val;
    type Data<'a> = &'a Global<'a>;
}

pub struct Global<'a> {
    lut: &'a Lut<Data>,
    inputs: Inputs<'a, Val>,
}

impl<'a> jaq_core::data::HasLut<'a, Data> for &'a Global<'a> {
    fn lut(&self) -> &'a Lut<Data> {
        self.lut
    }
}

impl<'a> HasInputs<'a, Val> for &'a Global<'a> {
    fn inputs(&self) -> Inputs<'a, Val> {
        self.inputs
    }
}

type Compiled = jaq_core::compile::Filter<jaq_core::Native<Data>>;

/// A jq filter, compiled when the config is read.
#[derive(Clone)]
pub struct Jq {
    code: String,
    filter: Arc<Compiled>,
    /// Whether it reads `inputs` (or `input`): then it runs once over every page.
    pub reads_inputs: bool,
}

impl fmt::Debug for Jq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Jq({:?})", self.code)
    }
}

/// Where `part` (a slice of `code`) starts: `line L, column C` of the filter.
fn position(code: &str, part: &str) -> String {
    let offset = (part.as_ptr() as usize).saturating_sub(code.as_ptr() as usize).min(code.len());
    let before = code.get(..offset).unwrap_or(code);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column} of the filter")
}

impl Jq {
    pub fn compile(code: &str) -> Result<Jq, String> {
        let program = File { code, path: () };
        let loader = Loader::new(jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs()));
        let arena = Arena::default();
        let modules = loader.load(&arena, program).map_err(|errors| {
            let Some((_, error)) = errors.into_iter().next() else { return "invalid jq filter".to_string() };
            match error {
                jaq_core::load::Error::Lex(errs) => match errs.first() {
                    Some((expect, at)) => format!("jq syntax error at {}: expected {}", position(code, at), expect.as_str()),
                    None => "jq syntax error".to_string(),
                },
                jaq_core::load::Error::Parse(errs) => match errs.first() {
                    Some((expect, "")) => {
                        format!("jq syntax error at the end of the filter: expected {}", expect.as_str())
                    }
                    Some((expect, found)) => {
                        format!("jq syntax error at {}: expected {}, found {found:?}", position(code, found), expect.as_str())
                    }
                    None => "jq syntax error".to_string(),
                },
                jaq_core::load::Error::Io(errs) => errs.first().map_or("jq: cannot load a module".to_string(), |(_, e)| format!("jq: {e}")),
            }
        })?;
        let inputs = jaq_std::input::funs::<Data>().into_vec().into_iter().map(jaq_core::native::run::<Data>);
        // Nothing a filter does reaches beyond its input: no `env` (the
        // environment holds other sources' secrets), no raw text on stderr;
        // `halt` is an error (see `run_with`), never the end of the process.
        let std = jaq_std::funs::<Data>().filter(|(name, ..)| !matches!(*name, "env" | "stderr_empty"));
        let contained: [jaq_core::native::Filter<jaq_core::RunPtr<Data>>; 2] = [
            ("env", jaq_core::native::v(0), |_| jaq_core::native::bome(<Val as jaq_core::ValT>::from_map(std::iter::empty()))),
            ("stderr_empty", jaq_core::native::v(0), |_| Box::new(std::iter::empty())),
        ];
        let contained = contained.into_iter().map(jaq_core::native::run::<Data>);
        let funs = jaq_core::funs().chain(std).chain(contained).chain(jaq_json::funs()).chain(inputs);
        let filter = Compiler::default().with_funs(funs).compile(modules).map_err(|errors| {
            let undefined = errors.into_iter().flat_map(|(_, errs)| errs).next();
            match undefined {
                Some((name, what)) => format!("jq: undefined {} `{name}` at {}", undefined_kind(&what), position(code, name)),
                None => "jq: the filter does not compile".to_string(),
            }
        })?;
        let reads_inputs = reads_inputs(code);
        Ok(Jq { code: code.to_string(), filter: Arc::new(filter), reads_inputs })
    }

    /// The filter as written.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// `.a.b[] | rest`, the shape of most filters over a list: the path to
    /// the list and `rest`, compiled, which then runs on each item alone
    /// (the same outputs, without the whole document held as jq values).
    /// `None` for any other shape.
    pub fn over_items(&self) -> Option<(Vec<String>, Jq)> {
        let (keys, rest) = split_over_items(&self.code)?;
        Some((keys, Jq::compile(rest).ok()?))
    }

    /// Each value the filter yields for `input`, as JSON.
    pub fn run(&self, input: Val) -> Vec<Result<Value, String>> {
        self.run_with(input, &mut std::iter::empty())
    }

    /// Each value the filter yields for `null` with `pages` as its `inputs`.
    pub fn run_over(&self, pages: &mut dyn Iterator<Item = Val>) -> Vec<Result<Value, String>> {
        self.run_with(Val::Null, pages)
    }

    fn run_with(&self, input: Val, pages: &mut dyn Iterator<Item = Val>) -> Vec<Result<Value, String>> {
        let inputs = RcIter::new(pages.map(Ok::<Val, String>));
        let dynamic: &RcIter<dyn Iterator<Item = Result<Val, String>>> = &inputs;
        let global = Global { lut: &self.filter.lut, inputs: dynamic };
        let ctx = Ctx::<Data>::new(&global, Vars::new([]));
        self.filter
            .id
            .run((ctx, input))
            .map(|out| match out {
                Ok(v) => match to_json(&v) {
                    Some(json) => Ok(json),
                    None => serde_json::from_str(&v.to_string()).map_err(|e| format!("jq yielded {v}, which is not JSON: {e}")),
                },
                Err(exn) => Err(match exn.get_err() {
                    Ok(e) => format!("jq: {}", jq_error(&e)),
                    // jaq would end the process (`std::process::exit`): a source's error instead.
                    Err(_) => "jq: the filter called `halt`: a filter maps the document, it does not end licusage".to_string(),
                }),
            })
            .collect()
    }
}

/// `.a.b[] | rest` as text: the path to the list and `rest` (a filter
/// that reads `inputs` is not of the shape).
pub fn split_over_items(code: &str) -> Option<(Vec<String>, &str)> {
    if reads_inputs(code) {
        return None;
    }
    let (head, rest) = top_level_pipe(code)?;
    let path = head.trim().strip_suffix("[]")?;
    let mut keys = Vec::new();
    let mut left = path.trim_end();
    while !left.is_empty() {
        let after = left.strip_prefix('.')?;
        let end = after.find('.').unwrap_or(after.len());
        let key = &after[..end];
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || key.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        keys.push(key.to_string());
        left = &after[end..];
    }
    if keys.is_empty() || rest.contains("$__loc__") {
        return None;
    }
    Some((keys, rest))
}

/// A jq value as JSON without writing it out and reading it back, where that
/// is sure to give what the text would; `None` otherwise (big integers,
/// non-finite floats, byte strings, non-text
/// keys, invalid UTF-8), and the caller goes through the text.
fn to_json(v: &Val) -> Option<Value> {
    use jaq_json::Num;
    Some(match v {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Num(Num::Int(i)) => Value::from(i64::try_from(*i).ok()?),
        Val::Num(Num::Float(f)) if f.is_finite() => Value::Number(serde_json::Number::from_f64(*f)?),
        // As written in the document: read as the text would be.
        Val::Num(Num::Dec(text)) => serde_json::from_str::<Value>(text).ok().filter(Value::is_number)?,
        Val::Num(_) => return None,
        Val::TStr(bytes) => Value::String(String::from_utf8(bytes.to_vec()).ok()?),
        Val::BStr(_) => return None,
        Val::Arr(items) => Value::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        Val::Obj(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map.iter() {
                let Val::TStr(key) = k else { return None };
                out.insert(String::from_utf8(key.to_vec()).ok()?, to_json(v)?);
            }
            Value::Object(out)
        }
    })
}

/// `head | rest` split at the first `|` outside strings, brackets and
/// parentheses (`|` binds loosest, so `rest` is everything after it). A
/// `def`, `as` or `reduce` in `head` leaves it no bare path: the caller
/// refuses it.
fn top_level_pipe(code: &str) -> Option<(&str, &str)> {
    let (mut depth, mut in_string, mut escaped) = (0i32, false, false);
    for (i, c) in code.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '#' => return None,
            '|' if depth == 0 && !code[i..].starts_with("|=") => return Some((&code[..i], &code[i + 1..])),
            _ => {}
        }
    }
    None
}

/// Whether jq code calls `input` or `inputs`: the word outside strings,
/// not a field (`.inputs`), a variable (`$inputs`) or an object key.
fn reads_inputs(code: &str) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    let mut word = String::new();
    let mut before = ' ';
    let mut word_before = ' ';
    for c in code.chars().chain(std::iter::once(' ')) {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            before = c;
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            if word.is_empty() {
                word_before = before;
            }
            word.push(c);
        } else {
            let called = (word == "input" || word == "inputs") && !matches!(word_before, '.' | '$' | '@');
            if called && c != ':' {
                return true;
            }
            word.clear();
            in_string = c == '"';
        }
        before = c;
    }
    false
}

fn undefined_kind(what: &jaq_core::compile::Undefined) -> String {
    use jaq_core::compile::Undefined;
    match what {
        Undefined::Mod => "module".into(),
        Undefined::Var => "variable".into(),
        Undefined::Label => "label".into(),
        Undefined::Filter(arity) => format!("filter (with {arity} arguments)"),
        _ => "name".into(),
    }
}

/// A jq runtime error as jq words it (`cannot iterate over null`, or the
/// value given to `error`).
fn jq_error(e: &jaq_core::Error<Val>) -> String {
    let text = e.to_string();
    text.strip_prefix("error: ").unwrap_or(&text).to_string()
}

impl<'de> Deserialize<'de> for Jq {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Jq::compile(&code).map_err(serde::de::Error::custom)
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_over_a_list_are_split_at_their_pipe() {
        let split = |code: &str| Jq::compile(code).ok().and_then(|j| j.over_items()).map(|(path, rest)| (path, rest.code().to_string()));
        assert_eq!(split(".value[] | {a: .b}"), Some((vec!["value".to_string()], " {a: .b}".to_string())));
        assert_eq!(split(".data.items[]|.x | .y"), Some((vec!["data".to_string(), "items".to_string()], ".x | .y".to_string())));
        for other in [".value[]? | .a", ".value[] as $x | $x", "def f: .; .value[] | f", ".value | .[]", ".[] | .a", "[.value[] | .a]", ".a // .b | .c", ".value[] |= 1", "[inputs.value[]] | length", ".value[] | $__loc__"] {
            assert_eq!(split(other), None, "{other}");
        }
    }

    #[test]
    fn a_filter_that_reads_inputs_is_told_from_one_that_does_not() {
        for code in ["[inputs.value[]] | length", "reduce inputs as $p (0; . + 1)", "input | .x", "[inputs]"] {
            assert!(reads_inputs(code), "{code}");
        }
        for code in [".inputs", "$inputs", "{inputs: 1}", "\"inputs\"", ".[] | .input_count", "def input_x: 1; input_x"] {
            assert!(!reads_inputs(code), "{code}");
        }
    }
}
