//! Reading a payload: a whole document, or a list item by item, from memory,
//! a file or stdin, refusing what is not JSON before serde sees it; errors
//! name the JSON path.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::marker::PhantomData;
use std::path::Path;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny};

use super::list::{is_json_space, Items, PageInfo};
use super::{not_a_document, within, Body, PayloadError, MAX_DOCUMENT};

/// A reader that fails once more than `left` bytes were asked of it.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: std::io::Read> std::io::Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            std::io::Error::other(format!("document larger than {} MiB: refused (only lists of items are streamed)", MAX_DOCUMENT >> 20))
        })?;
        Ok(n)
    }
}

const BOM: &[u8] = b"\xef\xbb\xbf";

fn open(path: &Path) -> Result<BufReader<File>, PayloadError> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 20, f))
        .map_err(|e| PayloadError::Io(format!("cannot read {}: {e}", path.display())))
}

/// Refuse what is not JSON before serde sees it: empty input, binary data, an
/// HTML error page. Leaves the reader at the BOM-less start.
fn sniff(reader: &mut impl BufRead) -> Result<(), PayloadError> {
    let io = |e: std::io::Error| PayloadError::Io(format!("reading: {e}"));
    if reader.fill_buf().map_err(io)?.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    loop {
        let buf = reader.fill_buf().map_err(io)?;
        if buf.is_empty() {
            return Err(PayloadError::Empty);
        }
        match buf.iter().copied().find(|&b| !is_json_space(b)) {
            Some(b'{' | b'[') => return Ok(()),
            Some(b) => return Err(PayloadError::NotJson(b)),
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// Run `seed` over a whole JSON document, tracking the path for errors.
fn run<'de, R: serde_json::de::Read<'de>, S: DeserializeSeed<'de>>(
    mut de: serde_json::Deserializer<R>,
    seed: S,
) -> Result<S::Value, PayloadError> {
    let mut track = serde_path_to_error::Track::new();
    let value = seed
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .map_err(|e| PayloadError::Invalid { path: json_path(&track.path().to_string()), message: e.to_string() })?;
    de.end().map_err(|e| PayloadError::Invalid { path: "$".into(), message: e.to_string() })?;
    Ok(value)
}

/// Run `seed` over a whole JSON document, fast: no path tracking. `Err(None)`
/// is a JSON error whose path [`run`] finds on a second pass.
fn run_fast<'de, R: serde_json::de::Read<'de>, S: DeserializeSeed<'de>>(
    mut de: serde_json::Deserializer<R>,
    seed: S,
) -> Result<S::Value, Option<PayloadError>> {
    let value = seed.deserialize(&mut de).map_err(|_| None)?;
    de.end().map_err(|e| Some(PayloadError::Invalid { path: "$".into(), message: e.to_string() }))?;
    Ok(value)
}

/// Run `seed` over a body, from memory or streaming from its file; with
/// `tracked`, keeping the JSON path for errors (slower). Stdin is read once,
/// always tracked, and past `cap` bytes refused when a cap is given.
fn run_body<S, V>(body: &Body, seed: S, tracked: bool, cap: Option<u64>) -> Result<V, Option<PayloadError>>
where
    S: for<'de> DeserializeSeed<'de, Value = V>,
{
    match body {
        Body::Stdin => {
            let stdin = std::io::stdin().lock();
            let reader: Box<dyn std::io::Read> = match cap {
                Some(left) => Box::new(Capped { inner: stdin, left }),
                None => Box::new(stdin),
            };
            let mut reader = BufReader::with_capacity(1 << 20, reader);
            sniff(&mut reader)?;
            run(serde_json::Deserializer::from_reader(reader), seed).map_err(Some)
        }
        Body::Bytes(bytes) => {
            let mut slice = bytes.as_slice();
            sniff(&mut slice)?;
            if tracked {
                // Read the way a file is, so that an error's line and column
                // are the same whichever way the payload came.
                run(serde_json::Deserializer::from_reader(slice), seed).map_err(Some)
            } else {
                run_fast(serde_json::Deserializer::from_slice(slice), seed)
            }
        }
        Body::File(path) => {
            let mut reader = open(path)?;
            sniff(&mut reader)?;
            let de = serde_json::Deserializer::from_reader(reader);
            if tracked {
                run(de, seed).map_err(Some)
            } else {
                run_fast(de, seed)
            }
        }
        Body::Incoming(_) => Err(Some(not_a_document())),
    }
}

/// Parse fast; on a JSON error, parse again with `inert` (a seed that
/// delivers nothing) tracking the path, to say where it went wrong. Stdin
/// can be read once: one tracked pass.
fn parse<S, I, V, W>(body: &Body, seed: S, inert: I, cap: Option<u64>) -> Result<V, PayloadError>
where
    S: for<'de> DeserializeSeed<'de, Value = V>,
    I: for<'de> DeserializeSeed<'de, Value = W>,
{
    if let Body::Stdin = body {
        return run_body(body, seed, true, cap).map_err(|e| e.unwrap_or_else(|| PayloadError::at("$", "invalid JSON")));
    }
    match run_body(body, seed, false, cap) {
        Ok(v) => Ok(v),
        Err(Some(e)) => Err(e),
        Err(None) => match run_body(body, inert, true, cap) {
            Err(Some(e)) => Err(e),
            _ => Err(PayloadError::at("$", "invalid JSON")),
        },
    }
}

/// Each line of a text payload (lmstat output), with its 1-based number:
/// `\n` or `\r\n` ends a line, bytes that are not UTF-8 are replaced, a
/// UTF-8 byte order mark is dropped and UTF-16 text (what Windows
/// PowerShell's `>` writes, with its byte order mark) is decoded; more than
/// [`MAX_DOCUMENT`] bytes or a NUL byte (binary data) is an error.
pub fn for_each_line(body: &Body, f: &mut dyn FnMut(usize, &str) -> Result<(), PayloadError>) -> Result<(), PayloadError> {
    let reader: Box<dyn BufRead> = match body {
        Body::Bytes(bytes) => Box::new(bytes.as_slice()),
        Body::File(path) => Box::new(open(path)?),
        Body::Stdin => Box::new(BufReader::with_capacity(1 << 20, std::io::stdin().lock())),
        Body::Incoming(_) => return Err(not_a_document()),
    };
    // One byte past the cap is read, to know the text went past it; a line
    // without end is never read past the cap either.
    let mut reader = reader.take(MAX_DOCUMENT + 1);
    let io = |e: std::io::Error| PayloadError::Io(format!("reading: {e}"));
    let start = reader.fill_buf().map_err(io)?;
    if let Some(big_endian) = utf16_bom(start) {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(io)?;
        too_large(bytes.len() as u64)?;
        let text = utf16(&bytes[2..], big_endian);
        return lines(&mut text.as_bytes(), f);
    }
    if start.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    lines(&mut reader, f)
}

/// `Some(big_endian)` when `start` opens with a UTF-16 byte order mark.
fn utf16_bom(start: &[u8]) -> Option<bool> {
    match start {
        [0xff, 0xfe, ..] => Some(false),
        [0xfe, 0xff, ..] => Some(true),
        _ => None,
    }
}

/// UTF-16 text as a string, what is not UTF-16 replaced.
fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks(2).map(|c| match (c, big_endian) {
        ([a, b], false) => u16::from_le_bytes([*a, *b]),
        ([a, b], true) => u16::from_be_bytes([*a, *b]),
        _ => 0xfffd,
    });
    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

fn too_large(read: u64) -> Result<(), PayloadError> {
    match read > MAX_DOCUMENT {
        true => Err(PayloadError::Io(format!("reading: text larger than {} MiB: refused", MAX_DOCUMENT >> 20))),
        false => Ok(()),
    }
}

/// The lines of `reader`, as [`for_each_line`] hands them on.
fn lines(reader: &mut dyn BufRead, f: &mut dyn FnMut(usize, &str) -> Result<(), PayloadError>) -> Result<(), PayloadError> {
    let mut line = Vec::new();
    let mut number = 0;
    let mut read = 0u64;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(|e| PayloadError::Io(format!("reading: {e}")))?;
        read += n as u64;
        too_large(read)?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        if line.contains(&0) {
            return Err(PayloadError::at(format!("line {number}"), "a NUL byte: binary data, not text"));
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        f(number, &String::from_utf8_lossy(&line))?;
    }
}

/// The nesting serde_json allows, and every JSON reader of licusage with it.
pub const MAX_DEPTH: usize = 128;

/// Where `bytes` nests arrays and objects deeper than [`MAX_DEPTH`], if it
/// does: checked before a reader that recurses without a limit (jaq's) sees
/// them, so that a deep document is an error, never a stack overflow.
pub fn too_deep(bytes: &[u8]) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (at, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(at);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A whole document as `T` (for the payloads that are one small object).
pub fn decode_body<T: DeserializeOwned>(body: &Body) -> Result<T, PayloadError> {
    parse(body, PhantomData::<T>, PhantomData::<T>, Some(MAX_DOCUMENT))
}

/// Deserialize `bytes` as `T`, reporting where in the document it went wrong
/// as a JSON path (`$.applications[0].user_licensing.full__v.used`).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PayloadError> {
    let mut slice = bytes;
    sniff(&mut slice)?;
    run(serde_json::Deserializer::from_slice(slice), PhantomData::<T>)
}

/// Deserialize an answer that carries a credential (a login's session id, a
/// token endpoint's token): errors name the field and what sort of value was
/// there, never the value itself, which may be the secret.
pub fn decode_credential<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PayloadError> {
    decode(bytes).map_err(|e| match e {
        PayloadError::Invalid { path, message } => PayloadError::Invalid { path, message: without_values(&message) },
        other => other,
    })
}

/// serde's message with the values it quotes left out: `invalid type:
/// string "abc", expected …` becomes `invalid type: string, expected …`.
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[at] as char;
        out.push_str(rest[..at].trim_end());
        // Skip to the closing quote (serde escapes quotes inside with `\`).
        let body = &rest[at + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                c if c == quote => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        match end {
            Some(i) => rest = &body[i + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Call `f` with each item of every page of a list, in order, one item in
/// memory at a time. Errors say which list (`label`) and page.
pub fn for_each<T: DeserializeOwned + Send>(pages: &[Body], label: &str, f: &mut dyn FnMut(T)) -> Result<(), PayloadError> {
    for_each_map(pages, label, &Some, f)
}

/// Each item of every page of a list through `map`, which may run on other
/// threads (a large file or page is parsed on every core), and what it
/// returns to `emit`, in the list's order. Errors say which list (`label`)
/// and page.
pub fn for_each_map<T: DeserializeOwned, R: Send>(
    pages: &[Body],
    label: &str,
    map: &(dyn Fn(T) -> Option<R> + Sync),
    emit: &mut dyn FnMut(R),
) -> Result<(), PayloadError> {
    for (i, page) in pages.iter().enumerate() {
        match page {
            // Streamed pages are numbered as they come.
            Body::Incoming(feed) => feed.each(label, &mut |n, bytes| {
                list_items(&Body::Bytes(bytes), map, &mut *emit).map_err(|e| within(e, label, n, usize::MAX))
            })?,
            _ => list_items(page, map, &mut *emit).map_err(|e| within(e, label, i, pages.len()))?,
        }
    }
    Ok(())
}

/// The items of one page of a list.
fn list_items<T: DeserializeOwned, R: Send>(
    page: &Body,
    map: &(dyn Fn(T) -> Option<R> + Sync),
    emit: &mut dyn FnMut(R),
) -> Result<(), PayloadError> {
    match page {
        Body::File(path) => {
            let mut reader = open(path)?;
            sniff(&mut reader)?;
            fast_items(page, unbuffered(reader), map, emit)
        }
        Body::Bytes(bytes) => {
            let mut slice = bytes.as_slice();
            sniff(&mut slice)?;
            fast_items(page, slice, map, emit)
        }
        Body::Stdin => stdin_items(page, map, emit),
        Body::Incoming(_) => Err(not_a_document()),
    }
}

/// What `reader` holds, then the rest of what it reads: the parser's reads
/// go straight into its own buffers, not through this one's.
fn unbuffered<R: Read>(reader: BufReader<R>) -> impl Read {
    let ahead = reader.buffer().to_vec();
    std::io::Cursor::new(ahead).chain(reader.into_inner())
}

/// A file or a page in memory (sniffed), item by item at `from_slice`
/// speed, in bounded memory; anything odd, and the exact way finds the error
/// (should it find none, it hands on the items the fast path did not).
fn fast_items<T: DeserializeOwned, R: Send>(
    page: &Body,
    reader: impl Read,
    map: &(dyn Fn(T) -> Option<R> + Sync),
    emit: &mut dyn FnMut(R),
) -> Result<(), PayloadError> {
    match super::stream::for_each_item(reader, map, &mut *emit) {
        Ok(()) => Ok(()),
        Err(taken) => exact_items(page, map, emit, taken),
    }
}

/// Standard input, which can be read once, the fast way all the same: a
/// file given as stdin (`< export.json`) is read again from where it
/// started should the exact pass be needed; what comes through a pipe is
/// kept in an unnamed temporary file as it is read, for the same reason.
/// Where neither can be done, the one exact pass.
#[cfg(unix)]
fn stdin_items<T: DeserializeOwned, R: Send>(
    page: &Body,
    map: &(dyn Fn(T) -> Option<R> + Sync),
    emit: &mut dyn FnMut(R),
) -> Result<(), PayloadError> {
    use std::io::{Seek, SeekFrom};
    use std::os::fd::AsFd;

    let io = |e: std::io::Error| PayloadError::Io(format!("reading: {e}"));
    let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else { return exact_items(page, map, emit, 0) };
    let mut input = File::from(fd);
    let regular = input.metadata().is_ok_and(|m| m.is_file());
    if let (true, Ok(start)) = (regular, input.stream_position()) {
        let mut reader = BufReader::with_capacity(1 << 20, &input);
        sniff(&mut reader)?;
        return match super::stream::for_each_item(unbuffered(reader), map, &mut *emit) {
            Ok(()) => Ok(()),
            Err(taken) => {
                input.seek(SeekFrom::Start(start)).map_err(io)?;
                let mut reader = BufReader::with_capacity(1 << 20, &input);
                sniff(&mut reader)?;
                exact_items_from(reader, map, emit, taken)
            }
        };
    }
    let Ok(spool) = tempfile::tempfile() else { return exact_items(page, map, emit, 0) };
    #[cfg(target_os = "linux")]
    let splice = input.metadata().is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type()));
    #[cfg(target_os = "linux")]
    if splice {
        // Fewer, larger reads from the writer; refused past the system's limit, and that is fine.
        let _ = rustix::pipe::fcntl_setpipe_size(&input, 1 << 20);
    }
    #[cfg(not(target_os = "linux"))]
    let splice = false;
    let mut spooled = Spooled { input: &input, spool: &spool, splice, written: 0, read: 0, lost: None };
    let mut reader = BufReader::with_capacity(1 << 20, &mut spooled);
    sniff(&mut reader)?;
    let taken = match super::stream::for_each_item(unbuffered(reader), map, &mut *emit) {
        Ok(()) => return Ok(()),
        Err(taken) => taken,
    };
    if let Some(e) = spooled.lost {
        return Err(PayloadError::Io(format!("reading: standard input could not be kept for a second pass: {e}")));
    }
    // The exact pass over what was kept, then the rest (a failed move or
    // copy took nothing from the pipe: the two are the whole input still).
    let mut reader = BufReader::with_capacity(1 << 20, (&spool).take(spooled.written).chain(&input));
    sniff(&mut reader)?;
    exact_items_from(reader, map, emit, taken)
}

/// Standard input read through a temporary file that keeps every byte: a
/// pipe's chunks moved into it by the kernel (`splice`, no copy made here)
/// and read from there; anything else (or where splice is refused) read and
/// copied into it.
#[cfg(unix)]
struct Spooled<'a> {
    input: &'a File,
    spool: &'a File,
    splice: bool,
    /// Bytes kept in the spool, and read from it.
    written: u64,
    read: u64,
    /// Why bytes read could not be kept, if they could not.
    lost: Option<String>,
}

#[cfg(unix)]
impl Read for Spooled<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        #[cfg(target_os = "linux")]
        if self.splice && self.read == self.written {
            let mut at = self.written;
            match rustix::pipe::splice(self.input, None, self.spool, Some(&mut at), 1 << 20, rustix::pipe::SpliceFlags::MOVE) {
                Ok(0) => return Ok(0),
                Ok(moved) => self.written += moved as u64,
                // A file system without splice: the bytes are copied.
                Err(rustix::io::Errno::INVAL) => self.splice = false,
                Err(e) => return Err(e.into()),
            }
        }
        if self.read == self.written {
            let n = self.input.read(buf)?;
            if let Err(e) = self.spool.write_all_at(&buf[..n], self.written) {
                // Read from the input and kept nowhere: no second pass can be exact.
                self.lost = Some(e.to_string());
                return Err(e);
            }
            self.written += n as u64;
            self.read += n as u64;
            return Ok(n);
        }
        let left = usize::try_from(self.written - self.read).unwrap_or(usize::MAX);
        let want = buf.len().min(left);
        let n = self.spool.read_at(&mut buf[..want], self.read)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(not(unix))]
