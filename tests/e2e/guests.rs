//! The test guests (tests/guest): each runs a fixed list of named checks
//! against Linux's exact results, through the library and `vfd run` (each
//! test), and composed with the wasm layer (the same tests in `composed`).
//! The lists of checks are shared, so every mode expects the same results.

use crate::harness::{Fixture, Output, run_cli_with, run_lib_with};
use vfd_host::VfdCtxBuilder;

fn check(name: &str, expected: &[&str]) {
    check_with(name, &[], &[], |_| {}, expected);
}

/// Run the test guest `name` through the library (its table changed by
/// `configure`) and through `vfd run` (with `flags`, the same grant).
fn check_with(
    name: &str,
    args: &[&str],
    flags: &[&str],
    configure: impl FnOnce(&mut VfdCtxBuilder),
    expected: &[&str],
) {
    let fixture = Fixture::new();
    let lib = run_lib_with(&fixture, name, args, configure);
    assert_passes(name, "library", &lib, expected);
    let cli = run_cli_with(&fixture, flags, name, args);
    assert_passes(name, "vfd run", &cli, expected);
    fixture.assert_outside_untouched();
}

fn assert_passes(name: &str, mode: &str, out: &Output, expected: &[&str]) {
    let got: Vec<&str> = out.stdout.lines().collect();
    let want: Vec<String> = expected.iter().map(|c| format!("ok {c}")).collect();
    assert_eq!(
        got, want,
        "{name} ({mode}): stdout differs\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert_eq!(out.code, 0, "{name} ({mode}) exit status");
}

// The checks of each test guest, in the order it runs them: one list per
// guest (two for `netpolicy`, run with and without a grant), shared by
// every mode.

const DUP: &[&str] = &[
    "setup",
    "first_open_is_3",
    "lowest_free",
    "dup_shares_offset",
    "dup_clears_cloexec",
    "dup_shares_access_mode",
    "dup2_replaces_open_target",
    "dup2_displaced_kept_by_dup",
    "dup2_same_fd",
    "dup2_same_closed_fd",
    "dup2_closed_source",
    "dup2_closed_target",
    "dup2_clears_cloexec",
    "dup2_target_over_limit",
    "dup2_negative_target",
    "dup3_same_fd",
    "dup3_cloexec",
    "dup3_flags_per_number",
    "dupfd_min",
    "dupfd_cloexec",
    "dupfd_min_over_limit",
    "close_closed",
    "double_close",
    "setfd_per_number",
    "setfl_shared",
    "close_last_dup",
    "try_clone_is_dup",
    "limit_boundary",
    "emfile",
    "teardown",
];

const OFFSETS: &[&str] = &[
    "read_moves_offset",
    "read_at_eof",
    "seek_set_cur_end",
    "seek_past_end_read",
    "seek_hole",
    "seek_negative",
    "write_moves_offset",
    "pread_keeps_offset",
    "pwrite_keeps_offset",
    "pread_past_end",
    "append_writes_at_end",
    "append_read_then_write",
    "append_pwrite_appends",
    "open_truncate",
    "set_len_shrinks",
    "set_len_grows",
    "opens_independent",
    "dups_shared",
    "dup_write_moves_twin",
    "setfl_append_twin",
    "handle_write_moves_offset",
    "teardown",
];

const ERRORS: &[&str] = &[
    "setup",
    "badf_read",
    "badf_write",
    "badf_pread",
    "badf_pwrite",
    "badf_seek",
    "badf_stat",
    "badf_truncate",
    "badf_sync",
    "badf_get_fd_flags",
    "badf_set_fd_flags",
    "badf_get_status_flags",
    "badf_set_status_flags",
    "badf_get_access_mode",
    "badf_is_terminal",
    "badf_read_dir",
    "badf_dup",
    "badf_dup2",
    "badf_dup2_same",
    "badf_dup3",
    "badf_dup_min",
    "badf_close",
    "badf_open_at",
    "badf_stat_at",
    "badf_mkdir_at",
    "badf_unlink_at",
    "badf_remove_dir_at",
    "badf_rename_at_old",
    "badf_rename_at_new",
    "badf_handle_wrap",
    "badf_left_nothing_behind",
    "at_absolute_ignores_dir",
    "at_fdcwd",
    "lib_badf_io",
    "lib_badf_fcntl",
    "lib_badf_raw_numbers",
    "read_write_only",
    "write_read_only",
    "read_directory",
    "write_directory_fd",
    "open_directory_for_write",
    "truncate_read_only",
    "truncate_directory",
    "pread_negative_offset",
    "open_missing",
    "open_missing_parent",
    "create_exclusive_existing",
    "directory_flag_on_file",
    "read_dir_on_file",
    "nofollow_symlink",
    "mkdir_existing",
    "remove_dir_not_empty",
    "remove_dir_on_file",
    "remove_file_on_directory",
    "huge_read_len",
    "huge_pread_len",
    "read_zero_len",
    "path_at_path_max",
    "path_past_the_hostcall_budget",
    "offset_past_i64_einval_before_ebadf",
    "emfile_creates_nothing",
    "table_unchanged",
    "teardown",
];

const SANDBOX: &[&str] = &[
    "dotdot_reenter",
    "dotdot_inside",
    "dotdot_above_root",
    "dot_components",
    "dotdot_escape",
    "dotdot_at_mount_point",
    "no_mount",
    "abs_symlink_refused",
    "rel_symlink_out_refused",
    "escaping_symlink_lstat",
    "symlink_loop",
    "symlink_inside",
    "nul_in_path",
    "name_too_long",
    "path_too_long",
    "openat_file_as_dir",
    "openat_inside",
    "openat_dotdot_escape",
    "openat_symlink_out",
    "trailing_slash_file",
    "trailing_slash_dir",
    "rename_cross_mount",
    "rename_within",
    "ro_read",
    "ro_open_write",
    "ro_open_truncate",
    "ro_create",
    "ro_mkdir",
    "ro_unlink",
    "ro_rename",
    "chdir_and_relative_open",
    "chdir_dotdot",
    "chdir_file",
    "chdir_missing",
    "chdir_root",
];

const READS: &[&str] = &[
    "allocations_are_counted",
    "file_reads_allocate_nothing",
    "pipe_reads_allocate_nothing",
    "handle_reads_allocate_nothing",
    "read_writes_only_what_it_read",
    "pread_into_part_of_a_buffer",
    "empty_buffer_reads_nothing",
    "large_reads_arrive_whole",
    "teardown",
];

const PIPES: &[&str] = &[
    "pipe_lowest_free",
    "pipe_access_modes",
    "pipe_wrong_end_ebadf",
    "pipe_data_flows",
    "eof_after_last_writer",
    "epipe_without_reader",
    "nonblock_empty_read_eagain",
    "nonblock_full_write_eagain",
    "nonblock_shared_by_dup",
    "pipe_cloexec",
    "pipe_espipe",
    "pipe_stat_fifo",
    "pipe_not_a_socket",
    "poll_readable_after_write",
    "poll_writable_when_empty",
    "poll_hup_after_writers_close",
    "poll_err_after_readers_close",
    "poll_nval_slot",
    "poll_timeout_zero_idle",
    "poll_timeout_waits",
    "socketpair_read_write",
    "socketpair_shutdown_write",
    "socketpair_epipe_after_peer_close",
    "socketpair_stat_stream",
    "socketpair_espipe",
    "pipe2_append_einval",
    "seek_negative_on_pipe_espipe",
    "poll_negative_fd_ignored",
];

const SOCKETS: &[&str] = &[
    "tcp_listen_local_addr",
    "listener_not_connected",
    "accept_lowest_free_and_peer",
    "tcp_echo_both_ways",
    "tcp_shutdown_write_eof",
    "tcp_stat_stream",
    "tcp_espipe",
    "tcp_nodelay",
    "nonblocking_accept_eagain",
    "poll_listener_and_stream",
    "connect_refused",
    "listen_addr_in_use",
    "udp_send_recv",
    "udp_truncates_datagram",
    "udp_datagram_too_large",
    "udp_stat_dgram",
    "udp_nonblocking_empty",
    "write_after_peer_closed",
    "descriptor_calls_on_socket",
    "try_clone_shares_nonblock",
    "ipv6_loopback_or_unavailable",
];

const NETPOLICY_DENIED: &[&str] = &[
    "connect_denied",
    "connect_v6_denied",
    "listen_denied",
    "udp_bind_denied",
    "denied_takes_no_number",
    "socketpair_needs_no_grant",
];

const NETPOLICY_LISTEN_ONLY: &[&str] = &[
    "listen_allowed",
    "listen_elsewhere_denied",
    "connect_to_own_listener_denied",
    "udp_bind_allowed",
    "send_to_denied",
];

const ROFS: &[&str] = &[
    "open_write_erofs",
    "truncate_erofs",
    "create_existing_opens_read_only",
    "create_exclusive_existing_eexist",
    "create_missing_erofs",
    "create_missing_parent",
    "open_missing_enoent",
    "directory_flag_on_file_enotdir",
    "directory_for_write_eisdir",
    "trailing_slash_create_eisdir",
    "unlink",
    "remove_dir",
    "mkdir",
    "rename",
    "ro_unchanged",
    "rw_mount_unaffected",
];

const TREE: &[&str] = &[
    "create_dir_all_makes_parents",
    "create_dir_all_relative",
    "create_dir_all_file_in_the_way",
    "create_dir_all_read_only",
    "exists",
    "copy_copies_every_byte",
    "copy_onto_itself_changes_nothing",
    "copy_refusals_create_nothing",
    "remove_dir_all_removes_the_tree",
    "remove_dir_all_does_not_follow_symlinks",
    "remove_dir_all_refusals",
];

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
    assert_passes("tree", mode, &run(&fixture), TREE);
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

const NAMED: &[&str] = &[
    "ltp_dup01",
    "ltp_dup02_negative_fd",
    "ltp_dup02_fd_1500",
    "ltp_dup03",
    "ltp_dup04_read_end",
    "ltp_dup04_write_end",
    "ltp_dup06",
    "ltp_dup07_read_only",
    "ltp_dup07_write_only",
    "ltp_dup07_read_write",
    "ltp_dup201_source_negative",
    "ltp_dup201_source_over_limit",
    "ltp_dup201_target_negative",
    "ltp_dup201_target_over_limit",
    "ltp_dup202_read_only",
    "ltp_dup202_write_only",
    "ltp_dup202_read_write",
    "ltp_dup203_open_target",
    "ltp_dup203_closed_target",
    "ltp_dup204_read_end",
    "ltp_dup204_write_end",
    "ltp_dup205",
    "ltp_dup206",
    "ltp_dup207_seek_before",
    "ltp_dup207_seek_after",
    "ltp_dup3_01_no_flags",
    "ltp_dup3_01_cloexec",
    "ltp_dup3_02_same_fd_cloexec",
    "ltp_dup3_02_same_fd_no_flags",
    "ltp_close01_file",
    "ltp_close01_pipe",
    "ltp_close01_socket",
    "ltp_close02_negative",
    "ltp_close02_twice",
    "ltp_lseek01_set",
    "ltp_lseek01_cur",
    "ltp_lseek01_end",
    "ltp_lseek01_end_zero",
    "ltp_lseek02_bad_fd",
    "ltp_lseek02_pipe",
    "ltp_lseek07_at_end",
    "ltp_lseek07_in_middle",
    "ltp_pipe01",
    "ltp_pipe03",
    "ltp_pipe06",
    "ltp_pipe07",
    "ltp_pipe08",
    "ltp_pipe09",
    "ltp_pipe11_readers_1",
    "ltp_pipe11_readers_2",
    "ltp_pipe11_readers_3",
    "ltp_pipe11_readers_4",
    "ltp_pipe11_readers_10",
    "ltp_pipe11_readers_50",
    "ltp_pipe12_full",
    "ltp_pipe12_non_empty",
    "ltp_pipe12_empty",
    "ltp_pipe14",
    "ltp_pipe2_01_no_flags",
    "ltp_pipe2_01_cloexec",
    "ltp_pipe2_01_nonblock",
    "ltp_pipe2_04_full_write_eagain",
    "ltp_pipe2_04_full_blocking_waits",
    "gvisor_dup_dup",
    "gvisor_dup_dup_clears_cloexec",
    "gvisor_dup_dup2",
    "gvisor_dup_rlimit",
    "gvisor_dup_dup2_same_fd",
    "gvisor_dup_dup3",
    "gvisor_dup_dup3_fails_same_fd",
    "gvisor_lseek_negative_offset",
    "gvisor_lseek_overflow",
    "gvisor_lseek_set",
    "gvisor_lseek_cur",
    "gvisor_lseek_end",
    "gvisor_lseek_invalid_fd",
    "gvisor_lseek_dir_cur_end",
    "gvisor_lseek_seek_current_dir",
    "gvisor_lseek_etc_passwd_dup",
    "gvisor_pipe_inode",
    "gvisor_pipe_permissions",
    "gvisor_pipe_flags",
    "gvisor_pipe_write",
    "gvisor_pipe_write_page",
    "gvisor_pipe_non_blocking",
    "gvisor_pipe2_cloexec",
    "gvisor_pipe2_bad_options",
    "gvisor_pipe_seek",
    "gvisor_pipe_offset_calls",
    "gvisor_pipe_writer_side_closes_read_data_first",
    "gvisor_pipe_reader_side_closes",
    "gvisor_pipe_close_twice",
    "gvisor_pipe_streaming",
    "gvisor_pipe_zero_size",
    "wasilibc_dup_file",
    "wasilibc_dup2_file",
    "wasilibc_dup3_file",
    "wasilibc_fcntl_dupfd",
    "wasilibc_sockets_dup",
    "wasilibc_pipe_setfl_independent",
];

#[test]
fn dup_family() {
    check("dup", DUP);
}

#[test]
fn offsets_and_append() {
    check("offsets", OFFSETS);
}

#[test]
fn errors_for_every_call() {
    check("errors", ERRORS);
}

#[test]
fn sandbox_hostile_paths() {
    check("sandbox", SANDBOX);
}

#[test]
fn reads_land_in_the_callers_buffer() {
    check("reads", READS);
}

#[test]
fn pipes_and_socket_pairs() {
    check("pipes", PIPES);
}

#[test]
fn tcp_and_udp_sockets_on_loopback() {
    check_with(
        "sockets",
        &[],
        &["--allow-network"],
        |b| {
            b.allow_network();
        },
        SOCKETS,
    );
}

#[test]
fn network_is_denied_by_default() {
    check("netpolicy", NETPOLICY_DENIED);
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
        NETPOLICY_LISTEN_ONLY,
    );
}

