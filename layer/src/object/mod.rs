//! The objects an open description refers to, in the wasm build: WASI
//! resources where the runtime has them (files, directories, stdio,
//! network sockets), and in-memory pipes and socket pairs where WASI 0.2
//! has none.

mod dir;
mod file;
pub mod pipe;
pub mod socket;
mod stdio;
mod stream;

pub use dir::{Directory, new_timestamps};
pub use file::File;
pub use pipe::{End, PipeEnd, SocketEnd};
pub use socket::NetSocket;
pub use stdio::StdioStream;

use crate::bindings::{Errno, FileStat, FileType, Timestamp};
use crate::errno;
use wasip2::filesystem::types::{Descriptor, DescriptorStat, DescriptorType};

/// What an open description refers to.
#[derive(Debug)]
pub enum Object {
    /// A file opened through a preopen.
    File(File),
    /// A directory opened through a preopen.
    Dir(Directory),
    /// One of the runtime's standard streams.
    Stdio(StdioStream),
    /// One end of a pipe the guest made.
    Pipe(PipeEnd),
    /// One end of a socket pair the guest made.
    SocketPair(SocketEnd),
    /// A TCP or UDP socket over wasi:sockets.
    Socket(NetSocket),
}

impl Object {
    /// Whether its mount lets the guest change it: false for a file or
    /// directory under a read-only preopen (even one opened for reading),
    /// whose times cannot change, as under a read-only bind mount.
    pub fn on_writable_mount(&self) -> bool {
        match self {
            Object::File(f) => f.on_writable_mount(),
            Object::Dir(d) => d.writable,
            _ => true,
        }
    }

    /// Whether the object has an offset (`seek`, `pread` and `pwrite`
    /// work): files and directories do, streams, pipes and sockets not.
    pub fn seekable(&self) -> bool {
        matches!(self, Object::File(_) | Object::Dir(_))
    }

    /// The directory, if this is one (for the `-at` calls and readdir);
    /// `notdir` if it is not.
    pub fn as_dir(&self) -> Result<&Directory, Errno> {
        match self {
            Object::Dir(d) => Ok(d),
            Object::File(f) => f.as_dir()?.ok_or(Errno::Notdir),
            _ => Err(Errno::Notdir),
        }
    }
}

/// The WIT file type of a wasi:filesystem descriptor type.
pub fn file_type_of(t: DescriptorType) -> FileType {
    match t {
        DescriptorType::RegularFile => FileType::RegularFile,
        DescriptorType::Directory => FileType::Directory,
        DescriptorType::SymbolicLink => FileType::Symlink,
        DescriptorType::Fifo => FileType::Pipe,
        DescriptorType::Socket => FileType::SocketStream,
        DescriptorType::CharacterDevice => FileType::CharacterDevice,
        DescriptorType::BlockDevice => FileType::BlockDevice,
        DescriptorType::Unknown => FileType::Unknown,
    }
}

fn timestamp(t: Option<wasip2::clocks::wall_clock::Datetime>) -> Timestamp {
    match t {
        Some(t) => Timestamp {
            seconds: i64::try_from(t.seconds).unwrap_or(i64::MAX),
            nanoseconds: t.nanoseconds.min(999_999_999),
        },
        None => Timestamp {
            seconds: 0,
            nanoseconds: 0,
        },
    }
}

/// The guest's stat of a wasi:filesystem stat. wasi:filesystem has no
/// inode number; its `metadata-hash` (the same for two descriptors of one
/// file, different for different files) stands in for it.
pub fn stat_of(s: &DescriptorStat, inode: u64) -> FileStat {
    FileStat {
        file_type: file_type_of(s.type_),
        size: s.size,
        inode,
        link_count: s.link_count,
        access_time: timestamp(s.data_access_timestamp),
        modify_time: timestamp(s.data_modification_timestamp),
        change_time: timestamp(s.status_change_timestamp),
    }
}

/// fstat(2) of a wasi:filesystem descriptor.
pub fn fs_stat(fd: &Descriptor) -> Result<FileStat, Errno> {
    let stat = fd.stat().map_err(errno::fs)?;
    let hash = fd.metadata_hash().map_err(errno::fs)?;
    Ok(stat_of(&stat, hash.lower))
}

/// The stat of an object that lives in the layer (a pipe, a socket): only
/// its type and a number unique to it, as Linux reports for pipefs and
/// sockfs inodes (size 0, one link).
pub fn memory_stat(file_type: FileType, inode: u64) -> FileStat {
    let zero = Timestamp {
        seconds: 0,
        nanoseconds: 0,
    };
    FileStat {
        file_type,
        size: 0,
        inode,
        link_count: 1,
        access_time: zero,
        modify_time: zero,
        change_time: zero,
    }
}
