//! The lines that are messages, not output, on the stdout of the process that runs cells:
//! evcxr's control lines (its runtime and the code it generates print them for evcxr to act on)
//! and the sync marker of the `threading` agent. Recognised once, where the child's output is
//! split (`interpose.rs`, `stderr.rs`); everything after works on [`Control`] values.

/// The start of every such line.
pub const PREFIX: &str = "EVCXR_";

/// The agent's sync marker, `<SYNC_MARKER> <id>` (defined by the agent that prints it).
pub const SYNC_MARKER: &str = threading::agent::SYNC_MARKER;

/// The line that opens a content block: `EVCXR_BEGIN_CONTENT <mime>`.
pub const BEGIN_CONTENT: &str = "EVCXR_BEGIN_CONTENT";

/// The line that closes a content block.
pub const END_CONTENT: &str = "EVCXR_END_CONTENT";

/// evcxr's runtime: the cell returned.
const EXECUTION_COMPLETE: &str = "EVCXR_EXECUTION_COMPLETE";
/// evcxr's generated code: the cell unwound.
const PANIC_NOTIFICATION: &str = "EVCXR_PANIC_NOTIFICATION";
/// evcxr's generated code: a `?` returned an error.
const ERROR_OCCURRED: &str = "EVCXR_ERROR_OCCURRED";
/// evcxr's variable store: a stored variable's type changed (the name follows).
const VARIABLE_CHANGED_TYPE: &str = "EVCXR_VARIABLE_CHANGED_TYPE:";
/// `evcxr_input`: a request for a line of input (`:prompt` follows; `_PASSWORD` before it for a
/// password).
const INPUT_REQUEST: &str = "EVCXR_INPUT_REQUEST";
const PASSWORD: &str = "_PASSWORD";

/// An evcxr control line: evcxr acts on it, and the kernel learns from it how the cell went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// The cell returned (`EVCXR_EXECUTION_COMPLETE`).
    ExecutionComplete,
    /// The cell unwound: a panic or a `KeyboardInterrupt` (`EVCXR_PANIC_NOTIFICATION`).
    PanicNotification,
    /// A `?` in the cell returned an error (`EVCXR_ERROR_OCCURRED`).
    ErrorOccurred,
    /// A stored variable changed type and was lost (`EVCXR_VARIABLE_CHANGED_TYPE:name`).
    VariableChangedType(String),
    /// The cell asks for a line of input (`EVCXR_INPUT_REQUEST[_PASSWORD]:prompt`). The prompt
    /// is whole here; evcxr itself cuts it at its first `:`.
    InputRequest {
        /// Whether the answer is a password.
        password: bool,
        /// The prompt.
        prompt: String,
    },
}

impl Control {
    /// The control line `line` (without its newline) is, if it is one.
    pub fn parse(line: &str) -> Option<Control> {
        Some(match line {
            EXECUTION_COMPLETE => Control::ExecutionComplete,
            PANIC_NOTIFICATION => Control::PanicNotification,
            ERROR_OCCURRED => Control::ErrorOccurred,
            _ => {
                if let Some(name) = line.strip_prefix(VARIABLE_CHANGED_TYPE) {
                    Control::VariableChangedType(name.to_owned())
                } else {
                    let rest = line.strip_prefix(INPUT_REQUEST)?;
                    let (password, rest) = match rest.strip_prefix(PASSWORD) {
                        Some(rest) => (true, rest),
                        None => (false, rest),
                    };
                    let prompt = match rest.strip_prefix(':') {
                        Some(prompt) => prompt,
                        None if rest.is_empty() => "",
                        None => return None,
                    };
                    Control::InputRequest { password, prompt: prompt.to_owned() }
                }
            }
        })
    }

    /// The line, as evcxr expects it (without a newline).
    pub fn line(&self) -> String {
        match self {
            Control::ExecutionComplete => EXECUTION_COMPLETE.to_owned(),
            Control::PanicNotification => PANIC_NOTIFICATION.to_owned(),
            Control::ErrorOccurred => ERROR_OCCURRED.to_owned(),
            Control::VariableChangedType(name) => format!("{VARIABLE_CHANGED_TYPE}{name}"),
            Control::InputRequest { password, prompt } => {
                format!("{INPUT_REQUEST}{}:{prompt}", if *password { PASSWORD } else { "" })
            }
        }
    }
}

/// The id of the agent's sync marker line `line`, if it is one.
pub fn sync_id(line: &str) -> Option<u64> {
    line.strip_prefix(SYNC_MARKER)?.strip_prefix(' ')?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_lines_round_trip() {
        for line in [
            "EVCXR_EXECUTION_COMPLETE",
            "EVCXR_PANIC_NOTIFICATION",
            "EVCXR_ERROR_OCCURRED",
            "EVCXR_VARIABLE_CHANGED_TYPE:counter",
            "EVCXR_INPUT_REQUEST:Name? (a: b)",
            "EVCXR_INPUT_REQUEST_PASSWORD:Secret:",
        ] {
            let control = Control::parse(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(control.line(), line);
        }
        assert_eq!(
            Control::parse("EVCXR_INPUT_REQUEST:Name: x"),
            Some(Control::InputRequest { password: false, prompt: "Name: x".into() })
        );
        assert_eq!(Control::parse("EVCXR_NOT_A_THING"), None);
        assert_eq!(Control::parse("EVCXR_INPUT_REQUESTED"), None);
        assert_eq!(Control::parse("EVCXR_EXECUTION_COMPLETE "), None);
    }

    #[test]
    fn sync_markers() {
        assert_eq!(sync_id("EVCXR_THREADLAB_SYNC 12"), Some(12));
        assert_eq!(sync_id("EVCXR_THREADLAB_SYNC 12 "), Some(12));
        assert_eq!(sync_id("EVCXR_THREADLAB_SYNC12"), None);
        assert_eq!(sync_id("EVCXR_THREADLAB_SYNC x"), None);
    }
}
