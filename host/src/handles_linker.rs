//! The `handles` interface added to a `Linker` by hand.
//!
//! For the reason [`descriptors_linker`](crate::descriptors_linker) gives:
//! `[method]file.write` takes the list as a [`WasmList`] and hands the
//! kernel the guest's own memory, where `bindgen!` would copy it into a
//! `Vec` first. The resource and every other function are the generated
//! [`HostFile`] ones, wired as `bindgen!` wires them.

use crate::VfdView;
use crate::bindings::Whence;
use crate::bindings::vfd::posix::handles::HostFile;
use crate::descriptors_linker::write_in_place;
use crate::handles::Handle;
use crate::linker::wire;
use crate::trace::Args;
use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, Resource, ResourceType, WasmList};

/// The instance name the guest imports.
const INTERFACE: &str = "vfd:posix/handles@0.1.0";

/// Add `vfd:posix/handles` to `linker`.
pub(crate) fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    let mut inst = linker.instance(INTERFACE)?;
    inst.resource(
        "file",
        ResourceType::host::<Handle>(),
        |mut store: StoreContextMut<'_, T>, rep| {
            HostFile::drop(store.data_mut().vfd(), Resource::new_own(rep))
        },
    )?;

    // One generated `HostFile` method, as `bindgen!` would wire it.
    macro_rules! host {
        ($($method:tt)*) => {
            wire!(inst, HostFile, $($method)*)
        };
    }

    host!("[static]file.wrap", wrap(fd: u32, closefd: bool));
    host!("[method]file.fd", fd(file: Resource<Handle>));
    host!("[method]file.owns-fd", owns_fd(file: Resource<Handle>));
    host!(restart "[method]file.read", read(file: Resource<Handle>, len: u32));
    host!(
        "[method]file.seek",
        seek(file: Resource<Handle>, offset: i64, whence: Whence)
    );
    host!("[method]file.detach", detach(file: Resource<Handle>));

    inst.func_wrap(
        "[method]file.write",
        |store: StoreContextMut<'_, T>, (file, data): (Resource<Handle>, WasmList<u8>)| {
            let rep = file.rep();
            let traced = |args: &mut Args, bytes: &[u8]| {
                args.push("file", &Resource::<Handle>::new_borrow(rep));
                args.push_data(bytes);
                args.push("len", &bytes.len());
            };
            write_in_place(store, "[method]file.write", data, traced, |vfd| {
                vfd.pending_handle_write(&file)
            })
        },
    )?;
    Ok(())
}
