//! The Jupyter wire format: ZeroMQ frames `identities.. <IDS|MSG> signature header parent_header
//! metadata content buffers..`, signed with HMAC-SHA256 over the four JSON frames.

use bytes::Bytes;
use chrono::Utc;
use hmac::{KeyInit, Mac};
use jupyter_protocol::Header;
use serde_json::Value;
use sha2::Sha256;

const DELIMITER: &[u8] = b"<IDS|MSG>";

type HmacSha256 = hmac::Hmac<Sha256>;

/// Why an incoming message was dropped.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WireError {
    /// No `<IDS|MSG>` frame.
    #[error("no <IDS|MSG> delimiter")]
    NoDelimiter,
    /// Fewer than the signature and four JSON frames after the delimiter.
    #[error("{0} frames after the delimiter, need at least 5")]
    TooFewFrames(usize),
    /// The signature is missing, malformed, or does not match.
    #[error("bad or missing signature")]
    BadSignature,
    /// A JSON frame does not parse.
    #[error("{frame}: {message}")]
    Json {
        /// Which frame.
        frame: &'static str,
        /// What serde said.
        message: String,
    },
}

/// Signs outgoing messages and checks incoming ones (`hmac-sha256`; an empty key turns it off).
#[derive(Clone)]
pub struct Signer {
    mac: Option<HmacSha256>,
}

impl Signer {
    /// A signer for `key` and `scheme` (only `hmac-sha256` exists in Jupyter today).
    pub fn new(key: &str, scheme: &str) -> Result<Signer, String> {
        if key.is_empty() {
            return Ok(Signer { mac: None });
        }
        if scheme != "hmac-sha256" {
            return Err(format!("unsupported signature scheme {scheme:?} (only hmac-sha256)"));
        }
        let mac = HmacSha256::new_from_slice(key.as_bytes()).map_err(|e| e.to_string())?;
        Ok(Signer { mac: Some(mac) })
    }

    fn mac_of(&self, parts: &[&[u8]]) -> Option<HmacSha256> {
        let mut mac = self.mac.clone()?;
        for part in parts {
            mac.update(part);
        }
        Some(mac)
    }

    /// The hex signature of the four JSON frames (empty when signing is off).
    pub fn sign(&self, parts: &[&[u8]]) -> String {
        match self.mac_of(parts) {
            Some(mac) => data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes()),
            None => String::new(),
        }
    }

    /// Whether `signature` (hex) is right for the four JSON frames, compared in constant time.
    pub fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        let Some(mac) = self.mac_of(parts) else { return true };
        let Ok(expected) = data_encoding::HEXLOWER_PERMISSIVE.decode(signature) else { return false };
        mac.verify_slice(&expected).is_ok()
    }
}

/// A message as it travels: routing identities, the four JSON parts, binary buffers.
#[derive(Debug, Clone)]
pub struct Message {
    /// ZeroMQ routing identities (ROUTER sockets), copied from the request into its replies.
    pub identities: Vec<Bytes>,
    /// The header.
    pub header: Header,
    /// The request this message answers, if any.
    pub parent_header: Option<Header>,
    /// Metadata.
    pub metadata: Value,
    /// The content, decoded by the protocol layer.
    pub content: Value,
    /// Binary buffers.
    pub buffers: Vec<Bytes>,
}

impl Message {
    /// A new message of type `msg_type` answering `parent` (if any) in `session`.
    pub fn new(msg_type: &str, content: Value, parent: Option<&Message>, session: &str) -> Message {
        Message {
            identities: parent.map(|p| p.identities.clone()).unwrap_or_default(),
            header: new_header(msg_type, session),
            parent_header: parent.map(|p| p.header.clone()),
            metadata: Value::Object(Default::default()),
            content,
            buffers: Vec::new(),
        }
    }

    /// The message type.
    pub fn msg_type(&self) -> &str {
        &self.header.msg_type
    }
}

/// A fresh header.
pub fn new_header(msg_type: &str, session: &str) -> Header {
    Header {
        msg_id: uuid::Uuid::new_v4().to_string(),
        username: "kernel".to_owned(),
        session: session.to_owned(),
        date: Utc::now(),
        msg_type: msg_type.to_owned(),
        version: "5.3".to_owned(),
    }
}

