//! Errors: every descriptor call with a number that is not open, calls on
//! the wrong kind of description (access mode, directory), and the errors
//! of open and the directory calls, each the errno Linux gives.
//!
//! The bad-number checks go through the raw WIT bindings, so they test the
//! host with exactly the numbers a hostile guest could send (any `u32`);
//! the library checks go through `vfd::io` with `RawFd`s, negative ones
//! included.

use std::io::Write;

use vfd::bindings::vfd::posix::descriptors as d;
use vfd::bindings::vfd::posix::handles::File as RawHandle;
use vfd::bindings::vfd::posix::types::{Errno, FdFlags, OpenFlags, StatusFlags, Whence};
use vfd::fd::{AsRawFd, RawFd};
use vfd::fs::{self, File, OpenOptions};
use vfd::io as vio;
use vfd_test_guests::errno::{
    EBADF, EEXIST, EINVAL, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY,
};
use vfd_test_guests::{Check, Checks, Ctx, eq, expect_errno, path_of_len, raw, read_n};

/// Numbers that are never open in these checks: a closed one, the table
/// limit, the largest `fd` but one, and `u32::MAX` (the image of -1).
const BAD: [u32; 4] = [77, 1024, u32::MAX - 1, u32::MAX];

/// The unsigned image of AT_FDCWD (-100).
const AT_FDCWD: u32 = 4_294_967_196;

const SCRATCH: &str = "/data/errors-test.txt";
const SCRATCH_DIR: &str = "/data/errors-dir";

/// Require `Err(badf)` from `call` for every number in `BAD`.
fn all_badf<T: std::fmt::Debug>(call: impl Fn(u32) -> Result<T, Errno>) -> Check {
    for fd in BAD {
        match call(fd) {
            Err(Errno::Badf) => {}
            other => return Err(format!("fd {fd}: got {other:?}, want Err(Badf)")),
        }
    }
    Ok(())
}

/// Require that a raw call failed with `want`.
fn raw_errno<T: std::fmt::Debug>(what: &str, got: Result<T, Errno>, want: Errno) -> Check {
    match got {
        Err(e) if e == want => Ok(()),
        other => Err(format!("{what}: got {other:?}, want Err({want:?})")),
    }
}

/// Unwrap a raw result, naming the step.
fn raw_ok<T>(what: &str, got: Result<T, Errno>) -> Result<T, String> {
    got.map_err(|e| format!("{what}: {e:?}"))
}

