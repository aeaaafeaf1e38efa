//! A read-only mount answers as a read-only bind mount does on Linux: each
//! call first resolves its path and reports what it finds (a missing
//! parent, a name that exists, a directory, a trailing slash...) and only
//! then `EROFS`, and nothing under the mount ever changes.
//!
//! `/ro` is read-only and holds `ro.txt`; `/data` is writable. The raw WIT
//! bindings give the exact errno of each call.

use vfd::bindings::vfd::posix::descriptors as d;
use vfd::bindings::vfd::posix::types::{AccessMode, Errno, OpenFlags};
use vfd_test_guests::{Check, Checks, eq};

/// The unsigned image of AT_FDCWD (-100).
const AT_FDCWD: u32 = 4_294_967_196;

const RO_TEXT: &[u8] = b"read only\n";

const R: OpenFlags = OpenFlags::READ;
const W: OpenFlags = OpenFlags::WRITE;
const C: OpenFlags = OpenFlags::CREATE;
const X: OpenFlags = OpenFlags::EXCLUSIVE;
const T: OpenFlags = OpenFlags::TRUNCATE;

/// Require that a raw call failed with `want`.
fn raw_errno<T: std::fmt::Debug>(what: &str, got: Result<T, Errno>, want: Errno) -> Check {
    match got {
        Err(e) if e == want => Ok(()),
        // A descriptor opened by mistake is closed by the harness.
        Ok(v) => Err(format!("{what}: got Ok({v:?}), want Err({want:?})")),
        Err(e) => Err(format!("{what}: got Err({e:?}), want Err({want:?})")),
    }
}

/// Require that opening `path` with each of `flags` fails with `want`.
fn open_fails(path: &str, flags: &[OpenFlags], want: Errno) -> Check {
    for &f in flags {
        raw_errno(&format!("open {path} {f:?}"), d::open(path, f), want)?;
    }
    Ok(())
}

/// A descriptor for the root of the read-only mount, closed when dropped.
struct RoDir(u32);

impl RoDir {
    fn open() -> Result<RoDir, String> {
        d::open("/ro", R | OpenFlags::DIRECTORY)
            .map(RoDir)
            .map_err(|e| format!("open /ro: {e:?}"))
    }
}

impl Drop for RoDir {
    fn drop(&mut self) {
        let _ = d::close(self.0);
    }
}

fn main() {
    let mut c = Checks::new();
    c.run("open_write_erofs", || {
        open_fails(
            "/ro/ro.txt",
            &[W, R | W, W | OpenFlags::APPEND],
            Errno::Rofs,
        )
    });
    c.run("truncate_erofs", || {
        open_fails("/ro/ro.txt", &[R | T, W | T, R | C | T], Errno::Rofs)
    });
    c.run(
        "create_existing_opens_read_only",
        create_existing_opens_read_only,
    );
    c.run("create_exclusive_existing_eexist", || {
        open_fails("/ro/ro.txt", &[R | C | X, W | C | X], Errno::Exist)
    });
    c.run("create_missing_erofs", || {
        open_fails(
            "/ro/new",
            &[R | C, W | C, W | C | X, W | C | T],
            Errno::Rofs,
        )?;
        raw_errno(
            "stat new",
            d::stat_at(AT_FDCWD, "/ro/new", false),
            Errno::Noent,
        )
    });
    c.run("create_missing_parent", || {
        open_fails("/ro/nodir/new", &[R | C, W | C | X], Errno::Noent)?;
        open_fails("/ro/ro.txt/new", &[R | C, W | C | X], Errno::Notdir)
    });
    c.run("open_missing_enoent", || {
        open_fails("/ro/missing", &[W, R | T, W | T], Errno::Noent)
    });
    c.run("directory_flag_on_file_enotdir", || {
        open_fails("/ro/ro.txt", &[W | OpenFlags::DIRECTORY], Errno::Notdir)
    });
    c.run("directory_for_write_eisdir", || {
        open_fails("/ro", &[W, R | W, R | T, R | C], Errno::Isdir)?;
        open_fails("/ro", &[R | C | X], Errno::Exist)
    });
    c.run("trailing_slash_create_eisdir", || {
        open_fails("/ro/ro.txt/", &[R | C, W | C | X], Errno::Isdir)?;
        open_fails("/ro/new/", &[R | C, W | C | X], Errno::Isdir)?;
        open_fails("/ro/ro.txt/", &[W, R | T], Errno::Notdir)
    });
    c.run("unlink", unlink);
    c.run("remove_dir", remove_dir);
    c.run("mkdir", mkdir);
    c.run("rename", rename);
    c.run("ro_unchanged", ro_unchanged);
    c.run("rw_mount_unaffected", rw_mount_unaffected);
    c.finish();
}

/// `O_CREAT` without write access on a file that exists opens it, read-only,
/// as Linux does.
fn create_existing_opens_read_only() -> Check {
    for flags in [C, R | C, R | C | OpenFlags::APPEND] {
        let fd = d::open("/ro/ro.txt", flags).map_err(|e| format!("open {flags:?}: {e:?}"))?;
        let mode = d::get_access_mode(fd);
        let data = d::read(fd, 64);
        let _ = d::close(fd);
        eq("access mode", mode, Ok(AccessMode::ReadOnly))?;
        eq("content", data.as_deref(), Ok(RO_TEXT))?;
    }
    Ok(())
}

