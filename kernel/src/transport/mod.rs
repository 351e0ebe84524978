//! The Jupyter sockets: ZeroMQ endpoints from the connection file, signing and checking every
//! message, and the heartbeat.
//!
//! Each ROUTER socket (shell, control, stdin) gets a reader task, which drops (and logs) any
//! message with a bad or missing signature or malformed frames, and a writer task; the PUB socket
//! (iopub) gets a writer task. Everything else talks to them through channels, so a send error
//! or a vanished client never stops a loop.

pub mod wire;

use crate::error::KernelError;
use bytes::Bytes;
use jupyter_protocol::ConnectionInfo;
use std::path::Path;
use std::time::Duration;
use tokio::sync::mpsc;
use wire::{Message, Signer};
use zeromq::{Socket, SocketRecv, SocketSend, ZmqMessage};

/// Reads and parses a connection file.
pub fn read_connection_file(path: &Path) -> Result<ConnectionInfo, KernelError> {
    let text = std::fs::read_to_string(path).map_err(|e| KernelError::io(path, e))?;
    serde_json::from_str(&text)
        .map_err(|e| KernelError::ConnectionFile { path: path.to_path_buf(), message: e.to_string() })
}

/// Where outgoing messages of one socket go. Sending never fails: errors are logged.
#[derive(Clone)]
pub struct Outbox {
    tx: mpsc::UnboundedSender<Message>,
}

impl Outbox {
    /// Queues `message` for sending.
    pub fn send(&self, message: Message) {
        if self.tx.send(message).is_err() {
            tracing::debug!("socket writer gone; message dropped");
        }
    }

    /// An outbox whose messages go to `tx` (for tests and in-process use).
    pub fn from_sender(tx: mpsc::UnboundedSender<Message>) -> Outbox {
        Outbox { tx }
    }
}

/// The kernel's end of the five Jupyter channels.
pub struct Channels {
    /// Requests on shell.
    pub shell_in: mpsc::Receiver<Message>,
    /// Replies on shell.
    pub shell_out: Outbox,
    /// Requests on control.
    pub control_in: mpsc::Receiver<Message>,
    /// Replies on control.
    pub control_out: Outbox,
    /// Replies from the frontend on stdin (`input_reply`).
    pub stdin_in: mpsc::Receiver<Message>,
    /// Requests to the frontend on stdin (`input_request`).
    pub stdin_out: Outbox,
    /// Broadcasts on iopub.
    pub iopub: Outbox,
}

/// Binds every socket of `info` and starts their tasks on the current tokio runtime.
pub async fn bind(info: &ConnectionInfo) -> Result<Channels, KernelError> {
    let signer = Signer::new(&info.key, &info.signature_scheme)
        .map_err(|message| KernelError::ConnectionFile { path: "<connection>".into(), message })?;

    let (shell_in, shell_out) = router("shell", &info.shell_url(), &signer).await?;
    let (control_in, control_out) = router("control", &info.control_url(), &signer).await?;
    let (stdin_in, stdin_out) = router("stdin", &info.stdin_url(), &signer).await?;

    let mut iopub_socket = zeromq::PubSocket::new();
    bind_socket(&mut iopub_socket, &info.iopub_url()).await?;
    let (iopub_tx, mut iopub_rx) = mpsc::unbounded_channel::<Message>();
    let iopub_signer = signer.clone();
    tokio::spawn(async move {
        while let Some(message) = iopub_rx.recv().await {
            if let Some(frames) = to_zmq(message, &iopub_signer)
                && let Err(error) = iopub_socket.send(frames).await
            {
                tracing::warn!("iopub send failed: {error}");
            }
        }
    });

    let mut heartbeat = zeromq::RepSocket::new();
    bind_socket(&mut heartbeat, &info.hb_url()).await?;
    tokio::spawn(async move {
        loop {
            match heartbeat.recv().await {
                Ok(ping) => {
                    if let Err(error) = heartbeat.send(ping).await {
                        tracing::debug!("heartbeat reply failed: {error}");
                    }
                }
                Err(error) => {
                    tracing::debug!("heartbeat receive failed: {error}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
    });

    Ok(Channels {
        shell_in,
        shell_out,
        control_in,
        control_out,
        stdin_in,
        stdin_out,
        iopub: Outbox { tx: iopub_tx },
    })
}

async fn bind_socket(socket: &mut impl Socket, endpoint: &str) -> Result<(), KernelError> {
    socket
        .bind(endpoint)
        .await
        .map(|_| ())
        .map_err(|e| KernelError::Bind { endpoint: endpoint.to_owned(), message: e.to_string() })
}

fn to_zmq(message: Message, signer: &Signer) -> Option<ZmqMessage> {
    let frames: Vec<Bytes> = wire::encode(&message, signer);
    ZmqMessage::try_from(frames).ok()
}

async fn router(
    name: &'static str,
    endpoint: &str,
    signer: &Signer,
) -> Result<(mpsc::Receiver<Message>, Outbox), KernelError> {
    let mut socket = zeromq::RouterSocket::new();
    bind_socket(&mut socket, endpoint).await?;
    let (mut send_half, mut recv_half) = socket.split();

    let (in_tx, in_rx) = mpsc::channel::<Message>(1024);
    let reader_signer = signer.clone();
    tokio::spawn(async move {
        loop {
            match recv_half.recv().await {
                Ok(frames) => match wire::decode(frames.into_vec(), &reader_signer) {
                    Ok(message) => {
                        if in_tx.send(message).await.is_err() {
                            return;
                        }
                    }
                    Err(error) => tracing::warn!("{name}: dropped an incoming message: {error}"),
                },
                Err(error) => {
                    tracing::debug!("{name}: receive failed: {error}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
    });

    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Message>();
    let writer_signer = signer.clone();
    tokio::spawn(async move {
        while let Some(message) = out_rx.recv().await {
            let msg_type = message.header.msg_type.clone();
            if let Some(frames) = to_zmq(message, &writer_signer)
                && let Err(error) = send_half.send(frames).await
            {
                tracing::warn!("{name}: could not send {msg_type}: {error}");
            }
        }
    });
    Ok((in_rx, Outbox { tx: out_tx }))
}
