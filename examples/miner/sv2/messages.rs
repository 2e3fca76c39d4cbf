//! The messages the miner uses, parsed by the SRI crates and turned into
//! plain owned values at once (a pool's frame is never kept), and the
//! ones it sends.

use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash};
use stratum_core::binary_sv2::{Str0255, U256};
use stratum_core::common_messages_sv2::{Protocol, SetupConnection};
use stratum_core::framing_sv2::header::Header;
use stratum_core::mining_sv2::{
    self as mining, OpenExtendedMiningChannel, OpenStandardMiningChannel, SubmitSharesExtended,
    SubmitSharesStandard,
};
use stratum_core::parsers_sv2::{
    CommonMessageTypes, CommonMessages, Mining, MiningTypes, message_type_to_name,
};

use super::printable;

/// `SetupConnection.flags` (mining protocol): the miner only understands
/// standard jobs (standard channel).
pub const REQUIRES_STANDARD_JOBS: u32 = 1 << 0;
/// `SetupConnection.flags` (mining protocol): the miner rolls the version.
pub const REQUIRES_VERSION_ROLLING: u32 = 1 << 2;

/// `SetupConnection.Success.flags` (mining protocol): the pool does not
/// accept a changed version.
pub const REQUIRES_FIXED_VERSION: u32 = 1 << 0;
/// `SetupConnection.Success.flags` (mining protocol): the pool only opens
/// extended channels.
pub const REQUIRES_EXTENDED_CHANNELS: u32 = 1 << 1;

/// The protocol version spoken (the only one there is).
pub const PROTOCOL_VERSION: u16 = 2;

/// An extended job's fields, owned.
#[derive(Clone, Debug)]
pub struct ExtendedJobFields {
    pub channel_id: u32,
    pub job_id: u32,
    pub min_ntime: Option<u32>,
    pub version: u32,
    pub version_rolling_allowed: bool,
    pub merkle_path: Vec<[u8; 32]>,
    pub coinbase_tx_prefix: Vec<u8>,
    pub coinbase_tx_suffix: Vec<u8>,
}

