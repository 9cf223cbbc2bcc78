//! Reading the items of a large JSON list from a file in bounded memory, at
//! the speed of `serde_json::from_slice`, on every core.
//!
//! `serde_json::from_reader` parses a file in constant memory but reads it
//! byte by byte, about half the speed of `from_slice` (measured: 535 ms
//! against 280 ms to scan a 146 MB cPod export, docs/performance.md). Here
//! the file is read in chunks; each item of the list is parsed by serde_json
//! straight from the chunk, and only the envelope around the list (a bare
//! array, or `data`, `items`, `results` or `result`, which may itself be such
//! an object, as `list::Items` reads it) is walked here, bracket by bracket.
//! The envelope's bytes, with the list emptied, are parsed too, so that a
//! malformed envelope is not taken for a good one. Anything unexpected
//! returns `Err`, and the caller parses the file again the exact way, which
//! names the error and where it is.
//!
//! A long list of objects is cut into segments at what looks like a boundary
//! between two items (`}` `,` `{"`), and worker threads parse and map the
//! segments while this thread hands the results on in order. A guess is only
//! trusted once the segment before it, parsed from a trusted start, ends
//! exactly there; a wrong guess (the pattern inside a string) or anything odd
//! in a segment sends the rest of the list back to the one-thread path, from
//! the last item known good. So the items, their order and the errors are
//! those of the one-thread path, whatever the input.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use serde::de::{DeserializeOwned, IgnoredAny};

use super::list::{is_json_space, LIST_KEYS};

const CHUNK: usize = 1 << 20;
/// How far past a segment's target size to look for a boundary before giving
/// up on segments (a list of scalars or of arrays has none).
const MAX_SEARCH: usize = 4 << 20;
/// Read past a segment's size to find its end.
const LOOKAHEAD: usize = 64 << 10;

/// Bytes per segment handed to a worker (tests make it small).
static SEGMENT: AtomicUsize = AtomicUsize::new(1 << 20);

/// Set the segment size, so that tests and fuzzing reach the parallel path
/// with small inputs.
#[doc(hidden)]
pub fn set_segment_size(bytes: usize) {
    SEGMENT.store(bytes.max(1), Ordering::Relaxed);
}
/// The envelope kept for checking: far more than any real one.
const MAX_SKELETON: usize = 1 << 20;

#[derive(Clone, Copy, PartialEq)]
enum Frame {
    /// An object; `envelope` when its keys may name the list.
    Object { envelope: bool },
    /// An array; `list` when it is the list of items.
    Array { list: bool },
}

/// Where in the list we are, for commas: strictly `[a, b]`.
#[derive(Clone, Copy, PartialEq)]
enum ListState {
    Start,
    AfterItem,
    AfterComma,
}

/// Hand each item of the list in `reader` to `map` (on any thread), and what
/// it returns to `emit` (on this one), in order. `Err(n)` when the input is
/// not what this fast path handles cleanly: the first `n` items were taken,
/// and the caller parses the file again the exact way, which finds the error
/// (or the rest of the items).
pub fn for_each_item<T, R>(mut reader: impl Read, map: &(dyn Fn(T) -> Option<R> + Sync), emit: &mut dyn FnMut(R)) -> Result<(), usize>
where
    T: DeserializeOwned,
    R: Send,
{
    with_segments(&mut reader, SEGMENT.load(Ordering::Relaxed), map, emit)
}

fn with_segments<T, R>(
    reader: &mut dyn Read,
    segment: usize,
    map: &(dyn Fn(T) -> Option<R> + Sync),
    emit: &mut dyn FnMut(R),
) -> Result<(), usize>
where
    T: DeserializeOwned,
    R: Send,
{
    let mut taken = 0;
    walk(reader, segment, map, emit, &mut taken).ok_or(taken)
}

/// Where the items go, and how the list is cut for the workers.
struct Items<'a, T, R> {
    reader: &'a mut dyn Read,
    segment: usize,
    map: &'a (dyn Fn(T) -> Option<R> + Sync),
    emit: &'a mut dyn FnMut(R),
    /// Items taken so far.
    taken: &'a mut usize,
}

/// A string being read in the envelope.
#[derive(Clone, Copy)]
struct Str {
    /// Where its opening quote is in the buffer.
    start: usize,
    escaped: bool,
    /// A key of an envelope object (not a value).
    key: bool,
    /// It holds an escape (`\u0061`, `\"`): its bytes are not its text.
    has_escape: bool,
}

