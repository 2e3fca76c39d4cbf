//! Package energy from Linux's powercap interface: the RAPL counters
//! (`intel-rapl:N` zones, which the kernel also fills on AMD CPUs), read
//! before and after each measurement.
//!
//! Each package zone `intel-rapl:N` (not its sub-zones `intel-rapl:N:M`,
//! which are parts of the package and would count twice) has
//! `energy_uj`, a counter in microjoules, and `max_energy_range_uj`, the
//! value after which it starts again from zero. A reading is the counters
//! of all packages; the energy between two readings is the sum of each
//! counter's advance, across one wrap if it wrapped (a counter cannot
//! wrap twice in a measurement of seconds: the range is hours of a
//! package's maximum power).
//!
//! The root is `/sys/class/powercap`, or the directory named by the
//! environment variable [`POWERCAP_ENV`] (for tests, or a copy of the
//! tree elsewhere). Where it is absent or unreadable, [`Powercap::locate`]
//! says why, and the report prints that instead of energy figures.

use std::ffi::OsString;
use std::fs;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

/// The environment variable that names another powercap root.
pub const POWERCAP_ENV: &str = "SHA256D_BENCH_POWERCAP";
/// Where Linux puts it.
pub const POWERCAP_ROOT: &str = "/sys/class/powercap";

/// One package zone.
#[derive(Debug)]
struct Zone {
    /// Its `name` file (`package-0`), or the directory name.
    name: String,
    energy_uj: PathBuf,
    max_energy_range_uj: u64,
}

/// The package zones of one powercap tree.
#[derive(Debug)]
pub struct Powercap {
    root: PathBuf,
    zones: Vec<Zone>,
}

/// One reading: each zone's counter, microjoules.
#[derive(Clone, Debug)]
pub struct Reading(Vec<u64>);

impl Powercap {
    /// The powercap tree named by [`POWERCAP_ENV`], else the system's (see
    /// [`Powercap::locate`]).
    ///
    /// # Errors
    /// Why there are no energy figures, as one sentence.
    pub fn from_env(hypervisor: bool) -> Result<Powercap, String> {
        Powercap::locate(std::env::var_os(POWERCAP_ENV), hypervisor)
    }

    /// The powercap tree named by `env` (the value of [`POWERCAP_ENV`]),
    /// else the system's. `hypervisor`: whether CPUID says this is a
    /// virtual machine, which explains an absent tree.
    ///
    /// # Errors
    /// Why there are no energy figures, as one sentence.
    pub fn locate(env: Option<OsString>, hypervisor: bool) -> Result<Powercap, String> {
        let (root, named) = match env {
            Some(dir) if !dir.is_empty() => (PathBuf::from(dir), true),
            _ => (PathBuf::from(POWERCAP_ROOT), false),
        };
        let absent = !root.exists();
        Powercap::open(&root).map_err(|reason| match (named, absent, hypervisor) {
            (true, ..) => format!("{reason} (named by {POWERCAP_ENV})"),
            (false, true, true) => format!(
                "{reason}: no powercap driver; this is a virtual machine (CPUID hypervisor \
                 bit), and hypervisors do not pass the package energy counters to guests"
            ),
            (false, true, false) => {
                format!("{reason}: the kernel has no powercap driver for this CPU")
            }
            (false, false, _) => reason,
        })
    }

