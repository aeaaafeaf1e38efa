//! Whole trees and whole files: `create_dir_all`, `remove_dir_all`, `copy`
//! and `exists`, answering as `mkdir -p`, `rm -r` and std's versions do on
//! Linux.
//!
//! `/data` is writable and holds `hello.txt`, `sub/inner.txt` and the
//! symlinks `dir-link` (to `sub`) and `linked/to-sub` (to `../sub`), which
//! the host test adds; `/ro` is read-only and holds `ro.txt`.

use std::io;

use vfd::fs;
use vfd_test_guests::errno::{EEXIST, ENOENT, ENOTDIR, EROFS};
use vfd_test_guests::{Check, Checks, Ctx, ensure, eq, expect_errno};

const TREE: &str = "/data/tree";

fn main() {
    let mut c = Checks::new();
    c.run("create_dir_all_makes_parents", create_dir_all_makes_parents);
    c.run("create_dir_all_relative", create_dir_all_relative);
    c.run("create_dir_all_file_in_the_way", || {
        fs::write("/data/tree/file", "x").ctx("write file")?;
        expect_errno("file", fs::create_dir_all("/data/tree/file"), EEXIST)?;
        expect_errno(
            "below file",
            fs::create_dir_all("/data/tree/file/x"),
            ENOTDIR,
        )
    });
    c.run("create_dir_all_read_only", || {
        expect_errno("/ro/new/sub", fs::create_dir_all("/ro/new/sub"), EROFS)?;
        eq(
            "/ro/new exists",
            fs::exists("/ro/new").ctx("exists")?,
            false,
        )
    });
    c.run("exists", exists);
    c.run("copy_copies_every_byte", copy_copies_every_byte);
    c.run(
        "copy_onto_itself_changes_nothing",
        copy_onto_itself_changes_nothing,
    );
    c.run("copy_refusals_create_nothing", copy_refusals_create_nothing);
    c.run("remove_dir_all_removes_the_tree", || {
        fs::remove_dir_all(TREE).ctx("remove_dir_all")?;
        eq("exists", fs::exists(TREE).ctx("exists")?, false)
    });
    c.run("remove_dir_all_does_not_follow_symlinks", || {
        fs::remove_dir_all("/data/linked").ctx("remove linked")?;
        eq(
            "linked exists",
            fs::exists("/data/linked").ctx("exists")?,
            false,
        )?;
        fs::remove_dir_all("/data/dir-link").ctx("remove dir-link")?;
        let link = fs::symlink_metadata("/data/dir-link");
        expect_errno("dir-link", link, ENOENT)?;
        let inner = fs::read_to_string("/data/sub/inner.txt").ctx("read sub/inner.txt")?;
        eq("sub/inner.txt", inner.as_str(), "inner\n")
    });
    c.run("remove_dir_all_refusals", || {
        expect_errno("/ro", fs::remove_dir_all("/ro"), EROFS)?;
        let ro = fs::read_to_string("/ro/ro.txt").ctx("read ro.txt")?;
        eq("ro.txt", ro.as_str(), "read only\n")?;
        expect_errno("file", fs::remove_dir_all("/data/hello.txt"), ENOTDIR)?;
        expect_errno("missing", fs::remove_dir_all("/data/missing"), ENOENT)
    });
    c.finish();
}

fn create_dir_all_makes_parents() -> Check {
    fs::create_dir_all("/data/tree/a/b/c").ctx("create_dir_all")?;
    for dir in [
        "/data/tree",
        "/data/tree/a",
        "/data/tree/a/b",
        "/data/tree/a/b/c",
    ] {
        ensure(dir, fs::metadata(dir).ctx(dir)?.is_dir())?;
    }
    // What exists already is no error, with or without a trailing slash.
    fs::create_dir_all("/data/tree/a/b/c").ctx("again")?;
    fs::create_dir_all("/data/tree/a/b/c/").ctx("trailing slash")?;
    fs::create_dir_all("/data").ctx("a mount's root")
}

fn create_dir_all_relative() -> Check {
    vfd::env::set_current_dir("/data/tree").ctx("chdir")?;
    let made = fs::create_dir_all("rel/x");
    vfd::env::set_current_dir("/").ctx("chdir back")?;
    made.ctx("create_dir_all rel/x")?;
    ensure(
        "rel/x",
        fs::metadata("/data/tree/rel/x").ctx("stat")?.is_dir(),
    )
}

fn exists() -> Check {
    eq("file", fs::exists("/data/hello.txt").ctx("file")?, true)?;
    eq("dir", fs::exists("/data/sub").ctx("dir")?, true)?;
    eq(
        "link to a file",
        fs::exists("/data/inner-link").ctx("link")?,
        true,
    )?;
    eq(
        "missing",
        fs::exists("/data/missing").ctx("missing")?,
        false,
    )?;
    expect_errno("below a file", fs::exists("/data/hello.txt/x"), ENOTDIR)
}

/// A pattern that no chunk boundary lines up with.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn copy_copies_every_byte() -> Check {
    // More than two of copy's chunks, and not a multiple of one.
    let bytes = pattern(300_001);
    fs::write("/data/tree/src", &bytes).ctx("write src")?;
    // A longer file in the way is replaced, not overwritten in part.
    fs::write("/data/tree/dst", pattern(400_000)).ctx("write dst")?;
    let n = fs::copy("/data/tree/src", "/data/tree/dst").ctx("copy")?;
    eq("count", n, bytes.len() as u64)?;
    ensure("dst", fs::read("/data/tree/dst").ctx("read dst")? == bytes)?;
    let n = fs::copy("/data/tree/src", "/data/tree/new").ctx("copy to new")?;
    eq("count to new", n, bytes.len() as u64)?;
    ensure("new", fs::read("/data/tree/new").ctx("read new")? == bytes)?;
    let n = fs::copy("/data/tree/file", "/data/tree/one").ctx("copy 1 byte")?;
    eq("count of 1", n, 1)
}

fn copy_onto_itself_changes_nothing() -> Check {
    for to in ["/data/tree/src", "/data/tree/a/../src"] {
        let same = fs::copy("/data/tree/src", to);
        invalid_input(to, same)?;
        let len = fs::metadata("/data/tree/src").ctx("stat src")?.len();
        eq("src length", len, 300_001)?;
    }
    Ok(())
}

fn copy_refusals_create_nothing() -> Check {
    invalid_input("from a directory", fs::copy("/data/sub", "/data/tree/x"))?;
    let missing = fs::copy("/data/tree/missing", "/data/tree/x");
    expect_errno("from a missing file", missing, ENOENT)?;
    eq("x exists", fs::exists("/data/tree/x").ctx("exists")?, false)?;
    expect_errno("into /ro", fs::copy("/data/hello.txt", "/ro/copy"), EROFS)
}

fn invalid_input<T: std::fmt::Debug>(what: &str, res: io::Result<T>) -> Check {
    match res {
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => Ok(()),
        other => Err(format!("{what}: got {other:?}, want InvalidInput")),
    }
}