fn main() {
    let mut c = Checks::new();
    c.run("setup", setup);
    // Every call of the descriptors interface, with numbers that are not open.
    c.run("badf_read", || all_badf(|fd| d::read(fd, 1)));
    c.run("badf_write", || all_badf(|fd| d::write(fd, b"x")));
    c.run("badf_pread", || all_badf(|fd| d::pread(fd, 1, 0)));
    c.run("badf_pwrite", || all_badf(|fd| d::pwrite(fd, b"x", 0)));
    c.run("badf_seek", || all_badf(|fd| d::seek(fd, 0, Whence::Cur)));
    c.run("badf_stat", || all_badf(d::stat));
    c.run("badf_truncate", || all_badf(|fd| d::truncate(fd, 0)));
    c.run("badf_sync", || all_badf(d::sync));
    c.run("badf_get_fd_flags", || all_badf(d::get_fd_flags));
    c.run("badf_set_fd_flags", || {
        all_badf(|fd| d::set_fd_flags(fd, FdFlags::CLOEXEC))
    });
    c.run("badf_get_status_flags", || all_badf(d::get_status_flags));
    c.run("badf_set_status_flags", || {
        all_badf(|fd| d::set_status_flags(fd, StatusFlags::NONBLOCK))
    });
    c.run("badf_get_access_mode", || all_badf(d::get_access_mode));
    c.run("badf_is_terminal", || all_badf(d::is_terminal));
    c.run("badf_read_dir", || all_badf(d::read_dir));
    c.run("badf_dup", || all_badf(d::dup));
    c.run("badf_dup2", || all_badf(|fd| d::dup2(fd, 5)));
    c.run("badf_dup2_same", || all_badf(|fd| d::dup2(fd, fd)));
    c.run("badf_dup3", || {
        all_badf(|fd| d::dup3(fd, 5, FdFlags::CLOEXEC))
    });
    c.run("badf_dup_min", || {
        all_badf(|fd| d::dup_min(fd, 0, FdFlags::empty()))
    });
    c.run("badf_close", || all_badf(d::close));
    c.run("badf_open_at", || {
        all_badf(|fd| d::open_at(fd, "hello.txt", OpenFlags::READ))
    });
    c.run("badf_stat_at", || {
        all_badf(|fd| d::stat_at(fd, "hello.txt", true))
    });
    c.run("badf_mkdir_at", || {
        all_badf(|fd| d::mkdir_at(fd, "errors-new"))
    });
    c.run("badf_unlink_at", || {
        all_badf(|fd| d::unlink_at(fd, "hello.txt"))
    });
    c.run("badf_remove_dir_at", || {
        all_badf(|fd| d::remove_dir_at(fd, "sub"))
    });
    c.run("badf_rename_at_old", || {
        all_badf(|fd| d::rename_at(fd, "hello.txt", AT_FDCWD, "data/errors-new"))
    });
    c.run("badf_rename_at_new", || {
        all_badf(|fd| d::rename_at(AT_FDCWD, "data/hello.txt", fd, "errors-new"))
    });
    c.run("badf_handle_wrap", || {
        all_badf(|fd| RawHandle::wrap(fd, true).map(|h| h.fd()))
    });
    c.run("badf_left_nothing_behind", badf_left_nothing_behind);
    c.run("at_absolute_ignores_dir", at_absolute_ignores_dir);
    c.run("at_fdcwd", at_fdcwd);
    // The same through the library, with RawFd numbers (negative ones too).
    c.run("lib_badf_io", lib_badf_io);
    c.run("lib_badf_fcntl", lib_badf_fcntl);
    c.run("lib_badf_raw_numbers", lib_badf_raw_numbers);
    // The wrong kind of description.
    c.run("read_write_only", read_write_only);
    c.run("write_read_only", write_read_only);
    c.run("read_directory", read_directory);
    c.run("write_directory_fd", write_directory_fd);
    c.run("open_directory_for_write", open_directory_for_write);
    c.run("truncate_read_only", truncate_read_only);
    c.run("truncate_directory", truncate_directory);
    c.run("pread_negative_offset", pread_negative_offset);
    // open and the directory calls.
    c.run("open_missing", open_missing);
    c.run("open_missing_parent", open_missing_parent);
    c.run("create_exclusive_existing", create_exclusive_existing);
    c.run("directory_flag_on_file", directory_flag_on_file);
    c.run("read_dir_on_file", read_dir_on_file);
    c.run("nofollow_symlink", nofollow_symlink);
    c.run("mkdir_existing", mkdir_existing);
    c.run("remove_dir_not_empty", remove_dir_not_empty);
    c.run("remove_dir_on_file", remove_dir_on_file);
    c.run("remove_file_on_directory", remove_file_on_directory);
    c.run("huge_read_len", huge_read_len);
    c.run("huge_pread_len", huge_pread_len);
    c.run("read_zero_len", read_zero_len);
    c.run("path_at_path_max", path_at_path_max);
    c.run(
        "path_past_the_hostcall_budget",
        path_past_the_hostcall_budget,
    );
    c.run(
        "offset_past_i64_einval_before_ebadf",
        offset_past_i64_einval_before_ebadf,
    );
    c.run("emfile_creates_nothing", emfile_creates_nothing);
    c.run("table_unchanged", table_unchanged);
    c.run("teardown", teardown);
    c.finish();
}

fn setup() -> Check {
    fs::write(SCRATCH, "scratch\n").ctx("write scratch file")
}