/// unlink is `EROFS` once the parent exists, whether the name does or not.
fn unlink() -> Check {
    let cases = [
        ("/ro/ro.txt", Errno::Rofs),
        ("/ro/missing", Errno::Rofs),
        ("/ro/nodir/x", Errno::Noent),
        ("/ro/ro.txt/x", Errno::Notdir),
    ];
    for (path, want) in cases {
        raw_errno(path, d::unlink_at(AT_FDCWD, path), want)?;
    }
    let ro = RoDir::open()?;
    raw_errno(".", d::unlink_at(ro.0, "."), Errno::Isdir)
}

/// rmdir is `EROFS` once the parent exists; `.` and `..` are checked first.
fn remove_dir() -> Check {
    let cases = [
        ("/ro/missing", Errno::Rofs),
        ("/ro/ro.txt", Errno::Rofs),
        ("/ro/nodir/x", Errno::Noent),
        ("/ro/ro.txt/x", Errno::Notdir),
    ];
    for (path, want) in cases {
        raw_errno(path, d::remove_dir_at(AT_FDCWD, path), want)?;
    }
    let ro = RoDir::open()?;
    raw_errno(".", d::remove_dir_at(ro.0, "."), Errno::Inval)?;
    raw_errno("..", d::remove_dir_at(ro.0, ".."), Errno::Notempty)
}

/// mkdir is `EEXIST` for a name that exists, `ENOENT` under a missing
/// parent, else `EROFS`.
fn mkdir() -> Check {
    let cases = [
        ("/ro/ro.txt", Errno::Exist),
        ("/ro/ro.txt/", Errno::Exist),
        ("/ro/newdir", Errno::Rofs),
        ("/ro/newdir/", Errno::Rofs),
        ("/ro/nodir/x", Errno::Noent),
        ("/ro/ro.txt/x", Errno::Notdir),
    ];
    for (path, want) in cases {
        raw_errno(path, d::mkdir_at(AT_FDCWD, path), want)?;
    }
    let ro = RoDir::open()?;
    raw_errno(".", d::mkdir_at(ro.0, "."), Errno::Exist)
}

/// rename is `EROFS` once both parents exist, whether the name does or not.
fn rename() -> Check {
    let cases = [
        ("/ro/ro.txt", "/ro/moved.txt", Errno::Rofs),
        ("/ro/missing", "/ro/moved.txt", Errno::Rofs),
        ("/ro/nodir/x", "/ro/moved.txt", Errno::Noent),
        ("/ro/ro.txt", "/ro/nodir/x", Errno::Noent),
        ("/ro/ro.txt/x", "/ro/moved.txt", Errno::Notdir),
    ];
    for (from, to, want) in cases {
        raw_errno(
            &format!("{from} -> {to}"),
            d::rename_at(AT_FDCWD, from, AT_FDCWD, to),
            want,
        )?;
    }
    let ro = RoDir::open()?;
    raw_errno(". -> x", d::rename_at(ro.0, ".", ro.0, "x"), Errno::Busy)?;
    raw_errno(
        "ro.txt -> .",
        d::rename_at(ro.0, "ro.txt", ro.0, "."),
        Errno::Busy,
    )
}

/// After all of the above, `/ro` holds what it held.
fn ro_unchanged() -> Check {
    let ro = RoDir::open()?;
    let names: Vec<String> = d::read_dir(ro.0)
        .map_err(|e| format!("read_dir: {e:?}"))?
        .into_iter()
        .map(|e| e.name)
        .collect();
    eq("entries", names.as_slice(), &["ro.txt".to_owned()][..])?;
    let fd = d::open("/ro/ro.txt", R).map_err(|e| format!("open: {e:?}"))?;
    let data = d::read(fd, 64);
    let _ = d::close(fd);
    eq("content", data.as_deref(), Ok(RO_TEXT))
}

/// The writable mount changes as asked, and reports what the host reports.
fn rw_mount_unaffected() -> Check {
    raw_errno(
        "unlink",
        d::unlink_at(AT_FDCWD, "/data/missing"),
        Errno::Noent,
    )?;
    raw_errno(
        "rmdir",
        d::remove_dir_at(AT_FDCWD, "/data/missing"),
        Errno::Noent,
    )?;
    let made = d::mkdir_at(AT_FDCWD, "/data/rofs-dir");
    let removed = d::remove_dir_at(AT_FDCWD, "/data/rofs-dir");
    eq("mkdir", made, Ok(()))?;
    eq("rmdir", removed, Ok(()))?;
    let fd = d::open("/data/rofs.txt", W | C | X).map_err(|e| format!("create: {e:?}"))?;
    let mode = d::get_access_mode(fd);
    let _ = d::close(fd);
    let removed = d::unlink_at(AT_FDCWD, "/data/rofs.txt");
    eq("access mode", mode, Ok(AccessMode::WriteOnly))?;
    eq("unlink", removed, Ok(()))
}
