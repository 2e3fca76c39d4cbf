//! Helpers shared by the fuzz targets.

use std::sync::OnceLock;

use sha256d::{Engine, Kernel};

/// One engine per kernel this CPU runs, scalar first. Printed once per
/// process, so that a run's log says which kernels it compared.
pub fn engines() -> &'static [Engine] {
    static ENGINES: OnceLock<Vec<Engine>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        if let Err(e) = Engine::new(Kernel::Scalar) {
            panic!("the scalar reference must always run: {e}");
        }
        let engines: Vec<Engine> = Kernel::ALL
            .iter()
            .copied()
            .filter_map(|k| Engine::new(k).ok())
            .collect();
        let names: Vec<&str> = engines.iter().map(|e| e.kernel().name()).collect();
        eprintln!("kernels compared with scalar: {}", names.join(", "));
        engines
    })
}