/// None of the failed calls above made a number or a file.
fn badf_left_nothing_behind() -> Check {
    expect_errno("errors-new", fs::metadata("/data/errors-new"), ENOENT)?;
    eq("5 is free", vfd_test_guests::is_open(5), false)?;
    let f = File::open("/data/hello.txt").ctx("open")?;
    eq("next open", f.as_raw_fd(), 3)
}

/// An `-at` call ignores `dir` when the path is absolute, even a bad one.
fn at_absolute_ignores_dir() -> Check {
    let fd = raw_ok(
        "open_at(77, /data/hello.txt)",
        d::open_at(77, "/data/hello.txt", OpenFlags::READ),
    )?;
    eq("number", fd, 3)?;
    let data = raw_ok("read", d::read(fd, 64))?;
    raw_ok("close", d::close(fd))?;
    eq("data", data.as_slice(), b"hello, vfd\n".as_slice())?;
    let st = raw_ok(
        "stat_at(77, /data/hello.txt)",
        d::stat_at(77, "/data/hello.txt", true),
    )?;
    eq("size", st.size, 11)
}

/// AT_FDCWD means the current directory (here `/`).
fn at_fdcwd() -> Check {
    let fd = raw_ok(
        "open_at(AT_FDCWD, data/hello.txt)",
        d::open_at(AT_FDCWD, "data/hello.txt", OpenFlags::READ),
    )?;
    let data = raw_ok("read", d::read(fd, 64))?;
    raw_ok("close", d::close(fd))?;
    eq("data", data.as_slice(), b"hello, vfd\n".as_slice())
}

/// The numbers the library checks use: closed, huge, negative.
const LIB_BAD: [RawFd; 4] = [77, i32::MAX, -2, -100];

/// read, write, pread, pwrite, seek and dup through `vfd::io`.
fn lib_badf_io() -> Check {
    for n in LIB_BAD {
        let fd = raw(n);
        let mut buf = [0u8; 4];
        expect_errno(&format!("read({n})"), vio::read(fd, &mut buf), EBADF)?;
        expect_errno(&format!("write({n})"), vio::write(fd, b"x"), EBADF)?;
        expect_errno(&format!("pread({n})"), vio::pread(fd, &mut buf, 0), EBADF)?;
        expect_errno(&format!("pwrite({n})"), vio::pwrite(fd, b"x", 0), EBADF)?;
        expect_errno(
            &format!("seek({n})"),
            vio::seek(fd, std::io::SeekFrom::Start(0)),
            EBADF,
        )?;
        expect_errno(&format!("dup({n})"), vio::dup(fd), EBADF)?;
    }
    Ok(())
}

/// The fcntl family and isatty through `vfd::io`.
fn lib_badf_fcntl() -> Check {
    for n in LIB_BAD {
        let fd = raw(n);
        expect_errno(&format!("getfd({n})"), vio::fcntl_getfd(fd), EBADF)?;
        expect_errno(
            &format!("setfd({n})"),
            vio::fcntl_setfd(fd, vio::FdFlags::CLOEXEC),
            EBADF,
        )?;
        expect_errno(&format!("getfl({n})"), vio::fcntl_getfl(fd), EBADF)?;
        expect_errno(
            &format!("setfl({n})"),
            vio::fcntl_setfl(fd, vio::StatusFlags::NONBLOCK),
            EBADF,
        )?;
        expect_errno(&format!("access_mode({n})"), vio::access_mode(fd), EBADF)?;
        expect_errno(&format!("dupfd({n})"), vio::fcntl_dupfd(fd, 0), EBADF)?;
        expect_errno(&format!("is_terminal({n})"), vio::is_terminal(fd), EBADF)?;
    }
    Ok(())
}

