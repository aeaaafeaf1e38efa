//! The escape corpus: hostile paths and call sequences that try to reach
//! host files outside the mounts. Every one must be refused with the exact
//! errno below, and the host test checks afterwards that nothing outside
//! the mount changed.
//!
//! The host test lays out, besides the common fixture (see
//! `tests/e2e/harness.rs`), under `/data` (host `T/mnt`):
//!
//! | name | target |
//! | --- | --- |
//! | `dir-out` | `T/outside` (absolute) |
//! | `rel-dir-out` | `../outside` |
//! | `root-link` | `/` |
//! | `proc-link` | `/proc/self/root` |
//! | `chain-1` → `chain-2` → `sub/chain-3` | `../../outside/secret.txt` |
//! | `sub/up` | `..` (stays inside) |
//! | `sub/up2` | `../..` (leads out) |
//! | `dangling-out` | `../outside/new.txt` (missing) |
//! | `dangling-abs` | `T/outside/new-abs.txt` (missing) |
//! | `dangling-dir-out` | `../outside/newdir` (missing) |
//! | `self-loop` | `self-loop` |
//! | `hop-0` → ... → `hop-40` | `hello.txt` (41 links from `hop-0`) |
//! | `empty-link` | `T/empty-out` (an empty host directory) |
//! | `onto-link` | `T/outside` (absolute) |
//! | `swap-dir/own.txt`, `swap-link` | `T/outside` |
//! | `swap-rel-dir/own.txt`, `swap-rel-link` | `../outside` |
//! | `swapc/own.txt`, `swapc-link` | `../outside` |
//! | `swapf.txt`, `swapf-link` | `T/outside/secret.txt` |
//!
//! Its one argument is the host path of `T`, to try host paths directly.
//!
//! Where vfd answers differently from Linux on purpose (see the README,
//! "Where vfd differs from Linux"): a path that would lead out of a mount,
//! through `..` below the mount point or through a symlink, is
//! `ENOTCAPABLE`, where Linux would have followed it; everything else is
//! Linux's own errno.

use vfd::bindings::vfd::posix::descriptors as d;
use vfd::bindings::vfd::posix::types::{Errno, OpenFlags};
use vfd::fd::AsRawFd;
use vfd_test_guests::{Check, Checks, Ctx, eq, path_of_len};

const AT_FDCWD: u32 = -100i32 as u32;
const R: OpenFlags = OpenFlags::READ;
const SECRET: &str = "/data/sub/../../outside/secret.txt";

/// Require that a raw call failed with `want`. The message names the
/// errnos (`got notcapable, want notdir`), for the host test to match.
fn refused<T: std::fmt::Debug>(what: &str, got: Result<T, Errno>, want: Errno) -> Check {
    match got {
        Err(e) if e == want => Ok(()),
        // A descriptor opened by mistake is closed by the harness.
        Ok(v) => Err(format!("{what}: got Ok({v:?}), want {}", want.name())),
        Err(e) => Err(format!("{what}: got {}, want {}", e.name(), want.name())),
    }
}

/// open(2) of each path with `flags` fails with `want`.
fn open_refused(paths: &[&str], flags: OpenFlags, want: Errno) -> Check {
    for p in paths {
        refused(&format!("open {p:?} {flags:?}"), d::open(p, flags), want)?;
    }
    Ok(())
}

/// stat(2) (following symlinks) of each path fails with `want`.
fn stat_refused(paths: &[&str], want: Errno) -> Check {
    for p in paths {
        refused(&format!("stat {p:?}"), d::stat_at(AT_FDCWD, p, true), want)?;
    }
    Ok(())
}

/// Open `path`, read it whole, close it.
fn contents(path: &str) -> Result<String, String> {
    let fd = d::open(path, R).map_err(|e| format!("open {path}: {e:?}"))?;
    contents_of(fd, path)
}

/// Read what is left at `fd`, then close it.
fn contents_of(fd: u32, what: &str) -> Result<String, String> {
    let data = d::read(fd, 4096).map_err(|e| format!("read {what}: {e:?}"));
    let _ = d::close(fd);
    String::from_utf8(data?).map_err(|e| format!("{what}: {e}"))
}

/// A descriptor number, closed when dropped.
struct Fd(u32);

impl Drop for Fd {
    fn drop(&mut self) {
        let _ = d::close(self.0);
    }
}

/// A directory descriptor for `path`, closed when dropped.
fn dir_fd(path: &str) -> Result<Fd, String> {
    d::open(path, R | OpenFlags::DIRECTORY)
        .map(Fd)
        .map_err(|e| format!("open dir {path}: {e:?}"))
}

/// The file type of `path` itself (lstat).
fn lstat_type(path: &str) -> Result<vfd::bindings::vfd::posix::types::FileType, String> {
    d::stat_at(AT_FDCWD, path, false)
        .map(|s| s.file_type)
        .map_err(|e| format!("lstat {path}: {e:?}"))
}

