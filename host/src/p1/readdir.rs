//! `fd_readdir`: a directory's entries as preview 1 lays them out, `.` and
//! `..` first, each entry's cookie its position (the next one's index).
//!
//! A buffer filled to the last byte means there may be more, and its last
//! entry may be cut short; the guest's libc reads again from the last
//! whole entry's cookie with a bigger buffer. Each call lists the
//! directory afresh, as `seekdir` to a cookie would.

use super::functions;
use super::rights::filetype;
use crate::VfdView;
use crate::descriptors::retry;
use cap_std::fs::FileTypeExt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::DirEntryExt;
use wasmtime::Linker;

/// An entry's header: `d_next`, `d_ino`, `d_namlen`, `d_type`, padding.
const DIRENT_SIZE: usize = 24;

struct Entry {
    name: Vec<u8>,
    ino: u64,
    file_type: u8,
}

pub(super) fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    functions! { linker,
        "fd_readdir" => |mem, data, fd: u32, buf: u32, buf_len: u32, cookie: u64, out: u32| {
            mem.check(out, 4)?;
            let dest = mem.bytes_mut(buf, buf_len)?;
            let d = data.vfd().desc(fd)?;
            let dir = d.object.as_dir()?;
            let own = retry(|| rustix::fs::fstat(d))?.st_ino;
            // `..` has no inode here: wasi-libc leaves it so, as the parent
            // of a mount's root is not the guest's to look at.
            let mut entries = vec![
                Entry { name: b".".to_vec(), ino: own, file_type: filetype::DIRECTORY },
                Entry { name: b"..".to_vec(), ino: 0, file_type: filetype::DIRECTORY },
            ];
            for entry in dir.dir.entries()? {
                let entry = entry?;
                let file_type = entry.file_type().map(|t| file_type_of(&t)).unwrap_or(filetype::UNKNOWN);
                entries.push(Entry {
                    name: entry.file_name().as_bytes().to_vec(),
                    ino: entry.ino(),
                    file_type,
                });
            }
            let used = encode(&entries, cookie, dest);
            mem.put_u32(out, used as u32)
        };
    }
    Ok(())
}

/// Writes the entries from index `cookie` on into `dest`, cutting the last
/// one short if it does not fit; returns the bytes written.
fn encode(entries: &[Entry], cookie: u64, dest: &mut [u8]) -> usize {
    let mut at = 0;
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, e) in entries.iter().enumerate().skip(start) {
        let mut header = [0u8; DIRENT_SIZE];
        header[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        header[8..16].copy_from_slice(&e.ino.to_le_bytes());
        header[16..20].copy_from_slice(&(e.name.len() as u32).to_le_bytes());
        header[20] = e.file_type;
        for part in [&header[..], &e.name[..]] {
            let n = part.len().min(dest.len() - at);
            dest[at..at + n].copy_from_slice(&part[..n]);
            at += n;
            if at == dest.len() {
                return at;
            }
        }
    }
    at
}

/// Preview 1's file type of a host file type (a FIFO is `unknown`).
pub(super) fn file_type_of(t: &cap_std::fs::FileType) -> u8 {
    if t.is_dir() {
        filetype::DIRECTORY
    } else if t.is_file() {
        filetype::REGULAR_FILE
    } else if t.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if t.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if t.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if t.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}
