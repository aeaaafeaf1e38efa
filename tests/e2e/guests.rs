//! The test guests (tests/guest): each runs a fixed list of named checks
//! against Linux's exact results, through the library and `vfd run` (each
//! test), and composed with the wasm layer (the same tests in `composed`).
//! Each guest lists its own checks (`listed_checks`), so every mode expects
//! every check the guest has to pass.

use crate::harness::{Fixture, Output, listed_checks, run_cli_with, run_lib_with};
use vfd_host::VfdCtxBuilder;

fn check(name: &str) {
    check_with(name, &[], &[], |_| {});
}

/// Run the test guest `name` through the library (its table changed by
/// `configure`) and through `vfd run` (with `flags`, the same grant).
fn check_with(
    name: &str,
    args: &[&str],
    flags: &[&str],
    configure: impl FnOnce(&mut VfdCtxBuilder),
) {
    let expected = listed_checks(name, args);
    let fixture = Fixture::new();
    let lib = run_lib_with(&fixture, name, args, configure);
    assert_passes(name, "library", &lib, &expected);
    let cli = run_cli_with(&fixture, flags, name, args);
    assert_passes(name, "vfd run", &cli, &expected);
    fixture.assert_outside_untouched();
}

fn assert_passes(name: &str, mode: &str, out: &Output, expected: &[String]) {
    let got: Vec<&str> = out.stdout.lines().collect();
    let want: Vec<String> = expected.iter().map(|c| format!("ok {c}")).collect();
    assert_eq!(
        got, want,
        "{name} ({mode}): stdout differs\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert_eq!(out.code, 0, "{name} ({mode}) exit status");
}

/// Run the `tree` guest with `run` (`mode` names it) on a fixture of its
/// own: the usual one plus two symlinks to `sub` that `remove_dir_all` must
/// remove without following, one of them inside a directory it removes.
/// Then check what it leaves: `sub` whole, the two links and its own tree
/// gone, nothing outside the mounts touched.
fn check_tree(mode: &str, run: impl FnOnce(&Fixture) -> Output) {
    let fixture = Fixture::new();
    let mnt = fixture.path("mnt");
    std::fs::create_dir(mnt.join("linked")).unwrap();
    std::os::unix::fs::symlink("../sub", mnt.join("linked/to-sub")).unwrap();
    std::os::unix::fs::symlink("sub", mnt.join("dir-link")).unwrap();
    assert_passes("tree", mode, &run(&fixture), &listed_checks("tree", &[]));
    assert_eq!(
        std::fs::read_to_string(mnt.join("sub/inner.txt")).unwrap(),
        "inner\n"
    );
    for gone in ["linked", "dir-link", "tree"] {
        assert!(
            std::fs::symlink_metadata(mnt.join(gone)).is_err(),
            "{gone} is still there"
        );
    }
    fixture.assert_outside_untouched();
}

#[test]
fn dup_family() {
    check("dup");
}

#[test]
fn offsets_and_append() {
    check("offsets");
}

#[test]
fn errors_for_every_call() {
    check("errors");
}

#[test]
fn sandbox_hostile_paths() {
    check("sandbox");
}

#[test]
fn reads_land_in_the_callers_buffer() {
    check("reads");
}

#[test]
fn pipes_and_socket_pairs() {
    check("pipes");
}

#[test]
fn tcp_and_udp_sockets_on_loopback() {
    check_with("sockets", &[], &["--allow-network"], |b| {
        b.allow_network();
    });
}

#[test]
fn network_is_denied_by_default() {
    check("netpolicy");
}

#[test]
fn network_policy_allows_listening_only_where_granted() {
    check_with(
        "netpolicy",
        &["--allowed-listen-only"],
        &["--allow-listen", "127.0.0.1:*"],
        |b| {
            b.allow_listen("127.0.0.1:*").unwrap();
        },
    );
}

#[test]
fn read_only_mounts_answer_as_linux_does() {
    check("rofs");
}

/// The cases of LTP, gVisor and wasi-libc, one check each (see
/// CONFORMANCE.md for the table).
#[test]
fn named_cases_from_kernel_test_suites() {
    check("named");
}

#[test]
fn whole_trees_and_copies() {
    check_tree("library", |f| run_lib_with(f, "tree", &[], |_| {}));
    check_tree("vfd run", |f| run_cli_with(f, &[], "tree", &[]));
}

/// The same guests, composed with the wasm layer (`vfd compose`) and run
/// under plain wasmtime-wasi with no vfd host code. The network grant is
/// the runtime's (wasmtime-wasi's socket address check, what
/// `wasmtime run -S inherit-network` sets), not vfd's policy.
mod composed {
    use super::*;
    use crate::harness::run_composed_with;
    use std::net::SocketAddr;
    use wasmtime_wasi::WasiCtxBuilder;
    use wasmtime_wasi::sockets::SocketAddrUse;

    fn check(name: &str) {
        check_with(name, &[], |_| {});
    }

    /// Run the test guest `name` with `args` composed, its WASI context
    /// changed by `configure`: the same checks pass as through vfd-host.
    fn check_with(name: &str, args: &[&str], configure: impl FnOnce(&mut WasiCtxBuilder)) {
        let expected = listed_checks(name, args);
        let fixture = Fixture::new();
        let out = run_composed_with(&fixture, name, args, configure);
        assert_passes(name, "composed", &out, &expected);
        fixture.assert_outside_untouched();
    }

    #[test]
    fn dup_family() {
        check("dup");
    }

    #[test]
    fn offsets_and_append() {
        check("offsets");
    }

    #[test]
    fn errors_for_every_call() {
        check("errors");
    }

    #[test]
    fn sandbox_hostile_paths() {
        check("sandbox");
    }

    #[test]
    fn reads_land_in_the_callers_buffer() {
        check("reads");
    }

    #[test]
    fn pipes_and_socket_pairs() {
        check("pipes");
    }

    #[test]
    fn tcp_and_udp_sockets_on_loopback() {
        check_with("sockets", &[], |b| {
            b.inherit_network();
        });
    }

    /// wasmtime-wasi denies every address unless the runtime grants it.
    #[test]
    fn network_is_denied_by_default() {
        check("netpolicy");
    }

    /// The runtime's grant: binding and listening on 127.0.0.1 only.
    #[test]
    fn network_policy_allows_listening_only_where_granted() {
        check_with("netpolicy", &["--allowed-listen-only"], |b| {
            b.socket_addr_check(|addr: SocketAddr, usage: SocketAddrUse| {
                let local = matches!(
                    usage,
                    SocketAddrUse::TcpBind | SocketAddrUse::TcpListen | SocketAddrUse::UdpBind
                );
                let allowed = local && addr.ip() == std::net::Ipv4Addr::LOCALHOST;
                Box::pin(async move { allowed })
            });
        });
    }

    #[test]
    fn read_only_mounts_answer_as_linux_does() {
        check("rofs");
    }

    #[test]
    fn named_cases_from_kernel_test_suites() {
        check("named");
    }

    #[test]
    fn whole_trees_and_copies() {
        check_tree("composed", |f| run_composed_with(f, "tree", &[], |_| {}));
    }
}