/// close, dup2 and dup3 on raw numbers, -1 included.
fn lib_badf_raw_numbers() -> Check {
    for n in [77, i32::MAX, -1, -2, -100] {
        expect_errno(&format!("close({n})"), vio::close_raw(n), EBADF)?;
        expect_errno(&format!("dup2({n}, 5)"), vio::dup2_raw(n, 5), EBADF)?;
        expect_errno(&format!("dup2({n}, {n})"), vio::dup2_raw(n, n), EBADF)?;
        expect_errno(
            &format!("dup3({n}, 5)"),
            vio::dup3_raw(n, 5, vio::FdFlags::empty()),
            EBADF,
        )?;
    }
    eq("5 is free", vfd_test_guests::is_open(5), false)
}

/// read (and pread) on a write-only description is EBADF.
fn read_write_only() -> Check {
    let f = OpenOptions::new()
        .write(true)
        .open(SCRATCH)
        .ctx("open write-only")?;
    expect_errno("read", read_n(&f, 4), EBADF)?;
    let mut buf = [0u8; 4];
    expect_errno("pread", vio::pread(&f, &mut buf, 0), EBADF)
}

/// write (and pwrite) on a read-only description is EBADF.
fn write_read_only() -> Check {
    let mut f = File::open(SCRATCH).ctx("open read-only")?;
    expect_errno("write", vio::write(&f, b"x"), EBADF)?;
    expect_errno("pwrite", vio::pwrite(&f, b"x", 0), EBADF)?;
    expect_errno("File::write", f.write(b"x"), EBADF)?;
    eq(
        "unchanged",
        fs::read(SCRATCH).ctx("read back")?,
        b"scratch\n".to_vec(),
    )
}

/// read on a directory is EISDIR.
fn read_directory() -> Check {
    let dir = File::open("/data/sub").ctx("open directory")?;
    expect_errno("read", read_n(&dir, 4), EISDIR)?;
    let mut buf = [0u8; 4];
    expect_errno("pread", vio::pread(&dir, &mut buf, 0), EISDIR)
}

/// A directory can only be open read-only, so a write through its
/// descriptor is EBADF on Linux (the access check comes first).
fn write_directory_fd() -> Check {
    let dir = File::open("/data/sub").ctx("open directory")?;
    expect_errno("write", vio::write(&dir, b"x"), EBADF)
}

/// Opening a directory for writing is EISDIR.
fn open_directory_for_write() -> Check {
    expect_errno(
        "write-only",
        OpenOptions::new().write(true).open("/data/sub"),
        EISDIR,
    )?;
    expect_errno(
        "read-write",
        OpenOptions::new().read(true).write(true).open("/data/sub"),
        EISDIR,
    )
}

/// ftruncate on a read-only description is EINVAL on Linux.
fn truncate_read_only() -> Check {
    let f = File::open(SCRATCH).ctx("open read-only")?;
    expect_errno("set_len", f.set_len(0), EINVAL)?;
    eq(
        "unchanged",
        fs::read(SCRATCH).ctx("read back")?,
        b"scratch\n".to_vec(),
    )
}

/// ftruncate on a directory is EINVAL too.
fn truncate_directory() -> Check {
    let dir = File::open("/data/sub").ctx("open directory")?;
    expect_errno("set_len", dir.set_len(0), EINVAL)
}

/// An offset above i64::MAX is a negative off_t: EINVAL.
fn pread_negative_offset() -> Check {
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(SCRATCH)
        .ctx("open")?;
    let fd = f.as_raw_fd() as u32;
    raw_errno("pread", d::pread(fd, 1, u64::MAX), Errno::Inval)?;
    raw_errno("pwrite", d::pwrite(fd, b"x", u64::MAX), Errno::Inval)?;
    raw_errno("pread 2^63", d::pread(fd, 1, 1 << 63), Errno::Inval)
}

fn open_missing() -> Check {
    expect_errno("open", File::open("/data/missing.txt"), ENOENT)
}

/// A missing directory on the way is ENOENT, even with create.
fn open_missing_parent() -> Check {
    expect_errno("open", File::open("/data/nope/x.txt"), ENOENT)?;
    expect_errno("create", File::create("/data/nope/x.txt"), ENOENT)
}