/// What the list step asks of the loop.
enum Flow {
    Go,
    /// An item runs past the buffer: read more.
    NeedMore,
}

/// The scanner: the envelope walked bracket by bracket, the list handed
/// to serde_json item by item (or to the workers in segments).
#[derive(Default)]
struct Scanner {
    buf: Vec<u8>,
    /// The next byte of `buf` to look at.
    pos: usize,
    /// Envelope bytes before this are in the skeleton.
    kept: usize,
    eof: bool,
    /// The envelope with the list emptied, checked at the end.
    skeleton: Vec<u8>,
    stack: Vec<Frame>,
    string: Option<Str>,
    /// The last string read in an envelope object: the key of the value that follows.
    last_key: Option<Vec<u8>>,
    /// Inside the list of items, and where.
    list: Option<ListState>,
    found_list: bool,
    /// The top-level value is closed: only whitespace may follow.
    done: bool,
    /// The list may still go to the workers (once).
    segments: bool,
    /// The next string in the current object is a key.
    expect_key: bool,
}

fn walk<T, R>(
    reader: &mut dyn Read,
    segment: usize,
    map: &(dyn Fn(T) -> Option<R> + Sync),
    emit: &mut dyn FnMut(R),
    taken: &mut usize,
) -> Option<()>
where
    T: DeserializeOwned,
    R: Send,
{
    let mut items = Items { reader, segment, map, emit, taken };
    let mut s = Scanner { buf: Vec::with_capacity(CHUNK * 2), segments: true, ..Scanner::default() };
    loop {
        s.compact();
        s.fill(items.reader)?;
        let mut need_more = false;
        while s.pos < s.buf.len() {
            if s.list.is_some() && s.string.is_none() {
                if let Flow::NeedMore = s.list_step(&mut items)? {
                    need_more = true;
                    break;
                }
            } else if s.string.is_some() {
                s.string_step()?;
            } else {
                s.envelope_step()?;
            }
        }
        s.keep_envelope();
        match (s.eof, need_more) {
            (true, false) => break,
            (true, true) => return None,
            _ => {}
        }
    }
    s.finish()
}

impl Scanner {
    /// Drop what is done with; keep an unfinished key or item.
    fn compact(&mut self) {
        let mut keep_from = self.kept.min(self.pos);
        if let Some(st) = &self.string {
            keep_from = keep_from.min(st.start);
        }
        if keep_from > 0 {
            self.buf.drain(..keep_from);
            self.pos -= keep_from;
            self.kept -= keep_from;
            if let Some(st) = &mut self.string {
                st.start = st.start.saturating_sub(keep_from);
            }
        }
    }

    fn fill(&mut self, reader: &mut dyn Read) -> Option<()> {
        if !self.eof {
            self.eof = read_more(&mut self.buf, reader, CHUNK).ok()? == 0;
        }
        Some(())
    }

