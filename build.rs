//! Hands the linker `link/startup.order` (written by `bench/startup-order`): the functions
//! the short commands run, laid out together so that starting `incident` touches a few
//! pages of its code instead of most of them. Only where the linker is LLD, which is
//! Rust's own default for x86-64 Linux from 1.90 on and the only one here that reads such
//! a file; everywhere else the build is exactly as without this script.

use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=link/startup.order");
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER");
    if env::var("TARGET").as_deref() != Ok("x86_64-unknown-linux-gnu") || !links_with_lld() {
        return;
    }
    let order = format!(
        "{}/link/startup.order",
        env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")
    );
    if std::path::Path::new(&order).is_file() {
        println!("cargo:rustc-link-arg-bin=incident=-Wl,--symbol-ordering-file={order}");
        // Names of another build of the dependencies are skipped, not reported.
        println!("cargo:rustc-link-arg-bin=incident=-Wl,--no-warn-symbol-ordering");
    }
}

/// Whether this build links with Rust's own LLD: rustc 1.90 or later, with no linker
/// chosen by the user (a linker or linker flavour in the flags, or for the target).
fn links_with_lld() -> bool {
    let chosen = env::var("CARGO_ENCODED_RUSTFLAGS").is_ok_and(|flags| flags.contains("link"))
        || env::var_os("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_some();
    if chosen {
        return false;
    }
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(output) = Command::new(rustc).arg("-V").output() else {
        return false;
    };
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let version = String::from_utf8_lossy(&output.stdout);
    let mut numbers = version
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .split('.')
        .map(|number| number.parse::<u32>().unwrap_or(0));
    let (major, minor) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    (major, minor) >= (1, 90)
}
