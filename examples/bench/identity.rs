//! Who ran the benchmark on what: the CPU (from CPUID on x86), what the
//! kernel dispatch saw, the machine's topology, the OS, and the build.
//! All of it goes into the JSON report, so that two reports can be told
//! apart and compared.

use std::process::Command;

use serde_json::{Value, json};
use sha256d::Kernel;

/// The CPU as CPUID describes it.
#[derive(Clone, Debug, Default)]
pub struct Cpu {
    pub vendor: Option<String>,
    pub family: Option<u32>,
    pub model: Option<u32>,
    pub stepping: Option<u32>,
    pub model_name: Option<String>,
    /// CPUID leaf 1, ECX bit 31: a hypervisor runs this machine.
    pub hypervisor: bool,
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code, unused_unsafe)]
pub fn cpu() -> Cpu {
    use std::arch::x86_64::{__cpuid, CpuidResult};
    // SAFETY: CPUID exists on every x86-64 CPU; leaves above the maximum
    // return zeros or the last leaf's values, which the checks below treat
    // as absent.
    let cpuid = |leaf: u32| -> CpuidResult { unsafe { __cpuid(leaf) } };
    let text = |words: &[u32]| {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let s: String = String::from_utf8_lossy(&bytes)
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        let s = s.trim().to_owned();
        (!s.is_empty()).then_some(s)
    };
    let leaf0 = cpuid(0);
    let vendor = text(&[leaf0.ebx, leaf0.edx, leaf0.ecx]);
    let (family, model, stepping, hypervisor) = if leaf0.eax >= 1 {
        let l1 = cpuid(1);
        let base_family = (l1.eax >> 8) & 0xf;
        let base_model = (l1.eax >> 4) & 0xf;
        let family = if base_family == 0xf {
            base_family + ((l1.eax >> 20) & 0xff)
        } else {
            base_family
        };
        let model = if base_family == 0x6 || base_family == 0xf {
            base_model | (((l1.eax >> 16) & 0xf) << 4)
        } else {
            base_model
        };
        (
            Some(family),
            Some(model),
            Some(l1.eax & 0xf),
            l1.ecx >> 31 == 1,
        )
    } else {
        (None, None, None, false)
    };
    let model_name = (cpuid(0x8000_0000).eax >= 0x8000_0004)
        .then(|| {
            let words: Vec<u32> = (0x8000_0002u32..=0x8000_0004)
                .flat_map(|leaf| {
                    let r = cpuid(leaf);
                    [r.eax, r.ebx, r.ecx, r.edx]
                })
                .collect();
            text(&words)
        })
        .flatten();
    Cpu {
        vendor,
        family,
        model,
        stepping,
        model_name,
        hypervisor,
    }
}

#[cfg(not(target_arch = "x86_64"))]
pub fn cpu() -> Cpu {
    Cpu::default()
}

/// The CPU features the kernel dispatch looks at, as this process sees
/// them (CPUID and the OS's saved register state).
pub fn dispatch_features() -> Vec<&'static str> {
    #[allow(unused_mut)]
    let mut features = Vec::new();
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    {
        use std::arch::is_x86_feature_detected as has;
        for (name, present) in [
            ("sse2", has!("sse2")),
            ("ssse3", has!("ssse3")),
            ("sse4.1", has!("sse4.1")),
            ("avx", has!("avx")),
            ("avx2", has!("avx2")),
            ("avx512f", has!("avx512f")),
            ("avx512vl", has!("avx512vl")),
            ("sha", has!("sha")),
        ] {
            if present {
                features.push(name);
            }
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        use std::arch::is_aarch64_feature_detected as has;
        for (name, present) in [("neon", has!("neon")), ("sha2", has!("sha2"))] {
            if present {
                features.push(name);
            }
        }
    }
    features
}

/// Target features this example was compiled with, among those the
/// kernels care about.
pub fn target_features() -> Vec<&'static str> {
    let all = [
        ("sse2", cfg!(target_feature = "sse2")),
        ("ssse3", cfg!(target_feature = "ssse3")),
        ("sse4.1", cfg!(target_feature = "sse4.1")),
        ("avx", cfg!(target_feature = "avx")),
        ("avx2", cfg!(target_feature = "avx2")),
        ("bmi2", cfg!(target_feature = "bmi2")),
        ("avx512f", cfg!(target_feature = "avx512f")),
        ("avx512vl", cfg!(target_feature = "avx512vl")),
        ("sha", cfg!(target_feature = "sha")),
        ("neon", cfg!(target_feature = "neon")),
        ("sha2", cfg!(target_feature = "sha2")),
    ];
    all.into_iter()
        .filter(|(_, on)| *on)
        .map(|(n, _)| n)
        .collect()
}

/// The first line a command prints, if it runs and succeeds.
fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next()?.trim();
    (!line.is_empty() && line.len() < 200).then(|| line.to_owned())
}

/// The crate's git commit (with `-dirty` when the work tree has changes),
/// if this build is in a git checkout.
fn git_commit() -> Option<String> {
    let commit = first_line("git", &["rev-parse", "HEAD"])?;
    let dirty = Command::new("git")
        .args(["diff", "--quiet", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .is_ok_and(|s| s.code() == Some(1));
    Some(if dirty {
        format!("{commit}-dirty")
    } else {
        commit
    })
}

/// The OS kernel's release, where the OS says it without a system call.
fn os_release() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s.len() < 100)
}

/// The one-minute load average when the run started, where the OS says
/// it (Linux): other work on the machine lowers every rate.
pub fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace()
        .next()?
        .parse()
        .ok()
        .filter(|l: &f64| l.is_finite())
}

/// The identity block of the JSON report.
pub fn identity(cpu: &Cpu, logical_cpus: usize, clock_mhz: f64) -> Value {
    json!({
        "cpu": {
            "vendor": cpu.vendor,
            "family": cpu.family,
            "model": cpu.model,
            "stepping": cpu.stepping,
            "model_name": cpu.model_name,
            "arch": std::env::consts::ARCH,
        },
        "virtualised": cpu.hypervisor,
        "dispatch_features": dispatch_features(),
        "available_kernels": Kernel::available().map(|k| k.name()).collect::<Vec<_>>(),
        "best_kernel": Kernel::best().name(),
        "logical_cpus": logical_cpus,
        "measured_clock_mhz": clock_mhz,
        "load_average_1min": load_average(),
        "os": std::env::consts::OS,
        "os_kernel": os_release(),
        "crate_version": env!("CARGO_PKG_VERSION"),
        "git_commit": git_commit(),
        // Asked at run time: the rustc that `cargo run` resolves here
        // (rustup passes its toolchain choice to the program).
        "rustc": first_line("rustc", &["--version"]),
        "target_features": target_features(),
        "debug_assertions": cfg!(debug_assertions),
    })
}
