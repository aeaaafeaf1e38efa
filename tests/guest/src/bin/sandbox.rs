//! Hostile paths: `..`, symlinks that lead out, loops, unmounted paths, NUL
//! bytes, long names, read-only mounts, renames across mounts, and the
//! current directory.
//!
//! An absolute path walks the mount points by name, as Linux does: `..`
//! above a mount point goes to its parent in the guest's namespace, so
//! `/data/../data/hello.txt` is `/data/hello.txt`, and
//! `/data/../outside/secret.txt` is `/outside/secret.txt`, which no mount
//! provides: ENOENT, as on Linux. Inside a mount the host resolves with
//! cap-std, which refuses a `..` that would climb out of the mount (or out
//! of the directory descriptor of an `-at` call) and a symlink that leads
//! out with ENOTCAPABLE, where Linux would have followed them.

use std::io::Read;

use vfd::bindings::vfd::posix::descriptors as d;
use vfd::bindings::vfd::posix::types::{Errno, OpenFlags};
use vfd::env;
use vfd::fd::AsRawFd;
use vfd::fs::{self, File, OpenOptions};
use vfd_test_guests::errno::{
    EINVAL, ELOOP, ENAMETOOLONG, ENOENT, ENOTCAPABLE, ENOTDIR, EROFS, EXDEV,
};
use vfd_test_guests::{Check, Checks, Ctx, ensure, eq, expect_errno};

const HELLO: &str = "hello, vfd\n";

/// Read a whole file as a string.
fn read(path: &str) -> Result<String, String> {
    fs::read_to_string(path).ctx(path)
}

/// Require that a raw call failed with `want`.
fn raw_errno<T: std::fmt::Debug>(what: &str, got: Result<T, Errno>, want: Errno) -> Check {
    match got {
        Err(e) if e == want => Ok(()),
        // A descriptor opened by mistake is closed by the harness.
        Ok(v) => Err(format!("{what}: got Ok({v:?}), want Err({want:?})")),
        Err(e) => Err(format!("{what}: got Err({e:?}), want Err({want:?})")),
    }
}

fn main() {
    let mut c = Checks::new();
    c.run("dotdot_reenter", || {
        eq("content", read("/data/../data/hello.txt")?.as_str(), HELLO)
    });
    c.run("dotdot_inside", || {
        eq("content", read("/data/sub/../hello.txt")?.as_str(), HELLO)
    });
    c.run("dotdot_above_root", || {
        eq("content", read("/../../data/hello.txt")?.as_str(), HELLO)
    });
    c.run("dot_components", || {
        eq(
            "content",
            read("/data/./sub/./inner.txt")?.as_str(),
            "inner\n",
        )
    });
    c.run("dotdot_escape", dotdot_escape);
    c.run("dotdot_at_mount_point", dotdot_at_mount_point);
    c.run("no_mount", no_mount);
    c.run("abs_symlink_refused", abs_symlink_refused);
    c.run("rel_symlink_out_refused", rel_symlink_out_refused);
    c.run("escaping_symlink_lstat", escaping_symlink_lstat);
    c.run("symlink_loop", symlink_loop);
    c.run("symlink_inside", || {
        eq("content", read("/data/inner-link")?.as_str(), "inner\n")
    });
    c.run("nul_in_path", nul_in_path);
    c.run("name_too_long", name_too_long);
    c.run("path_too_long", path_too_long);
    c.run("openat_file_as_dir", openat_file_as_dir);
    c.run("openat_inside", openat_inside);
    c.run("openat_dotdot_escape", openat_dotdot_escape);
    c.run("openat_symlink_out", openat_symlink_out);
    c.run("trailing_slash_file", trailing_slash_file);
    c.run("trailing_slash_dir", trailing_slash_dir);
    c.run("rename_cross_mount", rename_cross_mount);
    c.run("rename_within", rename_within);
    c.run("ro_read", || {
        eq("content", read("/ro/ro.txt")?.as_str(), "read only\n")
    });
    c.run("ro_open_write", ro_open_write);
    c.run("ro_open_truncate", ro_open_truncate);
    c.run("ro_create", ro_create);
    c.run("ro_mkdir", ro_mkdir);
    c.run("ro_unlink", ro_unlink);
    c.run("ro_rename", ro_rename);
    c.run("chdir_and_relative_open", chdir_and_relative_open);
    c.run("chdir_dotdot", chdir_dotdot);
    c.run("chdir_file", chdir_file);
    c.run("chdir_missing", chdir_missing);
    c.run("chdir_root", chdir_root);
    c.finish();
}