/// Checks the signature and parses the frames of an incoming message.
pub fn decode(frames: Vec<Bytes>, signer: &Signer) -> Result<Message, WireError> {
    let delimiter = frames.iter().position(|f| f.as_ref() == DELIMITER).ok_or(WireError::NoDelimiter)?;
    let rest = &frames[delimiter + 1..];
    if rest.len() < 5 {
        return Err(WireError::TooFewFrames(rest.len()));
    }
    let json: Vec<&[u8]> = rest[1..5].iter().map(|b| b.as_ref()).collect();
    if !signer.verify(&json, &rest[0]) {
        return Err(WireError::BadSignature);
    }
    let parse = |frame: &'static str, bytes: &[u8]| -> Result<Value, WireError> {
        serde_json::from_slice(bytes).map_err(|e| WireError::Json { frame, message: e.to_string() })
    };
    let header: Header = serde_json::from_value(parse("header", json[0])?)
        .map_err(|e| WireError::Json { frame: "header", message: e.to_string() })?;
    let parent_header = serde_json::from_value(parse("parent_header", json[1])?).ok();
    let metadata = parse("metadata", json[2])?;
    let content = parse("content", json[3])?;
    Ok(Message {
        identities: frames[..delimiter].to_vec(),
        header,
        parent_header,
        metadata,
        content,
        buffers: rest[5..].to_vec(),
    })
}

/// Serialises and signs a message into frames.
pub fn encode(message: &Message, signer: &Signer) -> Vec<Bytes> {
    let parts: [Vec<u8>; 4] = [
        serde_json::to_vec(&message.header).expect("a header serialises"),
        match &message.parent_header {
            Some(parent) => serde_json::to_vec(parent).expect("a header serialises"),
            None => b"{}".to_vec(),
        },
        serde_json::to_vec(&message.metadata).expect("JSON serialises"),
        serde_json::to_vec(&message.content).expect("JSON serialises"),
    ];
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    let signature = signer.sign(&refs);
    let mut frames = message.identities.clone();
    frames.push(Bytes::from_static(DELIMITER));
    frames.push(Bytes::from(signature));
    frames.extend(parts.into_iter().map(Bytes::from));
    frames.extend(message.buffers.iter().cloned());
    frames
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(signer: &Signer) -> Vec<Bytes> {
        let mut message = Message::new("execute_request", json!({"code": "1"}), None, "s");
        message.identities = vec![Bytes::from_static(b"peer")];
        encode(&message, signer)
    }

    #[test]
    fn signed_messages_round_trip() {
        let signer = Signer::new("secret", "hmac-sha256").unwrap();
        let decoded = decode(round_trip(&signer), &signer).unwrap();
        assert_eq!(decoded.msg_type(), "execute_request");
        assert_eq!(decoded.content, json!({"code": "1"}));
        assert_eq!(decoded.identities, vec![Bytes::from_static(b"peer")]);
        assert!(decoded.parent_header.is_none());
    }

    #[test]
    fn wrong_key_missing_or_tampered_signature_is_rejected() {
        let signer = Signer::new("secret", "hmac-sha256").unwrap();
        let other = Signer::new("other", "hmac-sha256").unwrap();
        assert_eq!(decode(round_trip(&other), &signer).unwrap_err(), WireError::BadSignature);

        let mut frames = round_trip(&signer);
        frames[2] = Bytes::new();
        assert_eq!(decode(frames, &signer).unwrap_err(), WireError::BadSignature);

        let mut frames = round_trip(&signer);
        frames[6] = Bytes::from_static(br#"{"code": "2"}"#);
        assert_eq!(decode(frames, &signer).unwrap_err(), WireError::BadSignature);
    }

    #[test]
    fn garbage_frames_are_errors_not_panics() {
        let signer = Signer::new("", "hmac-sha256").unwrap();
        assert_eq!(decode(vec![Bytes::from_static(b"x")], &signer).unwrap_err(), WireError::NoDelimiter);
        let short = vec![Bytes::from_static(DELIMITER), Bytes::new(), Bytes::from_static(b"{}")];
        assert_eq!(decode(short, &signer).unwrap_err(), WireError::TooFewFrames(2));
        let mut frames = round_trip(&signer);
        frames[3] = Bytes::from_static(b"not json");
        assert!(matches!(decode(frames, &signer).unwrap_err(), WireError::Json { frame: "header", .. }));
    }

    #[test]
    fn signature_matches_the_python_reference() {
        // python3 -c 'import hmac,hashlib;print(hmac.new(b"key", b"abcd", hashlib.sha256).hexdigest())'
        let signer = Signer::new("key", "hmac-sha256").unwrap();
        let expected = "2a31ec0ee8d878c9eece9fb0df79b3b90b2256240163aa5ee50d176d3d1121f8";
        assert_eq!(signer.sign(&[b"a", b"b", b"c", b"d"]), expected);
        assert!(signer.verify(&[b"ab", b"cd"], expected.to_uppercase().as_bytes()));
    }
}