    /// One step inside the list: a separator, its end, or an item. `None`
    /// when the list is not strictly `[a, b]`.
    fn list_step<T, R>(&mut self, items: &mut Items<'_, T, R>) -> Option<Flow>
    where
        T: DeserializeOwned,
        R: Send,
    {
        let state = self.list?;
        let b = self.buf[self.pos];
        match b {
            _ if is_json_space(b) => self.pos += 1,
            b',' if state == ListState::AfterItem => {
                self.list = Some(ListState::AfterComma);
                self.pos += 1;
            }
            b']' if state != ListState::AfterComma => {
                // The list ends (the `]` is closed as an envelope bracket);
                // the skeleton gets it right after its `[`.
                self.list = None;
                self.kept = self.pos;
            }
            b',' | b']' => return None,
            _ if state == ListState::AfterItem => return None, // a missing comma
            _ if self.segments => {
                self.hand_to_workers(items);
                return Some(Flow::Go);
            }
            _ => {
                // An item: serde_json parses it where it lies.
                let mut parsed = serde_json::Deserializer::from_slice(&self.buf[self.pos..]).into_iter::<T>();
                match parsed.next() {
                    Some(Ok(item)) => {
                        self.pos += parsed.byte_offset();
                        *items.taken += 1;
                        if let Some(r) = (items.map)(item) {
                            (items.emit)(r);
                        }
                        self.list = Some(ListState::AfterItem);
                    }
                    Some(Err(e)) if e.is_eof() && !self.eof => return Some(Flow::NeedMore),
                    _ => return None,
                }
            }
        }
        if self.list.is_some() {
            self.kept = self.pos;
        }
        Some(Flow::Go)
    }

    /// Once per list: the rest of it on every core, back here from the last
    /// item known good.
    fn hand_to_workers<T, R>(&mut self, items: &mut Items<'_, T, R>)
    where
        T: DeserializeOwned,
        R: Send,
    {
        self.segments = false;
        if self.eof && self.buf.len() - self.pos <= items.segment {
            // All that is left is in the buffer and too short to cut (a
            // page of a paged API): the one-thread path, without a copy.
            return;
        }
        let before = *items.taken;
        let rest = self.buf.split_off(self.pos);
        self.buf = in_segments(rest, items.reader, &mut self.eof, items.segment, items.map, items.emit, items.taken);
        (self.pos, self.kept) = (0, 0);
        if *items.taken > before {
            self.list = Some(ListState::AfterComma);
        }
    }

    /// One byte of a string in the envelope. `None` for a key of an
    /// envelope object written with escapes: `"d\u0061ta"` is `data` to
    /// serde, and only the exact parse reads it as such.
    fn string_step(&mut self) -> Option<()> {
        let b = self.buf[self.pos];
        if let Some(st) = &mut self.string {
            if st.escaped {
                st.escaped = false;
            } else if b == b'\\' {
                st.escaped = true;
                st.has_escape = true;
            } else if b == b'"' {
                let st = *st;
                self.string = None;
                if matches!(self.stack.last(), Some(Frame::Object { envelope: true })) {
                    if st.key && st.has_escape {
                        return None;
                    }
                    self.last_key = Some(self.buf[st.start + 1..self.pos].to_vec());
                }
            }
        }
        self.pos += 1;
        Some(())
    }

    /// One byte of the envelope. `None` for what is not JSON.
    fn envelope_step(&mut self) -> Option<()> {
        let b = self.buf[self.pos];
        if self.done && !is_json_space(b) {
            return None; // trailing data
        }
        match b {
            b'"' => {
                self.string = Some(Str { start: self.pos, escaped: false, key: self.expect_key, has_escape: false });
                self.expect_key = false;
            }
            b'{' | b'[' => {
                self.open(b)?;
                self.expect_key = b == b'{';
            }
            b'}' | b']' => {
                self.close(b)?;
                self.expect_key = false;
            }
            b',' => self.expect_key = matches!(self.stack.last(), Some(Frame::Object { .. })),
            _ if is_json_space(b) || b == b':' => {}
            _ if self.stack.is_empty() => return None,
            _ => self.last_key = None,
        }
        self.pos += 1;
        Some(())
    }

    /// An object or array opens; the first array at the top or under a list
    /// key of an envelope object is the list. `None` for a second value under
    /// a list key once the list is found: serde reads every one of them
    /// (duplicate keys, `data` and `items` both), so only the exact parse may.
    fn open(&mut self, b: u8) -> Option<()> {
        let parent = self.stack.last().copied();
        let named = self.last_key.take().is_some_and(|k| LIST_KEYS.contains(&k.as_slice()));
        let here = parent.is_none() || (named && matches!(parent, Some(Frame::Object { envelope: true })));
        if here && self.found_list {
            return None;
        }
        if b == b'{' {
            self.stack.push(Frame::Object { envelope: here });
        } else if here && !self.found_list {
            self.stack.push(Frame::Array { list: true });
            self.found_list = true;
            self.list = Some(ListState::Start);
            if self.skeleton.len() < MAX_SKELETON {
                self.skeleton.extend_from_slice(&self.buf[self.kept..=self.pos]);
            }
            self.kept = self.pos + 1;
        } else {
            self.stack.push(Frame::Array { list: false });
        }
        Some(())
    }

    fn close(&mut self, b: u8) -> Option<()> {
        let frame = self.stack.pop()?;
        if matches!((frame, b), (Frame::Object { .. }, b']') | (Frame::Array { .. }, b'}')) {
            return None;
        }
        self.done = self.stack.is_empty();
        Some(())
    }

    /// The envelope bytes read so far go to the skeleton.
    fn keep_envelope(&mut self) {
        if self.string.is_none() && self.list.is_none() && self.kept < self.pos {
            if self.skeleton.len() < MAX_SKELETON {
                self.skeleton.extend_from_slice(&self.buf[self.kept..self.pos]);
            }
            self.kept = self.pos;
        }
    }

    /// At the end of the input: the document closed, a list found, and the
    /// envelope, with the list emptied, good JSON naming a list. An envelope
    /// too large to keep is left to the exact parse: unchecked, it could hide
    /// anything (garbage, a `result` that is a number).
    fn finish(self) -> Option<()> {
        if !self.done || self.string.is_some() || self.list.is_some() || !self.found_list {
            return None;
        }
        if self.skeleton.len() >= MAX_SKELETON {
            return None;
        }
        let mut de = serde_json::Deserializer::from_slice(&self.skeleton);
        serde::de::DeserializeSeed::deserialize(super::list::Items::<IgnoredAny> { f: &mut |_| {} }, &mut de).ok()?;
        de.end().ok()?;
        Some(())
    }
}

/// What a worker made of one segment.
struct Parsed<R> {
    /// What `map` returned for the items parsed, in order.
    out: Vec<R>,
    /// Items parsed.
    items: usize,
    /// `None` when the segment held whole items each followed by a comma and
    /// nothing else; otherwise the offset of the first item not parsed.
    stopped_at: Option<usize>,
}

type Job<R> = (Arc<Vec<u8>>, SyncSender<Parsed<R>>);
/// A segment cut, and where its result will come.
type Pending<R> = (Arc<Vec<u8>>, Receiver<Parsed<R>>);

/// The list from `rest` (which starts at an item) in segments on worker
/// threads. Returns the bytes from the first item not taken, for the
/// one-thread path to go on with: the list's last segment, or everything from
/// a segment that did not parse cleanly.
fn in_segments<T, R>(
    mut rest: Vec<u8>,
    reader: &mut dyn Read,
    eof: &mut bool,
    segment: usize,
    map: &(dyn Fn(T) -> Option<R> + Sync),
    emit: &mut dyn FnMut(R),
    taken: &mut usize,
) -> Vec<u8>
where
    T: DeserializeOwned,
    R: Send,
{
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if workers < 2 {
        return rest;
    }
    // No threads for a list too short to cut.
    let Some(first) = cut(&mut rest, segment, reader, eof) else { return rest };
    let mut first = Some(first);
    let in_flight = workers * 2;
    let (jobs, queue) = sync_channel::<Job<R>>(in_flight);
    let queue = Mutex::new(queue);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let queue = &queue;
            scope.spawn(move || loop {
                let job = match queue.lock() {
                    Ok(q) => q.recv(),
                    Err(_) => return,
                };
                let Ok((data, done)) = job else { return };
                let _ = done.send(parse_segment(&data, map));
            });
        }
        let mut pending: VecDeque<Pending<R>> = VecDeque::new();
        let mut cutting = true;
        loop {
            while cutting && pending.len() < in_flight {
                match first.take().or_else(|| cut(&mut rest, segment, reader, eof)) {
                    Some(data) => {
                        let data = Arc::new(data);
                        let (done, result) = sync_channel(1);
                        if jobs.send((data.clone(), done)).is_err() {
                            cutting = false;
                        }
                        pending.push_back((data, result));
                    }
                    None => cutting = false,
                }
            }
            let Some((data, result)) = pending.pop_front() else { break };
            let parsed = result.recv().unwrap_or(Parsed { out: Vec::new(), items: 0, stopped_at: Some(0) });
            *taken += parsed.items;
            parsed.out.into_iter().for_each(&mut *emit);
            if let Some(at) = parsed.stopped_at {
                // From here on, one thread: this segment's rest, the segments
                // cut after it (parsed from a wrong guess, or not needed), and
                // what is not cut yet.
                let mut back = Vec::with_capacity(data.len() - at + pending.iter().map(|(d, _)| d.len()).sum::<usize>() + rest.len());
                back.extend_from_slice(&data[at..]);
                for (d, _) in pending.drain(..) {
                    back.extend_from_slice(&d);
                }
                back.extend_from_slice(&rest);
                rest = back;
                break;
            }
        }
        drop(jobs);
        rest
    })
}