/// `..` that climbs out of a mount from inside it is refused.
fn dotdot_escape() -> Check {
    expect_errno(
        "/data/sub/../../outside/secret.txt",
        File::open("/data/sub/../../outside/secret.txt"),
        ENOTCAPABLE,
    )?;
    expect_errno(
        "/data/sub/../../../outside/secret.txt",
        File::open("/data/sub/../../../outside/secret.txt"),
        ENOTCAPABLE,
    )
}

/// `..` at the mount point itself leaves it by name, into a directory no
/// mount provides.
fn dotdot_at_mount_point() -> Check {
    expect_errno(
        "/data/../outside/secret.txt",
        File::open("/data/../outside/secret.txt"),
        ENOENT,
    )
}

/// A path under no mount does not exist for the guest.
fn no_mount() -> Check {
    expect_errno("/etc/passwd", File::open("/etc/passwd"), ENOENT)?;
    expect_errno(
        "/outside/secret.txt",
        File::open("/outside/secret.txt"),
        ENOENT,
    )
}

/// A symlink to an absolute host path is refused, not followed.
fn abs_symlink_refused() -> Check {
    expect_errno("open", File::open("/data/abs-link"), ENOTCAPABLE)?;
    expect_errno("stat", fs::metadata("/data/abs-link"), ENOTCAPABLE)
}

/// A relative symlink whose `..` leaves the mount is refused.
fn rel_symlink_out_refused() -> Check {
    expect_errno("open", File::open("/data/rel-out"), ENOTCAPABLE)?;
    expect_errno(
        "open for write",
        OpenOptions::new().write(true).open("/data/rel-out"),
        ENOTCAPABLE,
    )
}

/// lstat of an escaping symlink is fine: it does not follow it.
fn escaping_symlink_lstat() -> Check {
    let m = fs::symlink_metadata("/data/abs-link").ctx("lstat abs-link")?;
    ensure("abs-link is a symlink", m.file_type().is_symlink())?;
    let m = fs::symlink_metadata("/data/rel-out").ctx("lstat rel-out")?;
    ensure("rel-out is a symlink", m.file_type().is_symlink())
}

fn symlink_loop() -> Check {
    expect_errno("open loop-a", File::open("/data/loop-a"), ELOOP)?;
    expect_errno("stat loop-b", fs::metadata("/data/loop-b"), ELOOP)
}

/// A NUL byte cannot be part of a path.
fn nul_in_path() -> Check {
    // The raw call sends the NUL to the host, which must refuse it.
    raw_errno(
        "raw open",
        d::open("/data/hello.txt\0/x", OpenFlags::READ),
        Errno::Inval,
    )?;
    // The library may refuse it itself (as std does, with InvalidInput).
    match File::open("/data/hello.txt\0") {
        Err(e) if e.raw_os_error() == Some(EINVAL) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Ok(()),
        other => Err(format!("File::open: got {other:?}, want EINVAL")),
    }
}

/// A component longer than NAME_MAX (255) is ENAMETOOLONG; 255 is allowed.
fn name_too_long() -> Check {
    let long = format!("/data/{}", "a".repeat(256));
    expect_errno("256-byte name", File::open(&long), ENAMETOOLONG)?;
    let max = format!("/data/{}", "a".repeat(255));
    expect_errno("255-byte name", File::open(&max), ENOENT)?;
    let huge = format!("/data/{}", "a".repeat(5000));
    expect_errno("5000-byte name", File::open(&huge), ENAMETOOLONG)
}

