//! Jupyter messaging 5.3: requests decoded into `jupyter-protocol` types, and the replies and
//! broadcasts the kernel builds.

pub mod history;
pub mod is_complete;
pub mod outputs;

use crate::transport::wire::Message;
use jupyter_protocol::{
    CommInfoRequest, CompleteRequest, ExecuteRequest, InputReply, InspectRequest, IsCompleteRequest,
    JupyterMessageContent, ShutdownRequest,
};
use serde_json::{Value, json};

/// A decoded request.
#[derive(Debug)]
pub enum Request {
    /// `execute_request`.
    Execute(ExecuteRequest),
    /// `is_complete_request`.
    IsComplete(IsCompleteRequest),
    /// `complete_request`.
    Complete(CompleteRequest),
    /// `inspect_request`.
    Inspect(InspectRequest),
    /// `history_request` (parsed leniently: clients omit optional fields).
    History(Result<(history::Query, bool), String>),
    /// `kernel_info_request`.
    KernelInfo,
    /// `comm_info_request`.
    CommInfo(CommInfoRequest),
    /// `comm_open` (no comm targets exist, so it is closed at once).
    CommOpen {
        /// The comm to close.
        comm_id: String,
    },
    /// `comm_msg` / `comm_close`: nothing to do.
    CommOther,
    /// `shutdown_request`.
    Shutdown(ShutdownRequest),
    /// `interrupt_request`.
    Interrupt,
    /// `input_reply` (stdin channel).
    InputReply(InputReply),
    /// A known type whose content does not parse.
    Malformed(String),
    /// A type this kernel does not know.
    Unknown,
}

/// Decodes a message's content by its type.
pub fn decode(message: &Message) -> Request {
    let msg_type = message.msg_type();
    if msg_type == "history_request" {
        return Request::History(history::Query::parse(&message.content));
    }
    if msg_type == "comm_open" {
        let comm_id = message.content["comm_id"].as_str().unwrap_or_default().to_owned();
        return Request::CommOpen { comm_id };
    }
    match JupyterMessageContent::from_type_and_content(msg_type, message.content.clone()) {
        Ok(JupyterMessageContent::ExecuteRequest(r)) => Request::Execute(r),
        Ok(JupyterMessageContent::IsCompleteRequest(r)) => Request::IsComplete(r),
        Ok(JupyterMessageContent::CompleteRequest(r)) => Request::Complete(r),
        Ok(JupyterMessageContent::InspectRequest(r)) => Request::Inspect(r),
        Ok(JupyterMessageContent::KernelInfoRequest(_)) => Request::KernelInfo,
        Ok(JupyterMessageContent::CommInfoRequest(r)) => Request::CommInfo(r),
        Ok(JupyterMessageContent::CommMsg(_) | JupyterMessageContent::CommClose(_)) => Request::CommOther,
        Ok(JupyterMessageContent::ShutdownRequest(r)) => Request::Shutdown(r),
        Ok(JupyterMessageContent::InterruptRequest(_)) => Request::Interrupt,
        Ok(JupyterMessageContent::InputReply(r)) => Request::InputReply(r),
        Ok(_) => Request::Unknown,
        Err(error) => Request::Malformed(error.to_string()),
    }
}

/// Builds the kernel's messages in its session.
#[derive(Debug, Clone)]
pub struct Session {
    id: String,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// A new session with a random id.
    pub fn new() -> Session {
        Session { id: uuid::Uuid::new_v4().to_string() }
    }

    /// A message of `msg_type` answering (or caused by) `parent`.
    pub fn message(&self, msg_type: &str, content: Value, parent: Option<&Message>) -> Message {
        Message::new(msg_type, content, parent, &self.id)
    }

    /// The reply to `request`: `x_request` is answered by `x_reply`.
    pub fn reply(&self, request: &Message, content: Value) -> Message {
        let msg_type = reply_type(request.msg_type());
        self.message(&msg_type, content, Some(request))
    }

    /// An iopub broadcast caused by `parent` (no routing identities: iopub has no peers).
    pub fn broadcast(&self, msg_type: &str, content: Value, parent: Option<&Message>) -> Message {
        let mut message = self.message(msg_type, content, parent);
        message.identities.clear();
        message
    }

    /// The `status` broadcast.
    pub fn status(&self, state: &str, parent: Option<&Message>) -> Message {
        self.broadcast("status", json!({ "execution_state": state }), parent)
    }
}

/// `x_request` → `x_reply`; anything else gets `_reply` appended.
pub fn reply_type(request_type: &str) -> String {
    match request_type.strip_suffix("_request") {
        Some(stem) => format!("{stem}_reply"),
        None => format!("{request_type}_reply"),
    }
}

/// The content of an error reply.
pub fn error_content(ename: &str, evalue: &str, traceback: &[String]) -> Value {
    json!({ "status": "error", "ename": ename, "evalue": evalue, "traceback": traceback })
}

/// The kernel's identity, for `kernel_info_reply`.
pub fn kernel_info(rustc_version: &str) -> Value {
    json!({
        "status": "ok",
        "protocol_version": "5.3",
        "implementation": "threadlab",
        "implementation_version": env!("CARGO_PKG_VERSION"),
        "language_info": {
            "name": "rust",
            "version": rustc_version,
            "mimetype": "text/rust",
            "file_extension": ".rs",
            "pygments_lexer": "rust",
            "codemirror_mode": "rust",
            "nbconvert_exporter": "script",
        },
        "banner": format!(
            "threadlab {} - Rust cells (evcxr {}) with the threading crate built in. Type :help for commands.",
            env!("CARGO_PKG_VERSION"),
            "0.22"
        ),
        "help_links": [
            { "text": "threadlab kernel", "url": "https://github.com/threadlab/threadlab/tree/main/kernel" },
            { "text": "threading crate", "url": "https://github.com/threadlab/threadlab/tree/main/threading" },
            { "text": "evcxr", "url": "https://github.com/evcxr/evcxr/blob/main/COMMON.md" },
        ],
        "debugger": false,
    })
}

/// Converts a Jupyter cursor position (in Unicode code points) into a byte offset of `code`.
pub fn cursor_to_byte(code: &str, cursor: usize) -> usize {
    code.char_indices().nth(cursor).map(|(i, _)| i).unwrap_or(code.len())
}

/// Converts a byte offset of `code` into a Jupyter cursor position (code points).
pub fn byte_to_cursor(code: &str, byte: usize) -> usize {
    code[..byte.min(code.len())].chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_types() {
        assert_eq!(reply_type("execute_request"), "execute_reply");
        assert_eq!(reply_type("frobnicate"), "frobnicate_reply");
    }

    #[test]
    fn cursor_positions_count_code_points() {
        let code = "let é = 1; x";
        assert_eq!(cursor_to_byte(code, 4), 4);
        assert_eq!(cursor_to_byte(code, 5), 6);
        assert_eq!(byte_to_cursor(code, 6), 5);
        assert_eq!(cursor_to_byte(code, 100), code.len());
    }

    #[test]
    fn decode_unknown_and_malformed() {
        let session = Session::new();
        let unknown = session.message("frobnicate_request", json!({}), None);
        assert!(matches!(decode(&unknown), Request::Unknown));
        let malformed = session.message("execute_request", json!({"silent": "yes"}), None);
        assert!(matches!(decode(&malformed), Request::Malformed(_)));
        let execute = session.message(
            "execute_request",
            json!({"code": "1", "silent": false, "store_history": true}),
            None,
        );
        assert!(matches!(decode(&execute), Request::Execute(r) if r.code == "1"));
    }
}
