//! `wasi:filesystem/types` and `wasi:filesystem/preopens` as the guest
//! sees them: the runtime's, forwarded call for call, like WASI-Virt's
//! passthrough.
//!
//! The layer serves the guest's `wasi:io/streams`, and a component has
//! one of them: a file's `read-via-stream` must hand the guest one of the
//! layer's streams, so the interface that makes them must be the layer's
//! too. Nothing else changes: every call goes to the runtime's same
//! function, its answer comes back as it is, and a stream it returns is
//! wrapped as the layer's runtime stream ([`Input::Runtime`],
//! [`Output::Runtime`]). Errors and datetimes are the runtime's own types
//! on both sides; the other types are the same WIT types generated twice,
//! converted by the helpers below.

use super::streams::{Input, Output};
use crate::Layer;
use crate::bindings::exports::wasi::filesystem::preopens;
use crate::bindings::exports::wasi::filesystem::types::{
    self, Advice, Descriptor, DescriptorBorrow, DescriptorFlags, DescriptorStat, DescriptorType,
    DirectoryEntry, DirectoryEntryStream, ErrorCode, Filesize, GuestDescriptor,
    GuestDirectoryEntryStream, MetadataHashValue, NewTimestamp, OpenFlags, PathFlags,
};
use crate::bindings::exports::wasi::io::streams::{InputStream, OutputStream};
use wasip2::filesystem::types as runtime;
use wasip2::io::error::Error;

/// The guest's descriptor: one of the runtime's, owned (dropping the
/// guest's handle drops the runtime's).
#[derive(Debug)]
pub struct FsDescriptor(runtime::Descriptor);

/// The guest's directory listing: one of the runtime's, owned.
#[derive(Debug)]
pub struct FsDirectoryEntryStream(runtime::DirectoryEntryStream);