/// A path of PATH_MAX (4096) bytes or more is ENAMETOOLONG, even when every
/// component is short.
fn path_too_long() -> Check {
    let path = format!("/data{}", "/a".repeat(2500));
    expect_errno("5005-byte path", File::open(&path), ENAMETOOLONG)
}

/// open-at through a regular file's descriptor is ENOTDIR.
fn openat_file_as_dir() -> Check {
    let f = File::open("/data/hello.txt").ctx("open")?;
    let fd = f.as_raw_fd() as u32;
    raw_errno(
        "open_at",
        d::open_at(fd, "x", OpenFlags::READ),
        Errno::Notdir,
    )?;
    raw_errno("stat_at", d::stat_at(fd, "x", true), Errno::Notdir)
}

/// open-at below a directory descriptor, `..` that stays inside included.
fn openat_inside() -> Check {
    let dir = OpenOptions::new()
        .read(true)
        .directory(true)
        .open("/data")
        .ctx("open /data")?;
    let dfd = dir.as_raw_fd() as u32;
    for path in ["sub/inner.txt", "sub/../sub/inner.txt", "inner-link"] {
        let fd = d::open_at(dfd, path, OpenFlags::READ).map_err(|e| format!("{path}: {e:?}"))?;
        let data = d::read(fd, 64).map_err(|e| format!("read {path}: {e:?}"));
        let _ = d::close(fd);
        eq(path, data?.as_slice(), b"inner\n".as_slice())?;
    }
    Ok(())
}

/// open-at with a `..` that leaves the mount is refused by cap-std.
fn openat_dotdot_escape() -> Check {
    let dir = OpenOptions::new()
        .read(true)
        .directory(true)
        .open("/data")
        .ctx("open /data")?;
    let dfd = dir.as_raw_fd() as u32;
    raw_errno(
        "open_at ../outside/secret.txt",
        d::open_at(dfd, "../outside/secret.txt", OpenFlags::READ),
        Errno::Notcapable,
    )?;
    raw_errno(
        "stat_at ../outside/secret.txt",
        d::stat_at(dfd, "../outside/secret.txt", true),
        Errno::Notcapable,
    )?;
    raw_errno(
        "mkdir_at ../escaped",
        d::mkdir_at(dfd, "../escaped"),
        Errno::Notcapable,
    )
}

/// open-at through an escaping symlink is refused.
fn openat_symlink_out() -> Check {
    let dir = File::open("/data").ctx("open /data")?;
    let dfd = dir.as_raw_fd() as u32;
    raw_errno(
        "open_at abs-link",
        d::open_at(dfd, "abs-link", OpenFlags::READ),
        Errno::Notcapable,
    )?;
    raw_errno(
        "open_at rel-out",
        d::open_at(dfd, "rel-out", OpenFlags::READ),
        Errno::Notcapable,
    )
}

/// A trailing slash asks for a directory: on a file it is ENOTDIR.
fn trailing_slash_file() -> Check {
    expect_errno("open", File::open("/data/hello.txt/"), ENOTDIR)?;
    expect_errno("stat", fs::metadata("/data/hello.txt/"), ENOTDIR)
}

/// A trailing slash on a directory is fine.
fn trailing_slash_dir() -> Check {
    let m = fs::metadata("/data/sub/").ctx("stat /data/sub/")?;
    ensure("is a directory", m.is_dir())
}

/// rename between two mounts is EXDEV, and moves nothing.
fn rename_cross_mount() -> Check {
    expect_errno("rename", fs::rename("/data/hello.txt", "/ro/x"), EXDEV)?;
    eq("still there", read("/data/hello.txt")?.as_str(), HELLO)
}

/// rename inside a mount works.
fn rename_within() -> Check {
    fs::write("/data/sandbox-a.txt", "moved\n").ctx("write")?;
    fs::rename("/data/sandbox-a.txt", "/data/sub/sandbox-b.txt").ctx("rename")?;
    expect_errno("old name", fs::metadata("/data/sandbox-a.txt"), ENOENT)?;
    eq(
        "new name",
        read("/data/sub/sandbox-b.txt")?.as_str(),
        "moved\n",
    )?;
    fs::remove_file("/data/sub/sandbox-b.txt").ctx("remove")
}