fn stdin_items<T: DeserializeOwned, R: Send>(
    page: &Body,
    map: &(dyn Fn(T) -> Option<R> + Sync),
    emit: &mut dyn FnMut(R),
) -> Result<(), PayloadError> {
    exact_items(page, map, emit, 0)
}

/// The exact pass over a sniffed `reader`, skipping the first `skip` items.
#[cfg(unix)]
fn exact_items_from<T: DeserializeOwned, R: Send>(
    reader: impl Read,
    map: &(dyn Fn(T) -> Option<R> + Sync),
    emit: &mut dyn FnMut(R),
    skip: usize,
) -> Result<(), PayloadError> {
    let mut each = skipping(map, emit, skip);
    run(serde_json::Deserializer::from_reader(reader), Items { f: &mut each }).map(|_| ())
}

/// What an exact pass does with each item: hands it on, but for the first
/// `skip` (handed on already by the fast path).
fn skipping<'a, T, R>(map: &'a (dyn Fn(T) -> Option<R> + Sync), emit: &'a mut dyn FnMut(R), mut skip: usize) -> impl FnMut(T) + 'a {
    move |item| {
        if skip > 0 {
            skip -= 1;
        } else if let Some(r) = map(item) {
            emit(r);
        }
    }
}

/// One exact pass, skipping the first `skip` items (handed on already).
fn exact_items<T: DeserializeOwned, R: Send>(
    page: &Body,
    map: &(dyn Fn(T) -> Option<R> + Sync),
    emit: &mut dyn FnMut(R),
    skip: usize,
) -> Result<(), PayloadError> {
    let mut each = skipping(map, emit, skip);
    parse(page, Items { f: &mut each }, Items::<T> { f: &mut |_| {} }, None).map(|_| ())
}

