//! The side channel from the process that runs cells to the kernel: one Unix-socket connection per
//! output stream, carrying length-prefixed frames.
//!
//! Frame: kind (1 byte), length (4 bytes, little endian), payload.

use super::control::Control;
use std::io::{self, Read, Write};

/// The environment variable with the kernel's output socket path.
pub const OUTPUT_SOCKET_ENV: &str = "THREADLAB_OUTPUT_SOCKET";

/// The largest payload the reader accepts; writers split text below it.
pub const MAX_PAYLOAD: usize = 16 << 20;

/// Which stream a connection carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stream {
    /// The cells' stdout (also evcxr's control lines and content blocks).
    Stdout,
    /// The cells' stderr.
    Stderr,
}

impl Stream {
    /// Its Jupyter name.
    pub fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// One frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// First frame of a connection: which stream, which process.
    Hello {
        /// The stream.
        stream: Stream,
        /// The process id.
        pid: u32,
    },
    /// Output bytes (any thread, any time; partial lines included).
    Text(Vec<u8>),
    /// An evcxr content block (`EVCXR_BEGIN_CONTENT mime` ... `EVCXR_END_CONTENT`).
    Display {
        /// Its MIME type.
        mime: String,
        /// Its data.
        data: String,
    },
    /// An evcxr control line, sent just before it is passed on to evcxr.
    Control(Control),
    /// The agent's sync marker with its id: all output before it has been sent.
    Sync(u64),
    /// The main thread's panic, read from the default panic hook's stderr message.
    Panic {
        /// The panic message.
        message: String,
        /// `file:line:column`.
        location: String,
    },
}

const HELLO: u8 = 1;
const TEXT: u8 = 2;
const DISPLAY: u8 = 3;
const CONTROL: u8 = 4;
const SYNC: u8 = 5;
const PANIC: u8 = 6;

impl Frame {
    /// Writes the frame.
    pub fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        let (kind, payload): (u8, Vec<u8>) = match self {
            Frame::Hello { stream, pid } => (HELLO, format!("{} {pid}", stream.name()).into_bytes()),
            Frame::Text(bytes) => (TEXT, bytes.clone()),
            Frame::Display { mime, data } => (DISPLAY, format!("{mime}\n{data}").into_bytes()),
            Frame::Control(control) => (CONTROL, control.line().into_bytes()),
            Frame::Sync(id) => (SYNC, id.to_string().into_bytes()),
            Frame::Panic { message, location } => (PANIC, format!("{location}\n{message}").into_bytes()),
        };
        let mut header = [0u8; 5];
        header[0] = kind;
        header[1..].copy_from_slice(&(payload.len() as u32).to_le_bytes());
        out.write_all(&header)?;
        out.write_all(&payload)
    }

    /// Reads one frame; `Ok(None)` at the end of the stream.
    pub fn read_from(input: &mut impl Read) -> io::Result<Option<Frame>> {
        let mut header = [0u8; 5];
        match input.read_exact(&mut header) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let len = u32::from_le_bytes(header[1..].try_into().expect("4 bytes")) as usize;
        if len > MAX_PAYLOAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("frame of {len} bytes")));
        }
        let mut payload = vec![0u8; len];
        input.read_exact(&mut payload)?;
        let text = || String::from_utf8_lossy(&payload).into_owned();
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
        Ok(Some(match header[0] {
            HELLO => {
                let text = text();
                let (stream, pid) = text.split_once(' ').ok_or_else(|| bad("hello"))?;
                let stream = match stream {
                    "stdout" => Stream::Stdout,
                    "stderr" => Stream::Stderr,
                    _ => return Err(bad("hello stream")),
                };
                Frame::Hello { stream, pid: pid.parse().map_err(|_| bad("hello pid"))? }
            }
            TEXT => Frame::Text(payload),
            DISPLAY => {
                let text = text();
                let (mime, data) = text.split_once('\n').unwrap_or((&text, ""));
                Frame::Display { mime: mime.to_owned(), data: data.to_owned() }
            }
            CONTROL => Frame::Control(Control::parse(&text()).ok_or_else(|| bad("control line"))?),
            SYNC => Frame::Sync(text().parse().map_err(|_| bad("sync id"))?),
            PANIC => {
                let text = text();
                let (location, message) = text.split_once('\n').unwrap_or((&text, ""));
                Frame::Panic { message: message.to_owned(), location: location.to_owned() }
            }
            other => return Err(bad(&format!("frame kind {other}"))),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let frames = vec![
            Frame::Hello { stream: Stream::Stderr, pid: 42 },
            Frame::Text(b"partial \xff line".to_vec()),
            Frame::Display { mime: "text/html".into(), data: "<b>x</b>\nsecond".into() },
            Frame::Control(Control::ExecutionComplete),
            Frame::Control(Control::InputRequest { password: false, prompt: "Name: ".into() }),
            Frame::Sync(7),
            Frame::Panic { message: "boom\ntwo".into(), location: "src/lib.rs:1:2".into() },
        ];
        let mut bytes = Vec::new();
        for frame in &frames {
            frame.write_to(&mut bytes).unwrap();
        }
        let mut input = bytes.as_slice();
        let mut read = Vec::new();
        while let Some(frame) = Frame::read_from(&mut input).unwrap() {
            read.push(frame);
        }
        assert_eq!(read, frames);
    }
}