/// One entry of the corpus: its name and its check.
type Entry = (&'static str, fn() -> Check);

/// The corpus, in order.
const CORPUS: &[Entry] = &[
    // `..` chains.
    ("dotdot_chain_from_subdir", dotdot_chain_from_subdir),
    ("dotdot_chain_deep", dotdot_chain_deep),
    (
        "dotdot_chain_mixed_separators",
        dotdot_chain_mixed_separators,
    ),
    ("dotdot_above_mount_by_name", dotdot_above_mount_by_name),
    ("dotdot_create_out", dotdot_create_out),
    ("dotdot_mkdir_out", dotdot_mkdir_out),
    ("dotdot_stat_out", dotdot_stat_out),
    ("dotdot_cwd_relative", dotdot_cwd_relative),
    ("openat_dotdot_out", openat_dotdot_out),
    ("openat_absolute_ignores_dir", openat_absolute_ignores_dir),
    ("dotdot_after_file", dotdot_after_file),
    // Absolute host paths.
    ("host_absolute_paths", host_absolute_paths),
    ("fixture_host_paths", fixture_host_paths),
    ("virtual_root_not_openable", virtual_root_not_openable),
    // Symlinks that lead out.
    ("abs_symlink_every_call", abs_symlink_every_call),
    ("rel_symlink_every_call", rel_symlink_every_call),
    ("dir_symlink_out_abs", dir_symlink_out_abs),
    ("dir_symlink_out_rel", dir_symlink_out_rel),
    ("symlink_chain_out", symlink_chain_out),
    ("symlink_inside_then_out", symlink_inside_then_out),
    ("symlink_to_host_root", symlink_to_host_root),
    ("dangling_out_create", dangling_out_create),
    (
        "dangling_out_create_exclusive",
        dangling_out_create_exclusive,
    ),
    ("dangling_abs_create", dangling_abs_create),
    ("nofollow_escaping_symlink", nofollow_escaping_symlink),
    (
        "openat_symlink_out_from_subdir",
        openat_symlink_out_from_subdir,
    ),
    ("rename_through_symlink_dir", rename_through_symlink_dir),
    ("unlink_through_symlink_dir", unlink_through_symlink_dir),
    ("chdir_through_symlink_out", chdir_through_symlink_out),
    // Loops.
    ("symlink_loop_pair", symlink_loop_pair),
    ("symlink_self_loop", symlink_self_loop),
    ("symlink_loop_create", symlink_loop_create),
    ("symlink_chain_limit", symlink_chain_limit),
    // A directory swapped for a symlink between calls.
    ("dir_swapped_for_abs_symlink", dir_swapped_for_abs_symlink),
    ("dir_swapped_for_rel_symlink", dir_swapped_for_rel_symlink),
    ("cwd_swapped_for_symlink", cwd_swapped_for_symlink),
    ("file_swapped_for_symlink", file_swapped_for_symlink),
    // Trailing slashes on symlinks.
    ("trailing_slash_abs_link", trailing_slash_abs_link),
    ("trailing_slash_rel_link", trailing_slash_rel_link),
    ("trailing_slash_file_link", trailing_slash_file_link),
    (
        "trailing_slash_nofollow_inside_link",
        trailing_slash_nofollow_inside_link,
    ),
    ("trailing_slash_dir_link_out", trailing_slash_dir_link_out),
    (
        "trailing_slash_create_dangling",
        trailing_slash_create_dangling,
    ),
    (
        "trailing_slash_mkdir_dangling",
        trailing_slash_mkdir_dangling,
    ),
    (
        "trailing_slash_rmdir_link_out",
        trailing_slash_rmdir_link_out,
    ),
    ("rmdir_link_out", rmdir_link_out),
    (
        "trailing_slash_unlink_link_out",
        trailing_slash_unlink_link_out,
    ),
    (
        "trailing_slash_unlink_file_link",
        trailing_slash_unlink_file_link,
    ),
    (
        "trailing_slash_remove_dangling_out",
        trailing_slash_remove_dangling_out,
    ),
    ("trailing_slash_rename_link", trailing_slash_rename_link),
    (
        "trailing_slash_rename_onto_link",
        trailing_slash_rename_onto_link,
    ),
    (
        "trailing_slash_rename_file_to_new_dir_name",
        trailing_slash_rename_file_to_new_dir_name,
    ),
    // NUL bytes.
    ("nul_in_open", nul_in_open),
    ("nul_in_every_path_call", nul_in_every_path_call),
    // Long paths.
    ("path_max_boundary", path_max_boundary),
    ("path_huge", path_huge),
    ("long_dotdot_chain", long_dotdot_chain),
    ("long_path_every_call", long_path_every_call),
    // -at calls on descriptors that are not directories.
    ("openat_on_file_fd", openat_on_file_fd),
    ("openat_on_pipe_and_socket", openat_on_pipe_and_socket),
    ("openat_on_stdio", openat_on_stdio),
    ("openat_on_closed_fd", openat_on_closed_fd),
    // Across the mount edge.
    ("rename_between_mounts", rename_between_mounts),
    ("rename_out_by_name", rename_out_by_name),
    ("rename_dotdot_out", rename_dotdot_out),
    ("unlink_out", unlink_out),
    ("mount_root_unlink", mount_root_unlink),
    ("mount_root_rmdir", mount_root_rmdir),
    ("mount_root_rename", mount_root_rename),
    ("rename_at_between_dir_fds", rename_at_between_dir_fds),
    // Read-only mounts.
    ("ro_open_truncate", ro_open_truncate),
    ("ro_ftruncate", ro_ftruncate),
    ("ro_write_through_dir_fd", ro_write_through_dir_fd),
    ("ro_reached_by_name", ro_reached_by_name),
    ("ro_dir_fd_dotdot", ro_dir_fd_dotdot),
    // Names that only look like `..`, and a last look.
    ("lookalike_dots", lookalike_dots),
    ("untouched_inside", untouched_inside),
];

fn main() {
    let mut c = Checks::new();
    for (name, check) in CORPUS {
        c.run(name, check);
    }
    c.finish();
}

// ---- `..` chains -------------------------------------------------------

/// `..` that climbs out of the mount through a real directory.
fn dotdot_chain_from_subdir() -> Check {
    open_refused(
        &[
            SECRET,
            "/data/sub/../../../outside/secret.txt",
            "/data/sub/../..",
        ],
        R,
        Errno::Notcapable,
    )
}

/// Many more `..` than there are directories.
fn dotdot_chain_deep() -> Check {
    let path = format!("/data/sub/{}etc/passwd", "../".repeat(40));
    open_refused(&[&path], R, Errno::Notcapable)
}

/// Doubled slashes and `.` do not hide a `..`.
fn dotdot_chain_mixed_separators() -> Check {
    open_refused(
        &[
            "/data//sub/./..//../outside//secret.txt",
            "/data/./sub/.././../outside/./secret.txt",
        ],
        R,
        Errno::Notcapable,
    )
}

/// `..` at and above the mount point walks the guest's namespace by
/// name: `/outside` is no mount, so there is nothing there.
fn dotdot_above_mount_by_name() -> Check {
    open_refused(
        &[
            "/data/../outside/secret.txt",
            "/data/../../../outside/secret.txt",
            "/../../../../etc/passwd",
        ],
        R,
        Errno::Noent,
    )
}

/// Creating through an escaping `..` creates nothing.
fn dotdot_create_out() -> Check {
    let w = OpenFlags::WRITE | OpenFlags::CREATE;
    let path = "/data/sub/../../outside/new.txt";
    refused("create", d::open(path, w), Errno::Notcapable)?;
    refused(
        "create exclusive",
        d::open(path, w | OpenFlags::EXCLUSIVE),
        Errno::Notcapable,
    )?;
    refused(
        "truncate secret",
        d::open(SECRET, OpenFlags::WRITE | OpenFlags::TRUNCATE),
        Errno::Notcapable,
    )
}

fn dotdot_mkdir_out() -> Check {
    refused(
        "mkdir",
        d::mkdir_at(AT_FDCWD, "/data/sub/../../outside/newdir"),
        Errno::Notcapable,
    )?;
    refused(
        "mkdir beside the mount",
        d::mkdir_at(AT_FDCWD, "/data/sub/../../newdir"),
        Errno::Notcapable,
    )
}

fn dotdot_stat_out() -> Check {
    stat_refused(
        &[
            SECRET,
            "/data/sub/../..",
            "/data/sub/../../outside",
            "/data/sub/../../ro/ro.txt",
        ],
        Errno::Notcapable,
    )?;
    refused(
        "lstat",
        d::stat_at(AT_FDCWD, SECRET, false),
        Errno::Notcapable,
    )
}

/// A relative path from a current directory inside the mount.
fn dotdot_cwd_relative() -> Check {
    vfd::env::set_current_dir("/data/sub").ctx("chdir /data/sub")?;
    let res = (|| {
        open_refused(
            &["../../outside/secret.txt", "../../../../etc/passwd"],
            R,
            Errno::Notcapable,
        )?;
        refused(
            "mkdir",
            d::mkdir_at(AT_FDCWD, "../../outside/d"),
            Errno::Notcapable,
        )
    })();
    vfd::env::set_current_dir("/").ctx("chdir /")?;
    res
}

/// An `-at` call may not climb out of the directory it starts from, even
/// to a place inside the mount (documented: cap-std's rule).
fn openat_dotdot_out() -> Check {
    let dir = dir_fd("/data/sub")?;
    let dfd = dir.0;
    for path in ["../../outside/secret.txt", "..", "../hello.txt", "./../sub"] {
        refused(path, d::open_at(dfd, path, R), Errno::Notcapable)?;
    }
    refused(
        "stat_at ..",
        d::stat_at(dfd, "../../outside", true),
        Errno::Notcapable,
    )
}

/// An absolute path ignores the directory descriptor of an `-at` call.
fn openat_absolute_ignores_dir() -> Check {
    let dir = dir_fd("/data/sub")?;
    let dfd = dir.0;
    refused(
        "/data/../outside/secret.txt",
        d::open_at(dfd, "/data/../outside/secret.txt", R),
        Errno::Noent,
    )?;
    refused(
        "/etc/passwd",
        d::open_at(dfd, "/etc/passwd", R),
        Errno::Noent,
    )?;
    let fd = d::open_at(dfd, "/data/hello.txt", R).map_err(|e| format!("{e:?}"))?;
    eq(
        "content",
        contents_of(fd, "hello")?.as_str(),
        "hello, vfd\n",
    )
}

/// A regular file is no directory to climb out of.
fn dotdot_after_file() -> Check {
    open_refused(
        &[
            "/data/hello.txt/..",
            "/data/hello.txt/../hello.txt",
            "/data/hello.txt/../../outside/secret.txt",
        ],
        R,
        Errno::Notdir,
    )
}

// ---- Absolute host paths -----------------------------------------------

fn host_absolute_paths() -> Check {
    open_refused(
        &[
            "/etc/passwd",
            "/proc/self/environ",
            "/proc/self/fd/0",
            "/dev/null",
            "/tmp",
            "/outside/secret.txt",
        ],
        R,
        Errno::Noent,
    )?;
    stat_refused(&["/etc", "/proc/self/root"], Errno::Noent)
}

/// The real host paths of the fixture mean nothing in the guest.
fn fixture_host_paths() -> Check {
    let root = std::env::args()
        .nth(1)
        .ok_or("no fixture path given as argument")?;
    let secret = format!("{root}/outside/secret.txt");
    let hello = format!("{root}/mnt/hello.txt");
    open_refused(&[&secret, &hello], R, Errno::Noent)?;
    refused(
        "truncate",
        d::open(&secret, OpenFlags::WRITE | OpenFlags::TRUNCATE),
        Errno::Noent,
    )?;
    refused(
        "create",
        d::open(
            &format!("{root}/outside/new.txt"),
            OpenFlags::WRITE | OpenFlags::CREATE,
        ),
        Errno::Noent,
    )?;
    refused("unlink", d::unlink_at(AT_FDCWD, &secret), Errno::Noent)
}

/// The directories above the mount points exist only by name: they can be
/// the current directory, but not be opened.
fn virtual_root_not_openable() -> Check {
    open_refused(&["/", "/.", "/data/.."], R, Errno::Noent)?;
    open_refused(&["/"], R | OpenFlags::DIRECTORY, Errno::Noent)
}

// ---- Symlinks that lead out --------------------------------------------

/// Every call that follows `link` is refused.
fn every_call_refused(link: &str) -> Check {
    let w = OpenFlags::WRITE;
    for flags in [
        R,
        w | OpenFlags::TRUNCATE,
        w | OpenFlags::APPEND,
        R | w,
        R | OpenFlags::TRUNCATE,
        w | OpenFlags::CREATE,
    ] {
        refused(
            &format!("open {link} {flags:?}"),
            d::open(link, flags),
            Errno::Notcapable,
        )?;
    }
    stat_refused(&[link], Errno::Notcapable)?;
    refused("chdir", d::chdir(link), Errno::Notcapable)
}

fn abs_symlink_every_call() -> Check {
    every_call_refused("/data/abs-link")
}

fn rel_symlink_every_call() -> Check {
    every_call_refused("/data/rel-out")
}

/// A symlink to a directory outside, used as a directory.
fn dir_symlink_out(link: &str) -> Check {
    let secret = format!("{link}/secret.txt");
    open_refused(&[&secret, link], R, Errno::Notcapable)?;
    open_refused(&[link], R | OpenFlags::DIRECTORY, Errno::Notcapable)?;
    stat_refused(&[&secret, link], Errno::Notcapable)?;
    refused(
        "create",
        d::open(
            &format!("{link}/new.txt"),
            OpenFlags::WRITE | OpenFlags::CREATE,
        ),
        Errno::Notcapable,
    )?;
    refused(
        "mkdir",
        d::mkdir_at(AT_FDCWD, &format!("{link}/newdir")),
        Errno::Notcapable,
    )
}

fn dir_symlink_out_abs() -> Check {
    dir_symlink_out("/data/dir-out")
}

fn dir_symlink_out_rel() -> Check {
    dir_symlink_out("/data/rel-dir-out")
}

/// A chain of links inside the mount whose last one leads out.
fn symlink_chain_out() -> Check {
    open_refused(&["/data/chain-1", "/data/chain-2"], R, Errno::Notcapable)?;
    stat_refused(&["/data/chain-1"], Errno::Notcapable)
}

/// `sub/up -> ..` stays inside and works; `sub/up2 -> ../..` leads out.
fn symlink_inside_then_out() -> Check {
    eq(
        "through sub/up",
        contents("/data/sub/up/hello.txt")?.as_str(),
        "hello, vfd\n",
    )?;
    open_refused(
        &[
            "/data/sub/up2/outside/secret.txt",
            "/data/sub/up/../outside/secret.txt",
            "/data/sub/up2",
        ],
        R,
        Errno::Notcapable,
    )
}

fn symlink_to_host_root() -> Check {
    open_refused(
        &[
            "/data/root-link/etc/passwd",
            "/data/root-link",
            "/data/proc-link/etc/passwd",
            "/data/proc-link",
        ],
        R,
        Errno::Notcapable,
    )
}

/// `O_CREAT` follows a dangling symlink on Linux; one that leads out is
/// refused and creates nothing.
fn dangling_out_create() -> Check {
    for flags in [
        OpenFlags::WRITE | OpenFlags::CREATE,
        R | OpenFlags::CREATE,
        OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::TRUNCATE,
    ] {
        refused(
            &format!("{flags:?}"),
            d::open("/data/dangling-out", flags),
            Errno::Notcapable,
        )?;
    }
    refused("read", d::open("/data/dangling-out", R), Errno::Notcapable)
}

/// With `O_EXCL` the symlink itself counts as existing: EEXIST, as Linux.
fn dangling_out_create_exclusive() -> Check {
    refused(
        "create exclusive",
        d::open(
            "/data/dangling-out",
            OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::EXCLUSIVE,
        ),
        Errno::Exist,
    )
}

fn dangling_abs_create() -> Check {
    refused(
        "create",
        d::open("/data/dangling-abs", OpenFlags::WRITE | OpenFlags::CREATE),
        Errno::Notcapable,
    )?;
    refused(
        "mkdir through a dangling dir link",
        d::mkdir_at(AT_FDCWD, "/data/dangling-dir-out/x"),
        Errno::Notcapable,
    )
}

/// O_NOFOLLOW on a final symlink is ELOOP, wherever it points; lstat
/// reports the link itself.
fn nofollow_escaping_symlink() -> Check {
    for link in ["/data/abs-link", "/data/rel-out", "/data/dir-out"] {
        refused(link, d::open(link, R | OpenFlags::NOFOLLOW), Errno::Loop)?;
        eq(
            link,
            lstat_type(link)?,
            vfd::bindings::vfd::posix::types::FileType::Symlink,
        )?;
    }
    Ok(())
}

fn openat_symlink_out_from_subdir() -> Check {
    let dir = dir_fd("/data/sub")?;
    let dfd = dir.0;
    for path in ["up2/outside/secret.txt", "up2", "chain-3", "../abs-link"] {
        refused(path, d::open_at(dfd, path, R), Errno::Notcapable)?;
    }
    // `up` -> `..` leaves `sub`, where the -at call started.
    refused(
        "up/hello.txt",
        d::open_at(dfd, "up/hello.txt", R),
        Errno::Notcapable,
    )
}

fn rename_through_symlink_dir() -> Check {
    refused(
        "rename out of it",
        d::rename_at(
            AT_FDCWD,
            "/data/rel-dir-out/secret.txt",
            AT_FDCWD,
            "/data/stolen.txt",
        ),
        Errno::Notcapable,
    )?;
    refused(
        "rename into it",
        d::rename_at(
            AT_FDCWD,
            "/data/hello.txt",
            AT_FDCWD,
            "/data/dir-out/planted.txt",
        ),
        Errno::Notcapable,
    )?;
    eq(
        "hello.txt",
        contents("/data/hello.txt")?.as_str(),
        "hello, vfd\n",
    )
}

fn unlink_through_symlink_dir() -> Check {
    for path in ["/data/dir-out/secret.txt", "/data/rel-dir-out/secret.txt"] {
        refused(path, d::unlink_at(AT_FDCWD, path), Errno::Notcapable)?;
    }
    refused(
        "rmdir",
        d::remove_dir_at(AT_FDCWD, "/data/empty-link/."),
        Errno::Notcapable,
    )
}

/// chdir through an escaping symlink is refused and keeps the old cwd.
fn chdir_through_symlink_out() -> Check {
    for path in [
        "/data/dir-out",
        "/data/rel-dir-out",
        "/data/root-link",
        "/data/sub/up2",
    ] {
        refused(path, d::chdir(path), Errno::Notcapable)?;
    }
    eq("cwd", d::getcwd().as_str(), "/")
}

// ---- Loops -------------------------------------------------------------

fn symlink_loop_pair() -> Check {
    open_refused(&["/data/loop-a", "/data/loop-b/x"], R, Errno::Loop)?;
    stat_refused(&["/data/loop-b"], Errno::Loop)
}

fn symlink_self_loop() -> Check {
    open_refused(&["/data/self-loop", "/data/self-loop/x"], R, Errno::Loop)?;
    refused("chdir", d::chdir("/data/self-loop"), Errno::Loop)
}

fn symlink_loop_create() -> Check {
    refused(
        "create",
        d::open("/data/loop-a", OpenFlags::WRITE | OpenFlags::CREATE),
        Errno::Loop,
    )?;
    refused(
        "mkdir below",
        d::mkdir_at(AT_FDCWD, "/data/loop-a/x"),
        Errno::Loop,
    )
}

/// Linux follows at most 40 symlinks in one lookup: 40 work, 41 are ELOOP.
fn symlink_chain_limit() -> Check {
    eq(
        "40 links",
        contents("/data/hop-1")?.as_str(),
        "hello, vfd\n",
    )?;
    refused("41 links", d::open("/data/hop-0", R), Errno::Loop)
}

// ---- A directory swapped for a symlink between calls -------------------

fn dir_swapped_for_abs_symlink() -> Check {
    swapped("swap-dir", "swap-link", "swap-old")
}

fn dir_swapped_for_rel_symlink() -> Check {
    swapped("swap-rel-dir", "swap-rel-link", "swap-rel-old")
}

/// Open `dir`, then move it away and put `link` (leading out) in its
/// place: the old descriptor still sees the directory, the path is refused.
fn swapped(dir: &str, link: &str, old: &str) -> Check {
    let path = format!("/data/{dir}");
    let held = dir_fd(&path)?;
    let dfd = held.0;
    let mv = |from: &str, to: &str| {
        d::rename_at(
            AT_FDCWD,
            &format!("/data/{from}"),
            AT_FDCWD,
            &format!("/data/{to}"),
        )
        .map_err(|e| format!("rename {from} {to}: {e:?}"))
    };
    mv(dir, old)?;
    mv(link, dir)?;
    let secret = format!("{path}/secret.txt");
    open_refused(&[&secret], R, Errno::Notcapable)?;
    stat_refused(&[&secret], Errno::Notcapable)?;
    refused(
        "create through the swapped name",
        d::open(
            &format!("{path}/new.txt"),
            OpenFlags::WRITE | OpenFlags::CREATE,
        ),
        Errno::Notcapable,
    )?;
    // The descriptor is bound to the directory, not to its name.
    let fd = d::open_at(dfd, "own.txt", R).map_err(|e| format!("own.txt: {e:?}"))?;
    eq("own.txt", contents_of(fd, "own.txt")?.as_str(), "own\n")?;
    refused(
        "secret.txt at the old fd",
        d::open_at(dfd, "secret.txt", R),
        Errno::Noent,
    )?;
    refused(
        "the old fd cannot climb",
        d::open_at(dfd, "../outside/secret.txt", R),
        Errno::Notcapable,
    )
}

/// The current directory is swapped for a symlink that leads out. vfd
/// keeps the current directory as a logical path, so a relative path is
/// looked up again through the link, and refused (Linux keeps the old
/// directory itself and would find `own.txt` there).
fn cwd_swapped_for_symlink() -> Check {
    d::chdir("/data/swapc").map_err(|e| format!("chdir: {e:?}"))?;
    let res = (|| {
        let mv = |from: &str, to: &str| {
            d::rename_at(AT_FDCWD, from, AT_FDCWD, to)
                .map_err(|e| format!("rename {from} {to}: {e:?}"))
        };
        mv("/data/swapc", "/data/swapc-old")?;
        mv("/data/swapc-link", "/data/swapc")?;
        open_refused(
            &["secret.txt", "./secret.txt", "own.txt"],
            R,
            Errno::Notcapable,
        )?;
        refused(
            "create",
            d::open("new.txt", OpenFlags::WRITE | OpenFlags::CREATE),
            Errno::Notcapable,
        )?;
        eq("cwd", d::getcwd().as_str(), "/data/swapc")
    })();
    d::chdir("/").map_err(|e| format!("chdir /: {e:?}"))?;
    res
}

/// An open file swapped for a symlink: the descriptor keeps the file, the
/// name now leads out and is refused.
fn file_swapped_for_symlink() -> Check {
    let fd = d::open("/data/swapf.txt", R).map_err(|e| format!("open: {e:?}"))?;
    d::rename_at(AT_FDCWD, "/data/swapf-link", AT_FDCWD, "/data/swapf.txt")
        .map_err(|e| format!("rename: {e:?}"))?;
    eq("old fd", contents_of(fd, "swapf")?.as_str(), "own file\n")?;
    open_refused(&["/data/swapf.txt"], R, Errno::Notcapable)?;
    refused(
        "truncate",
        d::open("/data/swapf.txt", OpenFlags::WRITE | OpenFlags::TRUNCATE),
        Errno::Notcapable,
    )
}

// ---- Trailing slashes on symlinks --------------------------------------

/// A trailing slash makes the last symlink followed, even with
/// O_NOFOLLOW: one that leads out is refused whatever the flags.
fn trailing_slash_out(link: &str) -> Check {
    let path = format!("{link}/");
    for flags in [
        R,
        R | OpenFlags::NOFOLLOW,
        R | OpenFlags::DIRECTORY,
        R | OpenFlags::NOFOLLOW | OpenFlags::DIRECTORY,
    ] {
        refused(
            &format!("open {path} {flags:?}"),
            d::open(&path, flags),
            Errno::Notcapable,
        )?;
    }
    stat_refused(&[&path], Errno::Notcapable)
}

fn trailing_slash_abs_link() -> Check {
    trailing_slash_out("/data/abs-link")
}

fn trailing_slash_rel_link() -> Check {
    trailing_slash_out("/data/rel-out")
}

/// The other half of the rule: a trailing slash follows a symlink that
/// stays inside even with O_NOFOLLOW (Linux opens the directory), and
/// without the slash O_NOFOLLOW is ELOOP.
fn trailing_slash_nofollow_inside_link() -> Check {
    for flags in [
        R | OpenFlags::NOFOLLOW,
        R | OpenFlags::NOFOLLOW | OpenFlags::DIRECTORY,
    ] {
        let fd = d::open("/data/sub/up/", flags).map_err(|e| format!("{flags:?}: {}", e.name()))?;
        let kind = d::stat(fd).map(|s| s.file_type);
        let _ = d::close(fd);
        eq(
            "sub/up/ is",
            kind.map_err(|e| e.name())?,
            vfd::bindings::vfd::posix::types::FileType::Directory,
        )?;
    }
    refused(
        "sub/up without the slash",
        d::open("/data/sub/up", R | OpenFlags::NOFOLLOW),
        Errno::Loop,
    )
}

/// A symlink to a file inside, with a trailing slash: ENOTDIR, as Linux.
fn trailing_slash_file_link() -> Check {
    for flags in [R, R | OpenFlags::NOFOLLOW] {
        refused(
            &format!("{flags:?}"),
            d::open("/data/inner-link/", flags),
            Errno::Notdir,
        )?;
    }
    stat_refused(&["/data/inner-link/"], Errno::Notdir)?;
    refused(
        "create",
        d::open("/data/inner-link/", OpenFlags::WRITE | OpenFlags::CREATE),
        Errno::Isdir,
    )
}

fn trailing_slash_dir_link_out() -> Check {
    trailing_slash_out("/data/dir-out")?;
    trailing_slash_out("/data/rel-dir-out")?;
    open_refused(
        &["/data/dir-out/.", "/data/rel-dir-out/./"],
        R,
        Errno::Notcapable,
    )
}

/// `O_CREAT` with a trailing slash is EISDIR on Linux before any link is
/// followed; nothing is created outside.
fn trailing_slash_create_dangling() -> Check {
    for link in ["/data/dangling-out/", "/data/dangling-abs/"] {
        refused(
            link,
            d::open(link, OpenFlags::WRITE | OpenFlags::CREATE),
            Errno::Isdir,
        )?;
    }
    Ok(())
}

/// mkdir does not follow a final symlink, even with a trailing slash:
/// the name exists (EEXIST), and no directory appears where it points.
fn trailing_slash_mkdir_dangling() -> Check {
    for link in [
        "/data/dangling-dir-out/",
        "/data/dangling-dir-out",
        "/data/dangling-out/",
    ] {
        refused(link, d::mkdir_at(AT_FDCWD, link), Errno::Exist)?;
    }
    Ok(())
}

/// rmdir and unlink do not follow a final symlink, even with a trailing
/// slash: on Linux a symlink named `link/` is ENOTDIR for both, wherever
/// it points, and nothing is removed.
fn trailing_slash_rmdir_link_out() -> Check {
    refused(
        "rmdir empty-link/",
        d::remove_dir_at(AT_FDCWD, "/data/empty-link/"),
        Errno::Notdir,
    )?;
    symlink_kept("/data/empty-link")
}

/// Without the slash: rmdir of a symlink is ENOTDIR.
fn rmdir_link_out() -> Check {
    refused(
        "rmdir empty-link",
        d::remove_dir_at(AT_FDCWD, "/data/empty-link"),
        Errno::Notdir,
    )?;
    symlink_kept("/data/empty-link")
}

fn trailing_slash_unlink_link_out() -> Check {
    for path in ["/data/abs-link/", "/data/empty-link/"] {
        refused(path, d::unlink_at(AT_FDCWD, path), Errno::Notdir)?;
        symlink_kept(path.trim_end_matches('/'))?;
    }
    Ok(())
}

fn trailing_slash_unlink_file_link() -> Check {
    refused(
        "unlink inner-link/",
        d::unlink_at(AT_FDCWD, "/data/inner-link/"),
        Errno::Notdir,
    )?;
    symlink_kept("/data/inner-link")
}

/// A dangling symlink that leads out, named with a trailing slash.
fn trailing_slash_remove_dangling_out() -> Check {
    refused(
        "unlink dangling-out/",
        d::unlink_at(AT_FDCWD, "/data/dangling-out/"),
        Errno::Notdir,
    )?;
    refused(
        "rmdir dangling-dir-out/",
        d::remove_dir_at(AT_FDCWD, "/data/dangling-dir-out/"),
        Errno::Notdir,
    )?;
    symlink_kept("/data/dangling-out")
}

/// rename of a symlink named with a trailing slash is ENOTDIR: the link is
/// no directory, wherever it points.
fn trailing_slash_rename_link() -> Check {
    let mv = |from: &str, to: &str| d::rename_at(AT_FDCWD, from, AT_FDCWD, to);
    refused(
        "rel-dir-out/ -> moved",
        mv("/data/rel-dir-out/", "/data/moved"),
        Errno::Notdir,
    )?;
    refused(
        "empty-link/ -> moved/",
        mv("/data/empty-link/", "/data/moved/"),
        Errno::Notdir,
    )?;
    symlink_kept("/data/rel-dir-out")?;
    symlink_kept("/data/empty-link")
}

/// Renaming a file onto `link/`, a symlink to a directory outside: the
/// source is no directory, so Linux refuses the trailing slash with
/// ENOTDIR, and the link stays.
fn trailing_slash_rename_onto_link() -> Check {
    vfd::fs::write("/data/victim.txt", "victim\n").ctx("write victim")?;
    let res = refused(
        "victim.txt -> onto-link/",
        d::rename_at(AT_FDCWD, "/data/victim.txt", AT_FDCWD, "/data/onto-link/"),
        Errno::Notdir,
    );
    let _ = d::unlink_at(AT_FDCWD, "/data/victim.txt");
    res?;
    symlink_kept("/data/onto-link")
}

/// Renaming a file to `name/`, which does not exist: ENOTDIR on Linux, and
/// the file keeps its name.
fn trailing_slash_rename_file_to_new_dir_name() -> Check {
    vfd::fs::write("/data/victim2.txt", "victim\n").ctx("write victim")?;
    let res = refused(
        "victim2.txt -> newname/",
        d::rename_at(AT_FDCWD, "/data/victim2.txt", AT_FDCWD, "/data/newname/"),
        Errno::Notdir,
    );
    let _ = d::unlink_at(AT_FDCWD, "/data/victim2.txt");
    let _ = d::unlink_at(AT_FDCWD, "/data/newname");
    res
}

/// `path` is still a symlink.
fn symlink_kept(path: &str) -> Check {
    eq(
        &format!("{path} kept"),
        lstat_type(path)?,
        vfd::bindings::vfd::posix::types::FileType::Symlink,
    )
}

// ---- NUL bytes ---------------------------------------------------------

fn nul_in_open() -> Check {
    open_refused(
        &[
            "/data/hello.txt\0",
            "\0",
            "/data\0/../../etc/passwd",
            "/data/abs-link\0/x",
            "/data/sub/\0../../outside/secret.txt",
        ],
        R,
        Errno::Inval,
    )?;
    refused(
        "create",
        d::open("/data/new\0.txt", OpenFlags::WRITE | OpenFlags::CREATE),
        Errno::Inval,
    )
}

fn nul_in_every_path_call() -> Check {
    let bad = "/data/sub\0/../../outside";
    let dir = dir_fd("/data")?;
    let dfd = dir.0;
    refused("open_at", d::open_at(dfd, "hello.txt\0", R), Errno::Inval)?;
    refused("stat_at", d::stat_at(AT_FDCWD, bad, true), Errno::Inval)?;
    refused("mkdir_at", d::mkdir_at(AT_FDCWD, bad), Errno::Inval)?;
    refused("unlink_at", d::unlink_at(dfd, "hello.txt\0x"), Errno::Inval)?;
    refused(
        "remove_dir_at",
        d::remove_dir_at(AT_FDCWD, bad),
        Errno::Inval,
    )?;
    refused(
        "rename_at from",
        d::rename_at(AT_FDCWD, "/data/hello.txt\0", AT_FDCWD, "/data/x"),
        Errno::Inval,
    )?;
    refused(
        "rename_at to",
        d::rename_at(AT_FDCWD, "/data/hello.txt", AT_FDCWD, "/data/x\0y"),
        Errno::Inval,
    )?;
    refused("chdir", d::chdir(bad), Errno::Inval)?;
    eq(
        "hello.txt",
        contents("/data/hello.txt")?.as_str(),
        "hello, vfd\n",
    )
}

// ---- Long paths --------------------------------------------------------

/// PATH_MAX (4096) counts the terminating NUL: 4095 bytes are looked up,
/// 4096 are ENAMETOOLONG.
fn path_max_boundary() -> Check {
    refused("4095 bytes", d::open(&path_of_len(4095), R), Errno::Noent)?;
    refused(
        "4096 bytes",
        d::open(&path_of_len(4096), R),
        Errno::Nametoolong,
    )
}

fn path_huge() -> Check {
    for len in [4097, 65_536, 1 << 20] {
        let p = path_of_len(len);
        refused(&format!("open {len}"), d::open(&p, R), Errno::Nametoolong)?;
        refused(
            &format!("stat {len}"),
            d::stat_at(AT_FDCWD, &p, true),
            Errno::Nametoolong,
        )?;
    }
    Ok(())
}

/// A `..` chain long enough to pass PATH_MAX is refused before lookup;
/// one just under it, by the sandbox.
fn long_dotdot_chain() -> Check {
    let long = format!("/data/sub/{}outside/secret.txt", "../".repeat(1400));
    refused("over PATH_MAX", d::open(&long, R), Errno::Nametoolong)?;
    let under = format!("/data/sub/{}outside/secret.txt", "../".repeat(1300));
    refused("under PATH_MAX", d::open(&under, R), Errno::Notcapable)
}

fn long_path_every_call() -> Check {
    let p = path_of_len(5000);
    let name = "n".repeat(256);
    let dir = dir_fd("/data")?;
    let dfd = dir.0;
    refused("open_at", d::open_at(dfd, &p[6..], R), Errno::Nametoolong)?;
    refused(
        "open_at name",
        d::open_at(dfd, &name, R),
        Errno::Nametoolong,
    )?;
    refused("mkdir_at", d::mkdir_at(AT_FDCWD, &p), Errno::Nametoolong)?;
    refused("unlink_at", d::unlink_at(AT_FDCWD, &p), Errno::Nametoolong)?;
    refused(
        "remove_dir_at",
        d::remove_dir_at(AT_FDCWD, &p),
        Errno::Nametoolong,
    )?;
    refused(
        "rename_at from",
        d::rename_at(AT_FDCWD, &p, AT_FDCWD, "/data/x"),
        Errno::Nametoolong,
    )?;
    refused(
        "rename_at to",
        d::rename_at(AT_FDCWD, "/data/hello.txt", AT_FDCWD, &p),
        Errno::Nametoolong,
    )?;
    refused("chdir", d::chdir(&p), Errno::Nametoolong)
}

// ---- -at calls on descriptors that are not directories -----------------

/// Every `-at` call with a relative path through the non-directory `fd`
/// is ENOTDIR, `..` included.
fn at_calls_notdir(fd: u32) -> Check {
    for path in ["x", "..", "../outside/secret.txt", "."] {
        refused(
            &format!("open_at({fd}, {path})"),
            d::open_at(fd, path, R),
            Errno::Notdir,
        )?;
    }
    refused("stat_at", d::stat_at(fd, "..", true), Errno::Notdir)?;
    refused("mkdir_at", d::mkdir_at(fd, "x"), Errno::Notdir)?;
    refused("unlink_at", d::unlink_at(fd, "x"), Errno::Notdir)?;
    refused("remove_dir_at", d::remove_dir_at(fd, "x"), Errno::Notdir)?;
    refused(
        "rename_at from",
        d::rename_at(fd, "x", AT_FDCWD, "/data/x"),
        Errno::Notdir,
    )?;
    refused(
        "rename_at to",
        d::rename_at(AT_FDCWD, "/data/hello.txt", fd, "x"),
        Errno::Notdir,
    )
}

fn openat_on_file_fd() -> Check {
    let f = vfd::fs::File::open("/data/hello.txt").ctx("open")?;
    at_calls_notdir(f.as_raw_fd() as u32)?;
    // An absolute path ignores the descriptor, whatever it is.
    let fd = d::open_at(f.as_raw_fd() as u32, "/data/sub/inner.txt", R)
        .map_err(|e| format!("absolute: {e:?}"))?;
    eq("content", contents_of(fd, "inner")?.as_str(), "inner\n")
}

fn openat_on_pipe_and_socket() -> Check {
    let (r, w) = vfd::pipe::pipe().ctx("pipe")?;
    at_calls_notdir(r.as_raw_fd() as u32)?;
    at_calls_notdir(w.as_raw_fd() as u32)?;
    let (a, _b) = vfd::net::UnixStream::pair().ctx("socketpair")?;
    at_calls_notdir(a.as_raw_fd() as u32)
}

fn openat_on_stdio() -> Check {
    for fd in [1, 2] {
        at_calls_notdir(fd)?;
    }
    Ok(())
}

/// A closed or impossible number is EBADF for a relative path.
fn openat_on_closed_fd() -> Check {
    for fd in [40, 1 << 20, u32::MAX, AT_FDCWD - 1] {
        refused(
            &format!("open_at({fd})"),
            d::open_at(fd, "../outside/secret.txt", R),
            Errno::Badf,
        )?;
        refused(
            &format!("mkdir_at({fd})"),
            d::mkdir_at(fd, "x"),
            Errno::Badf,
        )?;
    }
    Ok(())
}

// ---- Across the mount edge ---------------------------------------------

fn rename_between_mounts() -> Check {
    let mv = |from: &str, to: &str| d::rename_at(AT_FDCWD, from, AT_FDCWD, to);
    refused("data -> ro", mv("/data/hello.txt", "/ro/x"), Errno::Xdev)?;
    refused("ro -> data", mv("/ro/ro.txt", "/data/x"), Errno::Xdev)?;
    refused("dir data -> ro", mv("/data/sub", "/ro/sub"), Errno::Xdev)?;
    refused(
        "by name",
        mv("/data/hello.txt", "/data/../ro/x"),
        Errno::Xdev,
    )?;
    eq("ro.txt", contents("/ro/ro.txt")?.as_str(), "read only\n")
}

/// A rename target under no mount does not exist.
fn rename_out_by_name() -> Check {
    let mv = |from: &str, to: &str| d::rename_at(AT_FDCWD, from, AT_FDCWD, to);
    refused(
        "to /data/../outside",
        mv("/data/hello.txt", "/data/../outside/x"),
        Errno::Noent,
    )?;
    refused("to /tmp", mv("/data/hello.txt", "/tmp/x"), Errno::Noent)?;
    refused(
        "from /data/../outside",
        mv("/data/../outside/secret.txt", "/data/stolen"),
        Errno::Noent,
    )?;
    eq(
        "hello.txt",
        contents("/data/hello.txt")?.as_str(),
        "hello, vfd\n",
    )
}

fn rename_dotdot_out() -> Check {
    let mv = |from: &str, to: &str| d::rename_at(AT_FDCWD, from, AT_FDCWD, to);
    refused(
        "hello.txt out",
        mv("/data/hello.txt", "/data/sub/../../outside/stolen"),
        Errno::Notcapable,
    )?;
    refused("secret in", mv(SECRET, "/data/stolen"), Errno::Notcapable)?;
    refused(
        "over the secret",
        mv("/data/hello.txt", SECRET),
        Errno::Notcapable,
    )?;
    let dir = dir_fd("/data/sub")?;
    let dfd = dir.0;
    refused(
        "rename_at .. from a dir fd",
        d::rename_at(dfd, "../hello.txt", dfd, "x"),
        Errno::Notcapable,
    )?;
    refused(
        "rename_at .. to a dir fd",
        d::rename_at(dfd, "inner.txt", dfd, "../../outside/x"),
        Errno::Notcapable,
    )?;
    eq(
        "hello.txt",
        contents("/data/hello.txt")?.as_str(),
        "hello, vfd\n",
    )
}

fn unlink_out() -> Check {
    refused(
        "unlink ..",
        d::unlink_at(AT_FDCWD, SECRET),
        Errno::Notcapable,
    )?;
    refused(
        "unlink by name",
        d::unlink_at(AT_FDCWD, "/data/../outside/secret.txt"),
        Errno::Noent,
    )?;
    refused(
        "rmdir ..",
        d::remove_dir_at(AT_FDCWD, "/data/sub/../../empty-out"),
        Errno::Notcapable,
    )?;
    let dir = dir_fd("/data/sub")?;
    let dfd = dir.0;
    refused(
        "unlink_at ..",
        d::unlink_at(dfd, "../hello.txt"),
        Errno::Notcapable,
    )?;
    refused(
        "rmdir_at ..",
        d::remove_dir_at(dfd, "../../empty-out"),
        Errno::Notcapable,
    )
}

/// The mount point itself cannot be removed: unlink is EISDIR.
fn mount_root_unlink() -> Check {
    for path in ["/data", "/data/"] {
        refused(path, d::unlink_at(AT_FDCWD, path), Errno::Isdir)?;
    }
    Ok(())
}

/// rmdir of a mount point is EBUSY on Linux.
fn mount_root_rmdir() -> Check {
    refused(
        "rmdir /data",
        d::remove_dir_at(AT_FDCWD, "/data"),
        Errno::Busy,
    )?;
    eq(
        "hello.txt",
        contents("/data/hello.txt")?.as_str(),
        "hello, vfd\n",
    )
}

/// A rename whose source or target is the mount point crosses between the
/// directory above it (another mount) and the mount: EXDEV on Linux.
fn mount_root_rename() -> Check {
    refused(
        "rename /data",
        d::rename_at(AT_FDCWD, "/data", AT_FDCWD, "/data/moved"),
        Errno::Xdev,
    )?;
    refused(
        "rename onto /data",
        d::rename_at(AT_FDCWD, "/data/sub", AT_FDCWD, "/data"),
        Errno::Xdev,
    )?;
    eq(
        "hello.txt",
        contents("/data/hello.txt")?.as_str(),
        "hello, vfd\n",
    )
}

fn rename_at_between_dir_fds() -> Check {
    let (data_dir, ro_dir) = (dir_fd("/data")?, dir_fd("/ro")?);
    let (data, ro) = (data_dir.0, ro_dir.0);
    refused(
        "data -> ro",
        d::rename_at(data, "hello.txt", ro, "x"),
        Errno::Xdev,
    )?;
    refused(
        "ro -> data",
        d::rename_at(ro, "ro.txt", data, "x"),
        Errno::Xdev,
    )
}

// ---- Read-only mounts --------------------------------------------------

fn ro_intact() -> Check {
    eq("ro.txt", contents("/ro/ro.txt")?.as_str(), "read only\n")
}

/// O_TRUNC writes, whatever the access mode.
fn ro_open_truncate() -> Check {
    for flags in [
        R | OpenFlags::TRUNCATE,
        OpenFlags::WRITE | OpenFlags::TRUNCATE,
        R | OpenFlags::WRITE | OpenFlags::TRUNCATE,
        OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::TRUNCATE,
    ] {
        refused(
            &format!("{flags:?}"),
            d::open("/ro/ro.txt", flags),
            Errno::Rofs,
        )?;
    }
    ro_intact()
}

/// ftruncate needs a descriptor open for writing, which a read-only mount
/// never gives: EINVAL, as Linux for a read-only descriptor.
fn ro_ftruncate() -> Check {
    let fd = d::open("/ro/ro.txt", R).map_err(|e| format!("open: {e:?}"))?;
    for size in [0, 3, 1 << 40] {
        refused(
            &format!("truncate {size}"),
            d::truncate(fd, size),
            Errno::Inval,
        )?;
    }
    refused("write", d::write(fd, b"x"), Errno::Badf)?;
    let _ = d::close(fd);
    ro_intact()
}

/// A directory descriptor of the read-only mount writes nothing either.
fn ro_write_through_dir_fd() -> Check {
    let dir = dir_fd("/ro")?;
    let dfd = dir.0;
    refused(
        "open_at write",
        d::open_at(dfd, "ro.txt", OpenFlags::WRITE),
        Errno::Rofs,
    )?;
    refused(
        "open_at truncate",
        d::open_at(dfd, "ro.txt", R | OpenFlags::TRUNCATE),
        Errno::Rofs,
    )?;
    refused(
        "open_at create",
        d::open_at(dfd, "new.txt", OpenFlags::WRITE | OpenFlags::CREATE),
        Errno::Rofs,
    )?;
    refused("mkdir_at", d::mkdir_at(dfd, "newdir"), Errno::Rofs)?;
    refused("unlink_at", d::unlink_at(dfd, "ro.txt"), Errno::Rofs)?;
    refused(
        "rename_at",
        d::rename_at(dfd, "ro.txt", dfd, "moved.txt"),
        Errno::Rofs,
    )?;
    refused("truncate dir", d::truncate(dfd, 0), Errno::Inval)?;
    ro_intact()
}

/// The read-only mount reached by name from the writable one.
fn ro_reached_by_name() -> Check {
    refused(
        "truncate",
        d::open("/data/../ro/ro.txt", OpenFlags::WRITE | OpenFlags::TRUNCATE),
        Errno::Rofs,
    )?;
    refused(
        "create",
        d::open("/data/../ro/new.txt", OpenFlags::WRITE | OpenFlags::CREATE),
        Errno::Rofs,
    )?;
    refused(
        "unlink",
        d::unlink_at(AT_FDCWD, "/data/../ro/ro.txt"),
        Errno::Rofs,
    )?;
    ro_intact()
}

/// `..` from the read-only mount's directory descriptor does not reach
/// the writable mount's host directory beside it.
fn ro_dir_fd_dotdot() -> Check {
    let dir = dir_fd("/ro")?;
    let dfd = dir.0;
    refused(
        "open_at ../mnt/hello.txt",
        d::open_at(
            dfd,
            "../mnt/hello.txt",
            OpenFlags::WRITE | OpenFlags::TRUNCATE,
        ),
        Errno::Notcapable,
    )?;
    refused(
        "open_at ../outside",
        d::open_at(dfd, "../outside/secret.txt", R),
        Errno::Notcapable,
    )?;
    refused(
        "/ro/../data is by name",
        d::open("/ro/../outside/secret.txt", R),
        Errno::Noent,
    )
}

// ---- Names that only look like `..` ------------------------------------

/// Names that are not `..` are just names: nothing by them.
fn lookalike_dots() -> Check {
    open_refused(
        &[
            "/data/.../outside/secret.txt",
            "/data/%2e%2e/outside/secret.txt",
            "/data/..\\outside\\secret.txt",
            "/data/\u{2025}/outside/secret.txt",
            "/data/. ./outside/secret.txt",
            "/data/ ../outside/secret.txt",
        ],
        R,
        Errno::Noent,
    )
}

/// What lies inside the mount is still there after the corpus.
fn untouched_inside() -> Check {
    eq(
        "hello.txt",
        contents("/data/hello.txt")?.as_str(),
        "hello, vfd\n",
    )?;
    eq(
        "inner.txt",
        contents("/data/sub/inner.txt")?.as_str(),
        "inner\n",
    )?;
    for link in ["/data/abs-link", "/data/rel-out", "/data/dir-out"] {
        eq(
            link,
            lstat_type(link)?,
            vfd::bindings::vfd::posix::types::FileType::Symlink,
        )?;
    }
    Ok(())
}
