//! One encrypted connection: TCP, the Noise NX handshake as initiator
//! (the pool's certificate checked against its authority key), then
//! frames both ways. A reader thread decrypts and parses what the pool
//! sends; the session thread encrypts and sends.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::mpsc::SyncSender;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use stratum_core::binary_sv2::{GetSize, Serialize};
use stratum_core::codec_sv2::{
    self, Decrypted, Handshake, NoiseDecoder, NoiseEncoder, TransportDecryptState,
    TransportEncryptState,
};
use stratum_core::framing_sv2::framing::MessageFrame;
use stratum_core::noise_sv2::{self, INITIATOR_EXPECTED_HANDSHAKE_MESSAGE_SIZE, Initiator};

use super::messages::{self, Incoming};
use super::printable;
use super::session::Event;

/// The largest frame accepted from the pool, encrypted: an extended job
/// with two full 64 KiB coinbase parts and 255 path hashes fits. A frame
/// that declares more is not buffered past this.
pub const MAX_FRAME: usize = 256 * 1024;

/// Why a connection could not be made.
pub enum ConnectError {
    /// The pool is not the one the authority key names, or its
    /// certificate is out of date: no point in retrying.
    Untrusted(String),
    /// Anything else: retried.
    Failed(String),
}

/// The sending half of a connection.
pub struct Connection {
    stream: TcpStream,
    encoder: NoiseEncoder,
    encrypt: TransportEncryptState,
}

impl Connection {
    /// Connects to `host:port`, runs the handshake and starts the reader
    /// thread, which sends what arrives to `events` as session `session`.
    pub fn open(
        host: &str,
        port: u16,
        authority_key: [u8; 32],
        timeout: Duration,
        session: u64,
        events: &SyncSender<Event>,
    ) -> Result<Connection, ConnectError> {
        let failed = ConnectError::Failed;
        let addresses: Vec<_> = (host, port)
            .to_socket_addrs()
            .map_err(|e| failed(format!("cannot resolve {host}: {e}")))?
            .collect();
        let mut last_error = format!("{host} has no address");
        let mut connected = None;
        for address in addresses {
            match TcpStream::connect_timeout(&address, timeout) {
                Ok(stream) => {
                    connected = Some(stream);
                    break;
                }
                Err(e) => last_error = format!("cannot connect to {address}: {e}"),
            }
        }
        let mut stream = connected.ok_or(failed(last_error))?;
        let _ = stream.set_nodelay(true);
        let io = |e: std::io::Error| failed(format!("handshake: {e}"));
        stream.set_write_timeout(Some(timeout)).map_err(io)?;
        stream.set_read_timeout(Some(timeout)).map_err(io)?;

        let initiator = Initiator::from_raw_k(authority_key)
            .map_err(|e| ConnectError::Untrusted(format!("authority key: {e:?}")))?;
        let (first, sent) = Handshake::initiator(initiator)
            .step_0()
            .map_err(|e| failed(format!("handshake: {e}")))?;
        let mut encoder = NoiseEncoder::new();
        stream
            .write_all(encoder.encode_handshake(first).as_ref())
            .map_err(io)?;
        let mut reply = [0u8; INITIATOR_EXPECTED_HANDSHAKE_MESSAGE_SIZE];
        stream.read_exact(&mut reply).map_err(io)?;
        let transport = sent.step_2(reply).map_err(refusal)?;
        let (encrypt, decrypt) = transport.split();
        stream.set_read_timeout(None).map_err(io)?;

        let reader = stream.try_clone().map_err(io)?;
        let events = events.clone();
        thread::Builder::new()
            .name("pool reader".into())
            .spawn(move || read_frames(session, reader, decrypt, &events))
            .map_err(io)?;
        Ok(Connection {
            stream,
            encoder,
            encrypt,
        })
    }

    /// Encrypts and sends one message.
    pub fn send<T: Serialize + GetSize>(
        &mut self,
        message: T,
        message_type: u8,
        channel_message: bool,
    ) -> Result<(), String> {
        let frame = MessageFrame::from_message(message, message_type, 0, channel_message)
            .map_err(|e| format!("cannot frame a message: {e:?}"))?;
        let bytes = self
            .encoder
            .encode_transport(frame, &mut self.encrypt)
            .map_err(|e| format!("cannot encrypt a message: {e}"))?;
        self.stream
            .write_all(bytes.as_ref())
            .map_err(|e| format!("cannot send to the pool: {e}"))
    }

    /// Closes the socket, which ends the reader thread.
    pub fn close(&self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

/// A failed second handshake step: a certificate that does not verify
/// (wrong authority key, or out of date) is untrusted, anything else a
/// plain failure.
fn refusal(error: codec_sv2::Error) -> ConnectError {
    match error {
        codec_sv2::Error::NoiseSv2Error(noise_sv2::Error::InvalidCertificate(certificate)) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let (from, until) = (
                u64::from(certificate.valid_from),
                u64::from(certificate.not_valid_after),
            );
            ConnectError::Untrusted(if now > until || now < from {
                format!(
                    "the pool's certificate is not valid now (valid from {from} to {until}, Unix time {now})"
                )
            } else {
                "the pool's certificate is not signed by the authority key in the URL".into()
            })
        }
        other => ConnectError::Failed(format!(
            "handshake failed: {}",
            printable(other.to_string().as_bytes(), 200)
        )),
    }
}

/// The reader thread: decrypts frames (bounded by [`MAX_FRAME`]), parses
/// them and sends each as an [`Event::Message`]; the end of the
/// connection, or a frame that does not decrypt or parse, as an
/// [`Event::Closed`].
fn read_frames(
    session: u64,
    mut stream: TcpStream,
    mut decrypt: TransportDecryptState,
    events: &SyncSender<Event>,
) {
    let mut decoder = NoiseDecoder::new();
    let mut buffered = 0usize;
    let reason = loop {
        let wanted = decoder.writable_len();
        if wanted > 0 {
            buffered += wanted;
            if buffered > MAX_FRAME {
                break format!("a frame larger than {MAX_FRAME} bytes");
            }
            if let Err(e) = stream.read_exact(decoder.writable()) {
                break if e.kind() == std::io::ErrorKind::UnexpectedEof {
                    "the pool closed the connection".to_string()
                } else {
                    format!("read error: {e}")
                };
            }
        }
        match decoder.next_transport_frame(decrypt) {
            Ok(Decrypted::Incomplete(_, state)) => decrypt = state,
            Ok(Decrypted::Frame(mut frame, state)) => {
                decrypt = state;
                buffered = 0;
                let header = frame.header();
                let message = match messages::parse(header, frame.payload()) {
                    Ok(message) => message,
                    Err(problem) => break problem,
                };
                if let Incoming::Ignored(name) = message {
                    if events.send(Event::Ignored { session, name }).is_err() {
                        return;
                    }
                    continue;
                }
                if events.send(Event::Message { session, message }).is_err() {
                    return;
                }
            }
            Err(e) => {
                break format!(
                    "a frame that does not decrypt or decode: {}",
                    printable(e.to_string().as_bytes(), 120)
                );
            }
        }
    };
    let _ = events.send(Event::Closed { session, reason });
}