/// O_CREAT | O_EXCL on an existing file is EEXIST, and leaves it alone.
fn create_exclusive_existing() -> Check {
    let res = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(SCRATCH);
    expect_errno("create_new", res, EEXIST)?;
    eq(
        "unchanged",
        fs::read(SCRATCH).ctx("read back")?,
        b"scratch\n".to_vec(),
    )
}

/// O_DIRECTORY on a regular file is ENOTDIR.
fn directory_flag_on_file() -> Check {
    let res = OpenOptions::new()
        .read(true)
        .directory(true)
        .open("/data/hello.txt");
    expect_errno("open", res, ENOTDIR)
}

/// Listing a regular file is ENOTDIR.
fn read_dir_on_file() -> Check {
    let f = File::open("/data/hello.txt").ctx("open")?;
    raw_errno("read_dir", d::read_dir(f.as_raw_fd() as u32), Errno::Notdir)?;
    expect_errno(
        "fs::read_dir",
        fs::read_dir("/data/hello.txt").map(|_| ()),
        ENOTDIR,
    )
}

/// O_NOFOLLOW on a symlink is ELOOP, even one that stays inside.
fn nofollow_symlink() -> Check {
    let res = OpenOptions::new()
        .read(true)
        .nofollow(true)
        .open("/data/inner-link");
    expect_errno("open", res, ELOOP)?;
    let f = OpenOptions::new()
        .read(true)
        .nofollow(true)
        .open("/data/hello.txt")
        .ctx("nofollow on a file")?;
    eq("number", f.as_raw_fd(), 3)
}

fn mkdir_existing() -> Check {
    expect_errno("mkdir /data/sub", fs::create_dir("/data/sub"), EEXIST)?;
    expect_errno("mkdir on a file", fs::create_dir("/data/hello.txt"), EEXIST)
}

fn remove_dir_not_empty() -> Check {
    fs::create_dir(SCRATCH_DIR).ctx("mkdir")?;
    fs::write(format!("{SCRATCH_DIR}/f"), "x").ctx("write")?;
    expect_errno("rmdir", fs::remove_dir(SCRATCH_DIR), ENOTEMPTY)?;
    fs::remove_file(format!("{SCRATCH_DIR}/f")).ctx("unlink")?;
    fs::remove_dir(SCRATCH_DIR).ctx("rmdir empty")
}

/// rmdir on a file is ENOTDIR.
fn remove_dir_on_file() -> Check {
    expect_errno("rmdir", fs::remove_dir(SCRATCH), ENOTDIR)
}

/// unlink on a directory is EISDIR on Linux (POSIX allows EPERM).
fn remove_file_on_directory() -> Check {
    expect_errno("unlink", fs::remove_file("/data/sub"), EISDIR)
}

/// A read of u32::MAX bytes returns what the file holds and does not fail
/// (the host caps the length; it never allocates what was asked).
fn huge_read_len() -> Check {
    let f = File::open("/data/hello.txt").ctx("open")?;
    let fd = f.as_raw_fd() as u32;
    let data = raw_ok("read u32::MAX", d::read(fd, u32::MAX))?;
    eq("data", data.as_slice(), b"hello, vfd\n".as_slice())?;
    let again = raw_ok("read at end", d::read(fd, u32::MAX))?;
    eq("at end", again.len(), 0)
}

fn huge_pread_len() -> Check {
    let f = File::open("/data/hello.txt").ctx("open")?;
    let fd = f.as_raw_fd() as u32;
    let data = raw_ok("pread u32::MAX", d::pread(fd, u32::MAX, 7))?;
    eq("data", data.as_slice(), b"vfd\n".as_slice())
}

/// After all these failures the table is as a fresh guest's: 3 is next.
fn table_unchanged() -> Check {
    let f = File::open("/data/hello.txt").ctx("open")?;
    eq("number", f.as_raw_fd(), 3)?;
    eq("4 is free", vfd_test_guests::is_open(4), false)
}