/// A function converting between two enums with the same variants (the
/// runtime's and the guest's copy of one WIT enum), each name listed
/// once. The `match` is exhaustive on purpose: a variant new to either
/// side fails to compile instead of being mapped to something else.
macro_rules! same_variants {
    (
        $(#[$doc:meta])*
        fn $name:ident($from:ident::$from_ty:ident) -> $to:ident::$to_ty:ident {
            $($variant:ident),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        fn $name(value: $from::$from_ty) -> $to::$to_ty {
            match value {
                $($from::$from_ty::$variant => $to::$to_ty::$variant,)+
            }
        }
    };
}

same_variants! {
    /// A runtime error code as the guest's.
    fn error(runtime::ErrorCode) -> types::ErrorCode {
        Access, WouldBlock, Already, BadDescriptor, Busy, Deadlock, Quota, Exist,
        FileTooLarge, IllegalByteSequence, InProgress, Interrupted, Invalid, Io,
        IsDirectory, Loop, TooManyLinks, MessageSize, NameTooLong, NoDevice, NoEntry,
        NoLock, InsufficientMemory, InsufficientSpace, NotDirectory, NotEmpty,
        NotRecoverable, Unsupported, NoTty, NoSuchDevice, Overflow, NotPermitted, Pipe,
        ReadOnly, InvalidSeek, TextFileBusy, CrossDevice,
    }
}

same_variants! {
    /// A runtime descriptor type as the guest's.
    fn descriptor_type(runtime::DescriptorType) -> types::DescriptorType {
        Unknown, BlockDevice, CharacterDevice, Directory, Fifo, SymbolicLink, RegularFile,
        Socket,
    }
}

same_variants! {
    /// The guest's advice as the runtime's.
    fn advice(types::Advice) -> runtime::Advice {
        Normal, Sequential, Random, WillNeed, DontNeed, NoReuse,
    }
}

/// The guest's descriptor flags as the runtime's: both are the bits of
/// the same WIT `flags`, in the same order.
fn descriptor_flags(f: DescriptorFlags) -> runtime::DescriptorFlags {
    runtime::DescriptorFlags::from_bits_retain(f.bits())
}

/// The runtime's descriptor flags as the guest's (`get-flags`).
fn guest_descriptor_flags(f: runtime::DescriptorFlags) -> DescriptorFlags {
    DescriptorFlags::from_bits_retain(f.bits())
}

/// The guest's path flags as the runtime's.
fn path_flags(f: PathFlags) -> runtime::PathFlags {
    runtime::PathFlags::from_bits_retain(f.bits())
}

/// The guest's open flags as the runtime's.
fn open_flags(f: OpenFlags) -> runtime::OpenFlags {
    runtime::OpenFlags::from_bits_retain(f.bits())
}

/// The guest's new timestamp as the runtime's (a datetime is the same
/// type on both sides).
fn new_timestamp(t: NewTimestamp) -> runtime::NewTimestamp {
    match t {
        NewTimestamp::NoChange => runtime::NewTimestamp::NoChange,
        NewTimestamp::Now => runtime::NewTimestamp::Now,
        NewTimestamp::Timestamp(d) => runtime::NewTimestamp::Timestamp(d),
    }
}

/// A runtime stat as the guest's.
fn stat(s: runtime::DescriptorStat) -> DescriptorStat {
    DescriptorStat {
        type_: descriptor_type(s.type_),
        link_count: s.link_count,
        size: s.size,
        data_access_timestamp: s.data_access_timestamp,
        data_modification_timestamp: s.data_modification_timestamp,
        status_change_timestamp: s.status_change_timestamp,
    }
}

/// A runtime directory entry as the guest's.
fn entry(e: runtime::DirectoryEntry) -> DirectoryEntry {
    DirectoryEntry {
        type_: descriptor_type(e.type_),
        name: e.name,
    }
}

/// A runtime metadata hash as the guest's.
fn metadata_hash(h: runtime::MetadataHashValue) -> MetadataHashValue {
    MetadataHashValue {
        lower: h.lower,
        upper: h.upper,
    }
}

/// A runtime descriptor as a guest handle.
fn descriptor(d: runtime::Descriptor) -> Descriptor {
    Descriptor::new(FsDescriptor(d))
}

/// The runtime descriptor behind a guest borrow (every guest descriptor
/// is an [`FsDescriptor`]).
fn borrowed(d: DescriptorBorrow<'_>) -> &runtime::Descriptor {
    &d.get::<FsDescriptor>().0
}

impl types::Guest for Layer {
    type Descriptor = FsDescriptor;
    type DirectoryEntryStream = FsDirectoryEntryStream;

    fn filesystem_error_code(err: &Error) -> Option<ErrorCode> {
        runtime::filesystem_error_code(err).map(error)
    }
}

impl preopens::Guest for Layer {
    fn get_directories() -> Vec<(Descriptor, String)> {
        wasip2::filesystem::preopens::get_directories()
            .into_iter()
            .map(|(d, name)| (descriptor(d), name))
            .collect()
    }
}

impl GuestDescriptor for FsDescriptor {
    fn read_via_stream(&self, offset: Filesize) -> Result<InputStream, ErrorCode> {
        self.0
            .read_via_stream(offset)
            .map(|s| InputStream::new(Input::Runtime(s)))
            .map_err(error)
    }

    fn write_via_stream(&self, offset: Filesize) -> Result<OutputStream, ErrorCode> {
        self.0
            .write_via_stream(offset)
            .map(|s| OutputStream::new(Output::Runtime(s)))
            .map_err(error)
    }

    fn append_via_stream(&self) -> Result<OutputStream, ErrorCode> {
        self.0
            .append_via_stream()
            .map(|s| OutputStream::new(Output::Runtime(s)))
            .map_err(error)
    }

    fn advise(&self, offset: Filesize, length: Filesize, hint: Advice) -> Result<(), ErrorCode> {
        self.0.advise(offset, length, advice(hint)).map_err(error)
    }

    fn sync_data(&self) -> Result<(), ErrorCode> {
        self.0.sync_data().map_err(error)
    }

    fn get_flags(&self) -> Result<DescriptorFlags, ErrorCode> {
        self.0
            .get_flags()
            .map(guest_descriptor_flags)
            .map_err(error)
    }

    fn get_type(&self) -> Result<DescriptorType, ErrorCode> {
        self.0.get_type().map(descriptor_type).map_err(error)
    }

    fn set_size(&self, size: Filesize) -> Result<(), ErrorCode> {
        self.0.set_size(size).map_err(error)
    }

    fn set_times(
        &self,
        data_access_timestamp: NewTimestamp,
        data_modification_timestamp: NewTimestamp,
    ) -> Result<(), ErrorCode> {
        self.0
            .set_times(
                new_timestamp(data_access_timestamp),
                new_timestamp(data_modification_timestamp),
            )
            .map_err(error)
    }

    fn read(&self, length: Filesize, offset: Filesize) -> Result<(Vec<u8>, bool), ErrorCode> {
        self.0.read(length, offset).map_err(error)
    }

    fn write(&self, buffer: Vec<u8>, offset: Filesize) -> Result<Filesize, ErrorCode> {
        self.0.write(&buffer, offset).map_err(error)
    }

    fn read_directory(&self) -> Result<DirectoryEntryStream, ErrorCode> {
        self.0
            .read_directory()
            .map(|s| DirectoryEntryStream::new(FsDirectoryEntryStream(s)))
            .map_err(error)
    }

    fn sync(&self) -> Result<(), ErrorCode> {
        self.0.sync().map_err(error)
    }

    fn create_directory_at(&self, path: String) -> Result<(), ErrorCode> {
        self.0.create_directory_at(&path).map_err(error)
    }

    fn stat(&self) -> Result<DescriptorStat, ErrorCode> {
        self.0.stat().map(stat).map_err(error)
    }

    fn stat_at(&self, flags: PathFlags, path: String) -> Result<DescriptorStat, ErrorCode> {
        self.0
            .stat_at(path_flags(flags), &path)
            .map(stat)
            .map_err(error)
    }

    fn set_times_at(
        &self,
        flags: PathFlags,
        path: String,
        data_access_timestamp: NewTimestamp,
        data_modification_timestamp: NewTimestamp,
    ) -> Result<(), ErrorCode> {
        self.0
            .set_times_at(
                path_flags(flags),
                &path,
                new_timestamp(data_access_timestamp),
                new_timestamp(data_modification_timestamp),
            )
            .map_err(error)
    }

    fn link_at(
        &self,
        old_path_flags: PathFlags,
        old_path: String,
        new_descriptor: DescriptorBorrow<'_>,
        new_path: String,
    ) -> Result<(), ErrorCode> {
        self.0
            .link_at(
                path_flags(old_path_flags),
                &old_path,
                borrowed(new_descriptor),
                &new_path,
            )
            .map_err(error)
    }

    fn open_at(
        &self,
        flags: PathFlags,
        path: String,
        open: OpenFlags,
        mode: DescriptorFlags,
    ) -> Result<Descriptor, ErrorCode> {
        self.0
            .open_at(
                path_flags(flags),
                &path,
                open_flags(open),
                descriptor_flags(mode),
            )
            .map(descriptor)
            .map_err(error)
    }

    fn readlink_at(&self, path: String) -> Result<String, ErrorCode> {
        self.0.readlink_at(&path).map_err(error)
    }

    fn remove_directory_at(&self, path: String) -> Result<(), ErrorCode> {
        self.0.remove_directory_at(&path).map_err(error)
    }

    fn rename_at(
        &self,
        old_path: String,
        new_descriptor: DescriptorBorrow<'_>,
        new_path: String,
    ) -> Result<(), ErrorCode> {
        self.0
            .rename_at(&old_path, borrowed(new_descriptor), &new_path)
            .map_err(error)
    }

    fn symlink_at(&self, old_path: String, new_path: String) -> Result<(), ErrorCode> {
        self.0.symlink_at(&old_path, &new_path).map_err(error)
    }

    fn unlink_file_at(&self, path: String) -> Result<(), ErrorCode> {
        self.0.unlink_file_at(&path).map_err(error)
    }

    fn is_same_object(&self, other: DescriptorBorrow<'_>) -> bool {
        self.0.is_same_object(borrowed(other))
    }

    fn metadata_hash(&self) -> Result<MetadataHashValue, ErrorCode> {
        self.0.metadata_hash().map(metadata_hash).map_err(error)
    }

    fn metadata_hash_at(
        &self,
        flags: PathFlags,
        path: String,
    ) -> Result<MetadataHashValue, ErrorCode> {
        self.0
            .metadata_hash_at(path_flags(flags), &path)
            .map(metadata_hash)
            .map_err(error)
    }
}

impl GuestDirectoryEntryStream for FsDirectoryEntryStream {
    fn read_directory_entry(&self) -> Result<Option<DirectoryEntry>, ErrorCode> {
        self.0
            .read_directory_entry()
            .map(|e| e.map(entry))
            .map_err(error)
    }
}