fn ro_open_write() -> Check {
    expect_errno(
        "write-only",
        OpenOptions::new().write(true).open("/ro/ro.txt"),
        EROFS,
    )?;
    expect_errno(
        "append",
        OpenOptions::new().append(true).open("/ro/ro.txt"),
        EROFS,
    )
}

/// O_TRUNC needs write access to the mount, even with O_RDONLY.
fn ro_open_truncate() -> Check {
    expect_errno(
        "write + truncate",
        OpenOptions::new()
            .write(true)
            .truncate(true)
            .open("/ro/ro.txt"),
        EROFS,
    )?;
    raw_errno(
        "O_RDONLY | O_TRUNC",
        d::open("/ro/ro.txt", OpenFlags::READ | OpenFlags::TRUNCATE),
        Errno::Rofs,
    )?;
    eq("unchanged", read("/ro/ro.txt")?.as_str(), "read only\n")
}

fn ro_create() -> Check {
    expect_errno("create", File::create("/ro/new"), EROFS)?;
    expect_errno(
        "create_new",
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open("/ro/new"),
        EROFS,
    )?;
    expect_errno("not created", fs::metadata("/ro/new"), ENOENT)
}

fn ro_mkdir() -> Check {
    expect_errno("mkdir", fs::create_dir("/ro/newdir"), EROFS)
}

fn ro_unlink() -> Check {
    expect_errno("unlink", fs::remove_file("/ro/ro.txt"), EROFS)?;
    eq("still there", read("/ro/ro.txt")?.as_str(), "read only\n")
}

fn ro_rename() -> Check {
    expect_errno("rename", fs::rename("/ro/ro.txt", "/ro/moved.txt"), EROFS)
}

/// chdir sets where relative paths start; getcwd gives the guest path.
fn chdir_and_relative_open() -> Check {
    env::set_current_dir("/data/sub").ctx("chdir /data/sub")?;
    let cwd = env::current_dir().ctx("getcwd")?;
    eq("cwd", cwd.to_str(), Some("/data/sub"))?;
    let mut f = File::open("inner.txt").ctx("open inner.txt")?;
    let mut s = String::new();
    f.read_to_string(&mut s).ctx("read")?;
    eq("inner.txt", s.as_str(), "inner\n")?;
    eq("../hello.txt", read("../hello.txt")?.as_str(), HELLO)
}

/// A relative chdir to `..` (from /data/sub) and back.
fn chdir_dotdot() -> Check {
    env::set_current_dir("..").ctx("chdir ..")?;
    eq(
        "cwd",
        env::current_dir().ctx("getcwd")?.to_str(),
        Some("/data"),
    )?;
    eq("hello.txt", read("hello.txt")?.as_str(), HELLO)?;
    env::set_current_dir("sub").ctx("chdir sub")?;
    eq(
        "cwd",
        env::current_dir().ctx("getcwd")?.to_str(),
        Some("/data/sub"),
    )
}

/// chdir to a file is ENOTDIR and leaves the current directory alone.
fn chdir_file() -> Check {
    expect_errno("chdir", env::set_current_dir("/data/hello.txt"), ENOTDIR)?;
    eq(
        "cwd",
        env::current_dir().ctx("getcwd")?.to_str(),
        Some("/data/sub"),
    )
}

fn chdir_missing() -> Check {
    expect_errno("chdir", env::set_current_dir("/data/nope"), ENOENT)?;
    eq(
        "cwd",
        env::current_dir().ctx("getcwd")?.to_str(),
        Some("/data/sub"),
    )
}

fn chdir_root() -> Check {
    env::set_current_dir("/").ctx("chdir /")?;
    eq("cwd", env::current_dir().ctx("getcwd")?.to_str(), Some("/"))?;
    eq("data/hello.txt", read("data/hello.txt")?.as_str(), HELLO)
}