fn teardown() -> Check {
    fs::remove_file(SCRATCH).ctx("remove scratch file")
}

/// A read of 0 bytes returns nothing and moves nothing (and is checked by
/// the kernel like any read).
fn read_zero_len() -> Check {
    let f = File::open("/data/hello.txt").ctx("open")?;
    let fd = f.as_raw_fd() as u32;
    eq("read 0", d::read(fd, 0), Ok(Vec::new()))?;
    eq("pread 0", d::pread(fd, 0, 3), Ok(Vec::new()))?;
    eq("offset", d::seek(fd, 0, Whence::Cur), Ok(0))?;
    let dir = File::open("/data/sub").ctx("open dir")?;
    eq(
        "read 0 on a directory",
        d::read(dir.as_raw_fd() as u32, 0),
        Err(Errno::Isdir),
    )
}

/// Linux checks an offset or length past i64::MAX before the descriptor.
fn offset_past_i64_einval_before_ebadf() -> Check {
    eq("pread", d::pread(77, 1, u64::MAX), Err(Errno::Inval))?;
    eq("pwrite", d::pwrite(77, b"x", 1 << 63), Err(Errno::Inval))?;
    eq("truncate", d::truncate(77, u64::MAX), Err(Errno::Inval))
}

/// With the table full, `open(O_CREAT)` is EMFILE and creates nothing, and
/// `open(O_TRUNC)` truncates nothing: Linux takes the number first.
fn emfile_creates_nothing() -> Check {
    let keep = File::open("/data/hello.txt").ctx("open")?;
    let mut fill = Vec::new();
    while let Ok(n) = vio::dup_raw(keep.as_raw_fd()) {
        fill.push(n);
    }
    let create = OpenFlags::WRITE | OpenFlags::CREATE;
    let created = d::open("/data/emfile-new.txt", create);
    let truncated = d::open("/data/hello.txt", OpenFlags::WRITE | OpenFlags::TRUNCATE);
    for n in fill {
        vio::close_raw(n).ctx("close a filler")?;
    }
    eq("open(O_CREAT)", created, Err(Errno::Mfile))?;
    eq("open(O_TRUNC)", truncated, Err(Errno::Mfile))?;
    eq(
        "nothing created",
        d::stat_at(0, "/data/emfile-new.txt", true).map(drop),
        Err(Errno::Noent),
    )?;
    eq(
        "nothing truncated",
        fs::read_to_string("/data/hello.txt").ctx("read")?,
        "hello, vfd\n".to_owned(),
    )
}

/// Linux's PATH_MAX counts the NUL: 4095 bytes are looked up (and `a` is
/// missing), 4096 are ENAMETOOLONG.
fn path_at_path_max() -> Check {
    expect_errno("4095 bytes", File::open(path_of_len(4095)), ENOENT)?;
    expect_errno("4096 bytes", File::open(path_of_len(4096)), ENAMETOOLONG)
}

/// A path larger than what wasmtime lets one host call take from the guest
/// (128 MiB by default) is ENAMETOOLONG, as any path past PATH_MAX, for
/// every call that takes one: never a trap. With a NUL byte in it, EINVAL,
/// as the host answers a shorter one.
fn path_past_the_hostcall_budget() -> Check {
    let huge = path_of_len((128 << 20) + 1);
    expect_errno("open", File::open(&huge), ENAMETOOLONG)?;
    expect_errno("metadata", fs::metadata(&huge), ENAMETOOLONG)?;
    expect_errno("create_dir", fs::create_dir(&huge), ENAMETOOLONG)?;
    expect_errno("rename", fs::rename(&huge, "/data/x"), ENAMETOOLONG)?;
    expect_errno("chdir", vfd::env::set_current_dir(&huge), ENAMETOOLONG)?;
    let mut with_nul = huge;
    with_nul.replace_range(6..7, "\0");
    expect_errno("open with NUL", File::open(&with_nul), EINVAL)
}