/// The next segment off the front of `rest`: about `segment` bytes ending
/// just before what looks like the start of an item. `None` at the end of
/// the input (the last segment is the one-thread path's) or when no boundary
/// shows.
fn cut(rest: &mut Vec<u8>, segment: usize, reader: &mut dyn Read, eof: &mut bool) -> Option<Vec<u8>> {
    loop {
        if rest.len() > segment {
            if let Some(at) = boundary(rest, segment) {
                let tail = rest.split_off(at);
                return Some(std::mem::replace(rest, tail));
            }
            if rest.len() > segment.saturating_add(MAX_SEARCH) {
                return None;
            }
        }
        if *eof {
            return None;
        }
        // Up to a little past the segment's size: what is read beyond the
        // boundary is copied into the next segment, so keep it short.
        let want = segment.saturating_add(LOOKAHEAD).saturating_sub(rest.len()).clamp(LOOKAHEAD, CHUNK);
        // On an error the one-thread path reads on and meets it itself.
        *eof = read_more(rest, reader, want).ok()? == 0;
    }
}

/// Append up to `n` bytes (fewer only at the end of the input); 0 at the end.
/// The room is made first, so that the bytes are read in place, never moved
/// by a growing buffer.
fn read_more(buf: &mut Vec<u8>, reader: &mut dyn Read, n: usize) -> std::io::Result<usize> {
    buf.reserve(n);
    reader.take(n as u64).read_to_end(buf)
}