/// What the pool sent, owned and checked for shape. Strings are already
/// escaped for printing.
#[derive(Debug)]
pub enum Incoming {
    SetupSuccess {
        version: u16,
        flags: u32,
    },
    SetupError {
        flags: u32,
        code: String,
    },
    ChannelOpened {
        request_id: u32,
        channel_id: u32,
        group_channel_id: u32,
        target: [u8; 32],
        extranonce_prefix: Vec<u8>,
        /// `Some` for an extended channel: the miner's extranonce size.
        extranonce_size: Option<u16>,
    },
    ChannelRefused {
        code: String,
    },
    Job(NewMiningJob),
    ExtendedJob(Box<ExtendedJobFields>),
    NewPrevHash(SetNewPrevHash),
    Target {
        channel_id: u32,
        target: [u8; 32],
    },
    ExtranoncePrefix {
        channel_id: u32,
        prefix: Vec<u8>,
    },
    SharesAccepted {
        channel_id: u32,
        last_sequence_number: u32,
        accepted: u32,
    },
    ShareRejected {
        channel_id: u32,
        sequence_number: u32,
        code: String,
    },
    ChannelClosed {
        channel_id: u32,
        reason: String,
    },
    /// A message the miner does not act on, by name.
    Ignored(&'static str),
}

fn text(value: &Str0255<'_>) -> String {
    printable(value.as_bytes(), 80)
}

fn u256(value: &U256<'_>) -> [u8; 32] {
    *value.as_array()
}

/// Parses one decrypted frame. An unknown message type is
/// [`Incoming::Ignored`]; a known one that does not decode is an error
/// (the connection is dropped).
pub fn parse(header: Header, payload: &mut [u8]) -> Result<Incoming, String> {
    let kind = header.msg_type();
    let name = message_type_to_name(kind);
    if header.ext_type_without_channel_msg() != 0 {
        return Ok(Incoming::Ignored("an extension message"));
    }
    let bad = |e: stratum_core::parsers_sv2::ParserError| {
        format!(
            "a {name} that does not decode: {}",
            printable(format!("{e:?}").as_bytes(), 120)
        )
    };
    if CommonMessageTypes::try_from(kind).is_ok() {
        return Ok(
            match CommonMessages::try_from((kind, payload)).map_err(bad)? {
                CommonMessages::SetupConnectionSuccess(m) => Incoming::SetupSuccess {
                    version: m.used_version,
                    flags: m.flags,
                },
                CommonMessages::SetupConnectionError(m) => Incoming::SetupError {
                    flags: m.flags,
                    code: text(&m.error_code),
                },
                _ => Incoming::Ignored(name),
            },
        );
    }
    if MiningTypes::try_from(kind).is_err() {
        return Ok(Incoming::Ignored("a message of an unknown type"));
    }
    Ok(match Mining::try_from((kind, payload)).map_err(bad)? {
        Mining::OpenStandardMiningChannelSuccess(m) => Incoming::ChannelOpened {
            request_id: m.request_id,
            channel_id: m.channel_id,
            group_channel_id: m.group_channel_id,
            target: u256(&m.target),
            extranonce_prefix: m.extranonce_prefix.as_bytes().to_vec(),
            extranonce_size: None,
        },
        Mining::OpenExtendedMiningChannelSuccess(m) => Incoming::ChannelOpened {
            request_id: m.request_id,
            channel_id: m.channel_id,
            group_channel_id: m.group_channel_id,
            target: u256(&m.target),
            extranonce_prefix: m.extranonce_prefix.as_bytes().to_vec(),
            extranonce_size: Some(m.extranonce_size),
        },
        Mining::OpenMiningChannelError(m) => Incoming::ChannelRefused {
            code: text(&m.error_code),
        },
        Mining::NewMiningJob(m) => Incoming::Job(NewMiningJob {
            channel_id: m.channel_id,
            job_id: m.job_id,
            min_ntime: m.min_ntime.as_ref().copied(),
            version: m.version,
            merkle_root: u256(&m.merkle_root),
        }),
        Mining::NewExtendedMiningJob(m) => Incoming::ExtendedJob(Box::new(ExtendedJobFields {
            channel_id: m.channel_id,
            job_id: m.job_id,
            min_ntime: m.min_ntime.as_ref().copied(),
            version: m.version,
            version_rolling_allowed: m.version_rolling_allowed,
            merkle_path: m.merkle_path.iter().map(u256).collect(),
            coinbase_tx_prefix: m.coinbase_tx_prefix.as_bytes().to_vec(),
            coinbase_tx_suffix: m.coinbase_tx_suffix.as_bytes().to_vec(),
        })),
        Mining::SetNewPrevHash(m) => Incoming::NewPrevHash(SetNewPrevHash {
            channel_id: m.channel_id,
            job_id: m.job_id,
            prev_hash: u256(&m.prev_hash),
            min_ntime: m.min_ntime,
            nbits: m.nbits,
        }),
        Mining::SetTarget(m) => Incoming::Target {
            channel_id: m.channel_id,
            target: u256(&m.maximum_target),
        },
        Mining::SetExtranoncePrefix(m) => Incoming::ExtranoncePrefix {
            channel_id: m.channel_id,
            prefix: m.extranonce_prefix.as_bytes().to_vec(),
        },
        Mining::SubmitSharesSuccess(m) => Incoming::SharesAccepted {
            channel_id: m.channel_id,
            last_sequence_number: m.last_sequence_number,
            accepted: m.new_submits_accepted_count,
        },
        Mining::SubmitSharesError(m) => Incoming::ShareRejected {
            channel_id: m.channel_id,
            sequence_number: m.sequence_number,
            code: text(&m.error_code),
        },
        Mining::CloseChannel(m) => Incoming::ChannelClosed {
            channel_id: m.channel_id,
            reason: text(&m.reason_code),
        },
        _ => Incoming::Ignored(name),
    })
}

/// `SetupConnection` for the mining protocol.
pub fn setup_connection<'a>(
    host: &'a str,
    port: u16,
    flags: u32,
    vendor: &'a str,
) -> Result<SetupConnection<'a>, String> {
    let string =
        |s: &'a str| Str0255::try_from(s).map_err(|e| format!("cannot encode {s:?}: {e:?}"));
    Ok(SetupConnection {
        protocol: Protocol::MiningProtocol,
        min_version: PROTOCOL_VERSION,
        max_version: PROTOCOL_VERSION,
        flags,
        endpoint_host: string(host.get(..255).unwrap_or(host))?,
        endpoint_port: port,
        vendor: string(vendor)?,
        hardware_version: string("cpu")?,
        firmware: string(vendor)?,
        device_id: string("")?,
    })
}