/// Every item of every page of a list.
pub fn decode_pages<T: DeserializeOwned + Send>(pages: &[Body], label: &str) -> Result<Vec<T>, PayloadError> {
    let mut items = Vec::new();
    for_each(pages, label, &mut |item| items.push(item))?;
    Ok(items)
}

/// The pagination fields of one page, and how many items it held.
pub fn page_info(bytes: &[u8]) -> Result<PageInfo, PayloadError> {
    let mut slice = bytes;
    sniff(&mut slice)?;
    run(serde_json::Deserializer::from_slice(slice), Items::<IgnoredAny> { f: &mut |_| {} })
}

fn json_path(serde_path: &str) -> String {
    // serde_path_to_error writes `?` for a segment it could not name (input cut short inside a key).
    let serde_path = serde_path.trim_end_matches(".?").trim_end_matches('?');
    match serde_path {
        "." | "" => "$".to_string(),
        p if p.starts_with('[') => format!("${p}"),
        p => format!("$.{p}"),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::payload::{Count, Feed, Page, Timestamp};

    #[derive(Debug, Deserialize)]
    struct Seat {
        #[allow(dead_code)]
        n: Count,
    }

    /// Streamed pages: every item in order; a fetcher that ends without
    /// saying the list is over is an error naming the page, never a short list.
    #[test]
    fn streamed_pages_end_only_when_the_fetcher_says_so() {
        let feed = |pages: Vec<Page>| {
            let (tx, rx) = tokio::sync::mpsc::channel(pages.len().max(1));
            for p in pages {
                tx.try_send(p).unwrap_or_else(|_| unreachable!());
            }
            Body::Incoming(Feed::new(rx))
        };
        let data = |n: u64| Page::Data(format!("{{\"data\":[{{\"n\":{n}}},{{\"n\":{}}}]}}", n + 1).into_bytes());
        let count = |body: Body| {
            let mut n = 0;
            for_each::<Seat>(&[body], "assignments", &mut |_| n += 1).map(|_| n).map_err(|e| e.to_string())
        };
        assert_eq!(count(feed(vec![data(1), data(3), Page::End])), Ok(4));
        let cut = count(feed(vec![data(1), data(3)]));
        assert_eq!(cut, Err("assignments page 3: internal error: the pages stopped coming before the last one".into()));
        let failed = count(feed(vec![data(1), Page::Failed("HTTP 503 Service Unavailable from http://x/".into())]));
        assert_eq!(failed, Err("assignments page 2: HTTP 503 Service Unavailable from http://x/".into()));
        let bad = count(feed(vec![data(1), Page::Data(b"{\"data\":[{\"n\":-1}]}".to_vec()), Page::End]));
        assert!(bad.as_ref().is_err_and(|e| e.starts_with("assignments page 2 $.data[0].n")), "{bad:?}");
    }

    fn seats(body: &[u8]) -> Result<Vec<Seat>, PayloadError> {
        decode_pages(&[Body::Bytes(body.to_vec())], "")
    }

    #[test]
    fn errors_name_the_json_path() {
        let e = seats(br#"{"data":[{"n":1},{"n":-4}]}"#).err();
        assert_eq!(e.map(|e| e.to_string()), Some("$.data[1].n: negative count -4 at line 1 column 25".to_string()));
        let e = seats(br#"[{"n":"7"}]"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("$[0].n: invalid type: string \"7\", expected a non-negative integer"), "{e}");
        let e = seats(br#"[{"n":1}"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("EOF while parsing"), "{e}");
    }

    #[test]
    fn credential_answers_never_echo_a_value() {
        #[derive(Debug, serde::Deserialize)]
        struct Answer {
            #[allow(dead_code)]
            access_token: Option<String>,
            #[allow(dead_code)]
            data: Option<Box<Answer>>,
        }
        for (body, want) in [
            (r#"{"data": "tok-SECRET-1"}"#, "$.data: invalid type: string, expected struct Answer at line 1 column 23"),
            (r#"{"access_token": 12345}"#, "$.access_token: invalid type: integer, expected a string at line 1 column 22"),
            (r#"{"access_token": ["tok\"-SECRET"]}"#, "$.access_token: invalid type: sequence, expected a string at line 1 column 17"),
        ] {
            let e = decode_credential::<Answer>(body.as_bytes()).err().map(|e| e.to_string()).unwrap_or_default();
            assert_eq!(e, want, "{body}");
            assert!(!e.contains("SECRET") && !e.contains("12345"), "{e}");
        }
    }

    #[test]
    fn counts_are_exact_or_refused() {
        let count = |json: &str| serde_json::from_str::<Count>(json).map(|c| c.0).map_err(|e| e.to_string());
        assert!(count("18446744073709551615").is_err_and(|e| e.contains("too large (more than 9223372036854775807)")));
        assert_eq!(count("12.0"), Ok(12));
        assert!(count("18446744073709551616").is_err_and(|e| e.contains("too large to be exact")));
        assert!(count("9223372036854775808").is_err_and(|e| e.contains("count 9223372036854775808 is too large")));
        assert_eq!(count("9223372036854775807"), Ok(Count::MAX));
        assert!(count("1e300").is_err_and(|e| e.contains("too large")));
        assert!(count("9007199254740993.0").is_err_and(|e| e.contains("too large")));
        assert!(count("2.5").is_err_and(|e| e.contains("not a whole number")));
        assert!(count("-0.5").is_err_and(|e| e.contains("negative")));
        assert!(count("true").is_err());
    }

    #[test]
    fn empty_and_binary_inputs_are_named() {
        assert_eq!(seats(b"  \n").err(), Some(PayloadError::Empty));
        assert_eq!(seats(b"\x89PNG\r\n").err(), Some(PayloadError::NotJson(0x89)));
        assert_eq!(seats(b"<html>").err(), Some(PayloadError::NotJson(b'<')));
        assert_eq!(seats(b"\xef\xbb\xbf[]").map(|v| v.len()), Ok(0));
        assert!(matches!(seats(b"[] []"), Err(PayloadError::Invalid { .. })), "trailing data");
    }

    #[test]
    fn collections_bare_and_enveloped() {
        for body in [
            r#"[{"n":1},{"n":2}]"#,
            r#"{"data":[{"n":1},{"n":2}],"next_cursor":"c2"}"#,
            r#"{"result":{"items":[{"n":1},{"n":2}],"limit":2,"total":9}}"#,
        ] {
            assert_eq!(seats(body.as_bytes()).map(|v| v.len()), Ok(2), "{body}");
        }
        let info = page_info(br#"{"result":{"items":[{"n":1}],"limit":2,"total":9},"nextCursor":"x"}"#).unwrap_or_default();
        assert_eq!((info.items, info.total, info.limit, info.next_cursor.as_deref()), (1, Some(9), Some(2), Some("x")));
    }

    #[test]
    fn files_stream_with_the_same_errors() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let path = dir.path().join("p.json");
        std::fs::write(&path, "\n  {\"items\": [{\"n\": 1}, {\"n\": -2}]}").unwrap_or_default();
        let e = decode_pages::<Seat>(&[Body::File(path.clone())], "assignments").err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("assignments $.items[1].n: negative count -2 at line 2 column 32"));
        let mut n = 0;
        std::fs::write(&path, "[{\"n\": 1}, {\"n\": 2}]").unwrap_or_default();
        for_each::<Seat>(&[Body::File(path), Body::Bytes(b"[{\"n\":3}]".to_vec())], "", &mut |_| n += 1).unwrap_or_default();
        assert_eq!(n, 3);
        let missing =
            decode_pages::<Seat>(&[Body::File(dir.path().join("none.json"))], "").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(missing.starts_with("cannot read "), "{missing}");
    }

    #[test]
    fn timestamps() {
        let t = |s: &str| Timestamp::parse(s).map(|t| t.0.to_rfc3339());
        assert_eq!(t("2021-07-07T23:59:59.000Z"), Some("2021-07-07T23:59:59+00:00".into()));
        assert_eq!(t("2021-07-07T23:59:59+02:00"), Some("2021-07-07T21:59:59+00:00".into()));
        assert_eq!(t("2022-06-09T13:41:22"), Some("2022-06-09T13:41:22+00:00".into()));
        assert_eq!(t("2021-12-01T15:36+01:00"), Some("2021-12-01T14:36:00+00:00".into()));
        assert_eq!(t("2021-12-01T15:36Z"), Some("2021-12-01T15:36:00+00:00".into()));
        assert_eq!(t("2021-12-01T15:36"), Some("2021-12-01T15:36:00+00:00".into()));
        assert_eq!(t("+10000-01-01T00:00:00Z"), None);
        assert_eq!(t("10000-01-01"), None);
        assert_eq!(t("2026-12-31"), Some("2026-12-31T00:00:00+00:00".into()));
        assert_eq!(t("31/12/2026"), None);
        assert_eq!(t("2026-02-30"), None);
    }
}