    /// The package zones under `root`, each read once to check it.
    ///
    /// # Errors
    /// Why there are none, or why they cannot be read.
    pub fn open(root: &Path) -> Result<Powercap, String> {
        let entries = match fs::read_dir(root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(format!("no {}", root.display()));
            }
            Err(e) => return Err(format!("cannot list {}: {e}", root.display())),
        };
        let mut zones = Vec::new();
        for entry in entries.flatten() {
            let dir_name = entry.file_name().to_string_lossy().into_owned();
            let is_package = dir_name
                .strip_prefix("intel-rapl:")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if !is_package {
                continue;
            }
            let dir = entry.path();
            let name = read_small(&dir.join("name"))
                .map(|n| n.trim().to_owned())
                .ok()
                .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_graphic()))
                .unwrap_or_else(|| dir_name.clone());
            let max_energy_range_uj = read_counter(&dir.join("max_energy_range_uj"))?;
            if max_energy_range_uj == 0 {
                return Err(format!("{}: max_energy_range_uj is 0", dir.display()));
            }
            zones.push(Zone {
                name,
                energy_uj: dir.join("energy_uj"),
                max_energy_range_uj,
            });
        }
        if zones.is_empty() {
            return Err(format!(
                "no package zone (intel-rapl:N) in {}: no RAPL energy counters",
                root.display()
            ));
        }
        zones.sort_by(|a, b| a.energy_uj.cmp(&b.energy_uj));
        let powercap = Powercap {
            root: root.to_owned(),
            zones,
        };
        powercap.read()?;
        Ok(powercap)
    }

    /// Where the counters were found.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The zones' names, in reading order.
    pub fn zone_names(&self) -> Vec<&str> {
        self.zones.iter().map(|z| z.name.as_str()).collect()
    }

    /// Every zone's counter now.
    ///
    /// # Errors
    /// A counter that cannot be read or is out of its range.
    pub fn read(&self) -> Result<Reading, String> {
        self.zones
            .iter()
            .map(|zone| {
                let uj = read_counter(&zone.energy_uj)?;
                if uj > zone.max_energy_range_uj {
                    return Err(format!(
                        "{}: {uj} is above max_energy_range_uj {}",
                        zone.energy_uj.display(),
                        zone.max_energy_range_uj
                    ));
                }
                Ok(uj)
            })
            .collect::<Result<_, _>>()
            .map(Reading)
    }

    /// Joules used by all packages between two readings of this tree.
    pub fn joules(&self, before: &Reading, after: &Reading) -> f64 {
        self.zones
            .iter()
            .zip(before.0.iter().zip(&after.0))
            .map(|(zone, (&b, &a))| advance_uj(b, a, zone.max_energy_range_uj) as f64 * 1e-6)
            .sum()
    }
}

/// A counter's advance from `before` to `after`, across one wrap at
/// `max_range` if `after` is smaller.
fn advance_uj(before: u64, after: u64, max_range: u64) -> u64 {
    if after >= before {
        after - before
    } else {
        max_range - before + after
    }
}

/// A sysfs attribute of at most 64 bytes.
fn read_small(path: &Path) -> Result<String, String> {
    let describe = |e: std::io::Error| match e.kind() {
        ErrorKind::PermissionDenied => format!(
            "{} is not readable by this user (Linux 5.10 on restricts the energy \
             counters to root, after CVE-2020-8694): run as root or make it readable",
            path.display()
        ),
        _ => format!("cannot read {}: {e}", path.display()),
    };
    let mut text = String::new();
    fs::File::open(path)
        .map_err(describe)?
        .take(64)
        .read_to_string(&mut text)
        .map_err(describe)?;
    Ok(text)
}