/// The largest target the miner asks for: any (the pool decides).
const MAX_TARGET: [u8; 32] = [0xff; 32];

pub fn open_standard(
    request_id: u32,
    user: &str,
    hash_rate: f32,
) -> Result<OpenStandardMiningChannel<'_>, String> {
    Ok(OpenStandardMiningChannel {
        request_id,
        user_identity: Str0255::try_from(user).map_err(|e| format!("--user: {e:?}"))?,
        nominal_hash_rate: hash_rate,
        max_target: U256::from(&MAX_TARGET),
    })
}

/// The miner's extranonce size asked for on an extended channel.
pub const MIN_EXTRANONCE_SIZE: u16 = 4;

pub fn open_extended(
    request_id: u32,
    user: &str,
    hash_rate: f32,
) -> Result<OpenExtendedMiningChannel<'_>, String> {
    Ok(OpenExtendedMiningChannel {
        request_id,
        user_identity: Str0255::try_from(user).map_err(|e| format!("--user: {e:?}"))?,
        nominal_hash_rate: hash_rate,
        max_target: U256::from(&MAX_TARGET),
        min_extranonce_size: MIN_EXTRANONCE_SIZE,
    })
}

/// The share as `SubmitSharesStandard`.
pub fn submit_standard(share: &sha256d::stratum::v2::SubmitShares) -> SubmitSharesStandard {
    SubmitSharesStandard {
        channel_id: share.channel_id,
        sequence_number: share.sequence_number,
        job_id: share.job_id,
        nonce: share.nonce,
        ntime: share.ntime,
        version: share.version,
    }
}

/// The share as `SubmitSharesExtended`, its extranonce borrowed from it.
pub fn submit_extended(
    share: &sha256d::stratum::v2::SubmitShares,
) -> Result<SubmitSharesExtended<'_>, String> {
    let extranonce = share
        .extranonce
        .as_ref()
        .ok_or("an extended share without extranonce")?;
    Ok(SubmitSharesExtended {
        channel_id: share.channel_id,
        sequence_number: share.sequence_number,
        job_id: share.job_id,
        nonce: share.nonce,
        ntime: share.ntime,
        version: share.version,
        extranonce: extranonce
            .as_bytes()
            .try_into()
            .map_err(|e| format!("extranonce: {e:?}"))?,
    })
}

pub use mining::{
    CHANNEL_BIT_OPEN_EXTENDED_MINING_CHANNEL, CHANNEL_BIT_OPEN_STANDARD_MINING_CHANNEL,
    CHANNEL_BIT_SUBMIT_SHARES_EXTENDED, CHANNEL_BIT_SUBMIT_SHARES_STANDARD,
    MESSAGE_TYPE_OPEN_EXTENDED_MINING_CHANNEL, MESSAGE_TYPE_OPEN_STANDARD_MINING_CHANNEL,
    MESSAGE_TYPE_SUBMIT_SHARES_EXTENDED, MESSAGE_TYPE_SUBMIT_SHARES_STANDARD,
};
pub use stratum_core::common_messages_sv2::{
    CHANNEL_BIT_SETUP_CONNECTION, MESSAGE_TYPE_SETUP_CONNECTION,
};
