//! The directory tree each side starts from, and what is in it afterwards.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::os::fd::AsRawFd;
use std::path::Path;
use tempfile::TempDir;

/// A fresh temporary tree:
/// ```text
/// a        "hello, differential world\n"
/// b        (empty)
/// sub/     directory
/// sub/y    "0123456789"
/// link  -> a
/// dlink -> sub
/// dangle -> gone    (dangling)
/// ```
pub fn new_tree() -> TempDir {
    let t = tempfile::tempdir().expect("temporary directory");
    let p = t.path();
    fs::write(p.join("a"), "hello, differential world\n").unwrap();
    fs::write(p.join("b"), "").unwrap();
    fs::create_dir(p.join("sub")).unwrap();
    fs::write(p.join("sub/y"), "0123456789").unwrap();
    std::os::unix::fs::symlink("a", p.join("link")).unwrap();
    std::os::unix::fs::symlink("sub", p.join("dlink")).unwrap();
    std::os::unix::fs::symlink("gone", p.join("dangle")).unwrap();
    t
}

/// One entry of a tree, as compared.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    Dir(BTreeMap<String, Entry>),
    Symlink(String),
    /// A file: its size and its non-zero bytes, as runs with their offsets
    /// (a sparse file of terabytes is read by its data extents only, and
    /// how the filesystem happened to allocate them does not matter).
    File {
        size: u64,
        runs: Vec<(u64, Vec<u8>)>,
    },
    Other,
}

/// What is under `root` now.
pub fn snapshot(root: &Path) -> Entry {
    let mut entries = BTreeMap::new();
    for e in fs::read_dir(root).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let t = e.file_type().unwrap();
        let entry = if t.is_dir() {
            snapshot(&e.path())
        } else if t.is_symlink() {
            let target = fs::read_link(e.path()).unwrap();
            Entry::Symlink(target.to_string_lossy().into_owned())
        } else if t.is_file() {
            file(&e.path())
        } else {
            Entry::Other
        };
        entries.insert(name, entry);
    }
    Entry::Dir(entries)
}

fn file(path: &Path) -> Entry {
    let mut f = fs::File::open(path).unwrap();
    let size = f.metadata().unwrap().len();
    let mut runs: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut pos = 0u64;
    while pos < size {
        // SAFETY: lseek on a descriptor we own.
        let data = unsafe { libc::lseek(f.as_raw_fd(), pos as i64, libc::SEEK_DATA) };
        if data < 0 {
            break; // ENXIO: only a hole is left
        }
        let hole = unsafe { libc::lseek(f.as_raw_fd(), data, libc::SEEK_HOLE) };
        let end = (hole.max(data) as u64).min(size);
        f.seek(SeekFrom::Start(data as u64)).unwrap();
        let mut bytes = vec![0; (end - data as u64) as usize];
        f.read_exact(&mut bytes).unwrap();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == 0 {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i] != 0 {
                i += 1;
            }
            let at = data as u64 + start as u64;
            match runs.last_mut() {
                Some((o, run)) if *o + run.len() as u64 == at => {
                    run.extend_from_slice(&bytes[start..i])
                }
                _ => runs.push((at, bytes[start..i].to_vec())),
            }
        }
        pos = end;
    }
    Entry::File { size, runs }
}