/// A decimal counter file.
fn read_counter(path: &Path) -> Result<u64, String> {
    let text = read_small(path)?;
    let digits = text.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{}: not a counter: {digits:?}", path.display()));
    }
    digits
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A fresh directory for one fake powercap tree, removed on drop.
    struct FakeTree(PathBuf);

    impl FakeTree {
        fn new() -> Self {
            static NEXT: AtomicU32 = AtomicU32::new(0);
            let dir = std::env::temp_dir().join(format!(
                "sha256d-bench-powercap-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).expect("create the fake tree");
            FakeTree(dir)
        }

        fn zone(&self, dir: &str, name: &str, energy: u64, max: u64) {
            let zone = self.0.join(dir);
            fs::create_dir_all(&zone).expect("zone directory");
            fs::write(zone.join("name"), format!("{name}\n")).expect("name");
            fs::write(zone.join("max_energy_range_uj"), format!("{max}\n")).expect("range");
            self.set(dir, energy);
        }

        fn set(&self, dir: &str, energy: u64) {
            fs::write(self.0.join(dir).join("energy_uj"), format!("{energy}\n")).expect("energy");
        }
    }

    impl Drop for FakeTree {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn packages_summed_subzones_ignored() {
        let tree = FakeTree::new();
        tree.zone("intel-rapl:0", "package-0", 1_000_000, 262_143_328_850);
        tree.zone("intel-rapl:1", "package-1", 5_000_000, 262_143_328_850);
        // A core sub-zone and another control type: not package energy.
        tree.zone("intel-rapl:0:0", "core", 0, 262_143_328_850);
        tree.zone("intel-rapl-mmio:0", "package-0", 0, 262_143_328_850);
        let env = Some(tree.0.clone().into_os_string());
        let powercap = Powercap::locate(env, true).expect("fake tree");
        assert_eq!(powercap.zone_names(), ["package-0", "package-1"]);
        let before = powercap.read().expect("read");
        tree.set("intel-rapl:0", 3_500_000);
        tree.set("intel-rapl:1", 5_250_000);
        tree.set("intel-rapl:0:0", 9_000_000);
        let after = powercap.read().expect("read");
        let joules = powercap.joules(&before, &after);
        assert!((joules - 2.75).abs() < 1e-9, "{joules}");
    }

    /// Runs [`env_child`] in a child process of this test binary, with
    /// [`POWERCAP_ENV`] naming a fake tree: the variable is read as the
    /// example reads it, without changing this process's environment.
    #[test]
    fn tree_named_by_the_environment() {
        let tree = FakeTree::new();
        tree.zone("intel-rapl:0", "package-7", 42, 1_000_000);
        let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "energy::tests::env_child",
                "--exact",
                "--ignored",
                "--test-threads=1",
            ])
            .env(POWERCAP_ENV, &tree.0)
            .output()
            .expect("run the child test");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("1 passed"), "{stdout}");
    }

    /// The child of [`tree_named_by_the_environment`] (ignored on its
    /// own: it needs the variable set).
    #[test]
    #[ignore = "run by tree_named_by_the_environment"]
    fn env_child() {
        let powercap = Powercap::from_env(true).expect("the tree named by the variable");
        assert_eq!(powercap.zone_names(), ["package-7"]);
        assert_eq!(powercap.read().expect("read").0, [42]);
    }

    #[test]
    fn counter_wrap_around() {
        let tree = FakeTree::new();
        let max = 65_532_610_987;
        tree.zone("intel-rapl:0", "package-0", max - 400_000, max);
        let powercap = Powercap::open(&tree.0).expect("fake tree");
        let before = powercap.read().expect("read");
        tree.set("intel-rapl:0", 600_000);
        let after = powercap.read().expect("read");
        let joules = powercap.joules(&before, &after);
        assert!((joules - 1.0).abs() < 1e-9, "{joules}");
        assert_eq!(advance_uj(10, 10, max), 0);
    }

    #[test]
    fn absent_and_malformed_trees_say_why() {
        let tree = FakeTree::new();
        let missing = tree.0.join("nothing-here");
        let named = Powercap::locate(Some(missing.clone().into_os_string()), true)
            .expect_err("absent tree");
        assert!(
            named.contains("no ") && named.contains("nothing-here"),
            "{named}"
        );
        // Only the system tree's absence is blamed on the hypervisor.
        assert!(!named.contains("virtual machine"), "{named}");

        let empty = Powercap::open(&tree.0).expect_err("no zones");
        assert!(empty.contains("no package zone"), "{empty}");

        tree.zone("intel-rapl:0", "package-0", 12, 100);
        tree.set("intel-rapl:0", 101);
        let above = Powercap::open(&tree.0).expect_err("counter above its range");
        assert!(above.contains("above max_energy_range_uj"), "{above}");
        fs::write(tree.0.join("intel-rapl:0").join("energy_uj"), "12 joules\n").expect("write");
        let garbage = Powercap::open(&tree.0).expect_err("not a number");
        assert!(garbage.contains("not a counter"), "{garbage}");
    }
}