#[test]
fn read_only_mounts_answer_as_linux_does() {
    check("rofs", ROFS);
}

/// The cases of LTP, gVisor and wasi-libc, one check each (see
/// CONFORMANCE.md for the table).
#[test]
fn named_cases_from_kernel_test_suites() {
    check("named", NAMED);
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

    fn check(name: &str, expected: &[&str]) {
        check_with(name, &[], |_| {}, expected);
    }

    /// Run the test guest `name` with `args` composed, its WASI context
    /// changed by `configure`: the same checks pass as through vfd-host.
    fn check_with(
        name: &str,
        args: &[&str],
        configure: impl FnOnce(&mut WasiCtxBuilder),
        expected: &[&str],
    ) {
        let fixture = Fixture::new();
        let out = run_composed_with(&fixture, name, args, configure);
        assert_passes(name, "composed", &out, expected);
        fixture.assert_outside_untouched();
    }

    #[test]
    fn dup_family() {
        check("dup", DUP);
    }

    #[test]
    fn offsets_and_append() {
        check("offsets", OFFSETS);
    }

    #[test]
    fn errors_for_every_call() {
        check("errors", ERRORS);
    }

    #[test]
    fn sandbox_hostile_paths() {
        check("sandbox", SANDBOX);
    }

    #[test]
    fn reads_land_in_the_callers_buffer() {
        check("reads", READS);
    }

    #[test]
    fn pipes_and_socket_pairs() {
        check("pipes", PIPES);
    }

    #[test]
    fn tcp_and_udp_sockets_on_loopback() {
        check_with(
            "sockets",
            &[],
            |b| {
                b.inherit_network();
            },
            SOCKETS,
        );
    }

    /// wasmtime-wasi denies every address unless the runtime grants it.
    #[test]
    fn network_is_denied_by_default() {
        check("netpolicy", NETPOLICY_DENIED);
    }

    /// The runtime's grant: binding and listening on 127.0.0.1 only.
    #[test]
    fn network_policy_allows_listening_only_where_granted() {
        check_with(
            "netpolicy",
            &["--allowed-listen-only"],
            |b| {
                b.socket_addr_check(|addr: SocketAddr, usage: SocketAddrUse| {
                    let local = matches!(
                        usage,
                        SocketAddrUse::TcpBind | SocketAddrUse::TcpListen | SocketAddrUse::UdpBind
                    );
                    let allowed = local && addr.ip() == std::net::Ipv4Addr::LOCALHOST;
                    Box::pin(async move { allowed })
                });
            },
            NETPOLICY_LISTEN_ONLY,
        );
    }

    #[test]
    fn read_only_mounts_answer_as_linux_does() {
        check("rofs", ROFS);
    }

    #[test]
    fn named_cases_from_kernel_test_suites() {
        check("named", NAMED);
    }

    #[test]
    fn whole_trees_and_copies() {
        check_tree("composed", |f| run_composed_with(f, "tree", &[], |_| {}));
    }
}