/// The first offset at or after `from` that looks like the start of an item
/// of a list of objects: `}`, `,`, `{`, then `"` or `}` (whitespace allowed
/// between them). Only a guess: the same bytes can sit inside a string.
fn boundary(buf: &[u8], from: usize) -> Option<usize> {
    let ws = |b: &u8| is_json_space(*b);
    let mut i = from;
    while let Some(off) = buf.get(i..)?.iter().position(|&b| b == b'{') {
        let at = i + off;
        let before = buf[..at].iter().rposition(|b| !ws(b));
        let comma = before.filter(|&c| buf[c] == b',');
        let closed = comma.and_then(|c| buf[..c].iter().rposition(|b| !ws(b))).is_some_and(|c| buf[c] == b'}');
        let next = buf.get(at + 1..)?.iter().find(|b| !ws(b))?;
        if closed && matches!(next, b'"' | b'}') {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Parse the items of one segment (each followed by a comma) and map them.
fn parse_segment<T, R>(data: &[u8], map: &(dyn Fn(T) -> Option<R> + Sync)) -> Parsed<R>
where
    T: DeserializeOwned,
{
    let mut parsed = Parsed { out: Vec::new(), items: 0, stopped_at: Some(0) };
    // Valid UTF-8 checked once for the segment, not string by string; what is
    // not goes to the one-thread path, which names the error.
    let Ok(text) = std::str::from_utf8(data) else { return parsed };
    let skip_ws = |mut i: usize| {
        while data.get(i).is_some_and(|&b| is_json_space(b)) {
            i += 1;
        }
        i
    };
    let mut pos = 0;
    loop {
        let Some(rest) = text.get(pos..) else { return parsed };
        let mut items = serde_json::Deserializer::from_str(rest).into_iter::<T>();
        let Some(Ok(item)) = items.next() else { return parsed };
        let after = skip_ws(pos + items.byte_offset());
        if data.get(after) != Some(&b',') {
            return parsed;
        }
        parsed.items += 1;
        if let Some(r) = map(item) {
            parsed.out.push(r);
        }
        pos = skip_ws(after + 1);
        parsed.stopped_at = Some(pos);
        if pos == data.len() {
            parsed.stopped_at = None;
            return parsed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::{json, Value};

    /// Segment sizes from a few bytes (most of a list on the worker threads,
    /// guesses at every boundary) to more than any test list (one thread).
    const SEGMENTS: [usize; 5] = [1, 7, 40, 300, 1 << 30];

    /// What the fast path takes from `text`, the same with every segment size.
    fn read(text: &[u8]) -> (Vec<Value>, Result<(), usize>) {
        let mut seen = None;
        for segment in SEGMENTS {
            let mut out = Vec::new();
            let result = with_segments(&mut &text[..], segment, &Some, &mut |v| out.push(v));
            match &seen {
                None => seen = Some((out, result)),
                Some(first) => assert_eq!(first, &(out, result), "segment {segment}: {}", String::from_utf8_lossy(text)),
            }
        }
        seen.unwrap_or_else(|| unreachable!())
    }

    fn items(text: &str) -> Option<Vec<Value>> {
        let (out, result) = read(text.as_bytes());
        result.ok().map(|_| out)
    }

    #[test]
    fn envelopes_and_bare_arrays() {
        let want = vec![serde_json::json!({"a": "x,]}\"{["}), serde_json::json!({"b": [1, {"c": 2}]})];
        let list = r#"[{"a": "x,]}\"{["}, {"b": [1, {"c": 2}]}]"#;
        assert_eq!(items(list), Some(want.clone()));
        for doc in [
            format!(r#"{{"data": {list}, "next_cursor": null}}"#),
            format!(r#"{{"meta": {{"data": [9]}}, "items": {list}}}"#),
            format!(r#"{{"result": {{"items": {list}, "total": 2, "limit": 50}}}}"#),
            format!(" \n{list}\n "),
        ] {
            assert_eq!(items(&doc), Some(want.clone()), "{doc}");
        }
        assert_eq!(items("[1, 2,3]"), Some(vec![1.into(), 2.into(), 3.into()]));
        assert_eq!(items("[]"), Some(vec![]));
        assert_eq!(items(r#"{"data": []}"#), Some(vec![]));
    }

    #[test]
    fn anything_odd_goes_to_the_exact_parse() {
        for bad in [
            r#"[{"a": 1}, {"b": 2]"#,
            r#"[{"a": 1}"#,
            r#"{"data": [{"a": 1}], "next": tru}"#,
            r#"{"count": 2}"#,
            r#"[{"a": 1}] [2]"#,
            r#"[{"a": 1},]"#,
            r#"[,{"a": 1}]"#,
            r#"[{"a": 1} {"b": 2}]"#,
            r#"[1 2]"#,
            r#"{"data": [1], "data2": }"#,
            r#"{"data": [{"a": "unterminated}]}"#,
            "",
            "nope",
            // Form feed and vertical tab are not JSON whitespace (found by
            // fuzzing: `[\f\t\f]` was read as an empty list, serde refuses it).
            "\t[\x0c\t\x0c\t\t\n]",
            "[{\"a\": 1},\x0b{\"b\": 2}]",
            "\x0c[]",
            "[] \x0c",
        ] {
            assert_eq!(items(bad), None, "{bad:?}");
        }
    }

    /// What serde reads differently from the bytes (escaped keys, a second
    /// list) and envelopes too large to check go to the exact parse, which
    /// gives the true answer (issue: the fast path said "no records, exit 0").
    #[test]
    fn what_only_the_exact_parse_reads_right_goes_to_it() {
        let pad = "p".repeat(MAX_SKELETON + 100_000);
        for bad in [
            r#"{"d\u0061ta": [{"a": 1}]}"#.to_string(),
            r#"{"d\u0061ta": [1], "items": [{"a": 1}]}"#.to_string(),
            r#"{"data": [{"a": 1}], "data": [{"b": 2}]}"#.to_string(),
            r#"{"data": [{"a": 1}], "result": {"items": [{"b": 2}]}}"#.to_string(),
            format!(r#"{{"pad": "{pad}", "count": 3}}"#),
            format!(r#"{{"pad": "{pad}", "result": 5}}"#),
            format!(r#"{{"pad": "{pad}", "result": [{{"a": 1}}], "x": tru}}"#),
            format!(r#"{{"pad": "{pad}", "result": [{{"a": 1}}]}} garbage"#),
        ] {
            assert_eq!(items(&bad).map(|v| v.len()), None, "{}", &bad[..bad.len().min(80)]);
        }
        // Escapes in values, not keys, stay on the fast path.
        assert_eq!(items(r#"{"next": "https:\/\/x\/p2", "data": [{"a": "\u00fc"}]}"#), Some(vec![json!({"a": "ü"})]));
    }

    #[test]
    fn items_larger_than_a_chunk_and_split_across_reads() {
        let big = "x".repeat(3 * CHUNK);
        let doc = format!(r#"{{"data": [{{"s": "{big}"}}, {{"s": "y"}}]}}"#);
        // A reader that hands out 7 bytes at a time.
        struct Slow<'a>(&'a [u8]);
        impl Read for Slow<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(7).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let small = r#"{"data": [{"s": "a"}, {"s": "b\"c"}, {"s": "d"}], "next_cursor": "x"}"#;
        for segment in SEGMENTS {
            let mut got = Vec::new();
            with_segments(&mut Slow(small.as_bytes()), segment, &Some, &mut |v: Value| got.push(v)).unwrap_or_default();
            assert_eq!(got, vec![json!({"s": "a"}), json!({"s": "b\"c"}), json!({"s": "d"})], "segment {segment}");
            let mut sizes = Vec::new();
            with_segments(&mut doc.as_bytes(), segment, &Some, &mut |v: Value| sizes.push(v["s"].as_str().map(str::len).unwrap_or(0)))
                .unwrap_or_default();
            assert_eq!(sizes, [3 * CHUNK, 1]);
        }
    }

    #[test]
    fn a_wrong_guess_at_a_boundary_changes_nothing() {
        // Strings that hold what looks like the end of one item and the start
        // of the next: a segment cut there fails, and the list goes on, whole
        // and in order, on one thread.
        let tricky = [r#"x},{"y"#, r#"},{"#, r#"}, {"a": 1}, {""#, "\\},{\"", "ü},\n{\""];
        let guess = br#"[{"s": "},{"}, {"s": 1}]"#;
        assert_eq!(boundary(guess, 1), Some(10), "the guess inside the string is taken, and must be caught");
        let list: Vec<Value> = (0..60).map(|i| json!({"i": i, "s": tricky[i % tricky.len()], "n": {"k": [i]}})).collect();
        for text in
            [serde_json::to_string(&list).unwrap_or_default(), serde_json::to_string_pretty(&json!({"data": list})).unwrap_or_default()]
        {
            assert_eq!(items(&text), Some(list.clone()), "{text}");
        }
    }

    #[test]
    fn errors_part_way_take_the_same_items_at_any_segment_size() {
        let good: Vec<String> = (0..30).map(|i| format!(r#"{{"i": {i}, "s": "v{i}"}}"#)).collect();
        let mut bad_item = good.clone();
        bad_item[17] = r#"{"i": 17, "s": }"#.into();
        let mut bad_bytes = format!("[{}]", good.join(",")).into_bytes();
        let at = bad_bytes.len() / 2;
        bad_bytes[at] = 0xff;
        for (text, taken) in [
            (format!("[{}]", bad_item.join(", ")).into_bytes(), 17),
            (format!("[{}", good.join(",")).into_bytes(), 30),
            (format!("[{}] trailing", good.join(",")).into_bytes(), 30),
        ] {
            let (out, result) = read(&text);
            assert_eq!(result, Err(taken), "{}", String::from_utf8_lossy(&text));
            assert_eq!(out.len(), taken);
        }
        // Invalid UTF-8 in a string: the one-thread path reads it as serde_json does.
        let (out, result) = read(&bad_bytes);
        assert!(result.is_err() || out.len() == 30);
    }

    #[test]
    fn map_runs_on_the_workers_and_emit_keeps_the_order() {
        let list: Vec<Value> = (0..500).map(|i| json!({"i": i, "pad": "x".repeat(i % 17)})).collect();
        let text = serde_json::to_string(&list).unwrap_or_default();
        let main = std::thread::current().id();
        let odd = |v: Value| -> Option<(u64, bool)> {
            let i = v["i"].as_u64()?;
            (i % 2 == 1).then(|| (i, std::thread::current().id() != main))
        };
        let mut got = Vec::new();
        assert_eq!(with_segments(&mut text.as_bytes(), 64, &odd, &mut |r| got.push(r)), Ok(()));
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), (0..500).filter(|i| i % 2 == 1).collect::<Vec<_>>());
        if std::thread::available_parallelism().map_or(1, |n| n.get()) > 1 {
            assert!(got.iter().any(|r| r.1), "no item was mapped on a worker thread");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]
        /// Any list of objects, compact or pretty, bare or in an envelope: the
        /// same items as `serde_json` reads, whatever the segment size.
        #[test]
        fn same_items_as_serde_json(
            strings in proptest::collection::vec("([a-z ,:{}\\[\\]\"\\\\]|},\\{\"|ü){0,12}", 0..40),
            pretty: bool,
            envelope: bool,
        ) {
            let list: Vec<Value> = strings.iter().enumerate().map(|(i, s)| json!({"id": i, "s": s, "o": {"s": s}})).collect();
            let doc = if envelope { json!({"next": null, "data": list}) } else { json!(list) };
            let text = if pretty { serde_json::to_string_pretty(&doc) } else { serde_json::to_string(&doc) }.unwrap_or_default();
            proptest::prop_assert_eq!(items(&text), Some(list));
        }
    }
}
