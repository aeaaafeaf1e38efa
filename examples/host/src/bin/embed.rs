//! Embedding vfd in a host application, next to wasmtime-wasi.
//!
//! Usage: `embed <command-component.wasm>`, e.g. the `cat`
//! example guest. The host builds a guest table by hand: a scratch
//! directory mounted read-write at `/data`, another read-only at
//! `/assets`, the host's stdout lent as fd 1, and a limit of 64
//! descriptors; then it runs the guest as a wasi:cli command, with
//! `cat /data/notes.txt /assets/motd.txt` as its arguments.

use anyhow::{Result, bail};
use std::os::fd::AsFd;
use vfd_host::{MountPerms, VfdCtx, VfdView};
use wasmtime::Store;
use wasmtime::component::{Linker, ResourceTable};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// The store's data: wasmtime-wasi's context and vfd's, side by side.
struct Host {
    wasi: WasiCtx,
    table: ResourceTable,
    vfd: VfdCtx,
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl VfdView for Host {
    fn vfd(&mut self) -> &mut VfdCtx {
        &mut self.vfd
    }
}

fn main() -> Result<()> {
    let Some(wasm) = std::env::args().nth(1) else {
        bail!("usage: embed <command-component.wasm>");
    };
    let scratch = std::env::temp_dir().join(format!("vfd-embed-{}", std::process::id()));
    let (data, assets) = (scratch.join("data"), scratch.join("assets"));
    std::fs::create_dir_all(&data)?;
    std::fs::create_dir_all(&assets)?;
    std::fs::write(
        data.join("notes.txt"),
        "notes kept on the host, read by the guest\n",
    )?;
    std::fs::write(
        assets.join("motd.txt"),
        "and a file from a read-only mount\n",
    )?;

    // The guest's table: mounts, and the host's stdout lent (not given) as
    // fd 1, so the guest closing its fd 1 would leave ours open.
    let vfd = VfdCtx::builder()
        .mount(&data, "/data", MountPerms::ReadWrite)?
        .mount(&assets, "/assets", MountPerms::ReadOnly)?
        .stdout_borrowed(std::io::stdout().as_fd())?
        .max_fds(64)
        .build()?;
    let wasi = WasiCtx::builder()
        .inherit_stdio()
        .args(&["cat", "/data/notes.txt", "/assets/motd.txt"])
        .build();

    let engine = vfd_host::engine()?;
    let mut linker = Linker::<Host>::new(&engine);
    // wasmtime-wasi and vfd, the guest's std output on vfd's fds 1 and 2.
    vfd_host::add_to_linker_with_wasi(&mut linker)?;

    // Like `Component::from_file`, but the compiler's threads are gone
    // before the guest runs, so its system calls take Linux's
    // single-threaded fast path.
    let component = vfd_host::compile::from_file(&engine, &wasm)
        .map_err(|e| anyhow::Error::from(e).context(format!("cannot load {wasm}")))?;
    let mut store = Store::new(
        &engine,
        Host {
            wasi,
            table: ResourceTable::new(),
            vfd,
        },
    );
    let command = Command::instantiate(&mut store, &component, &linker)?;
    let outcome = command.wasi_cli_run().call_run(&mut store)?;
    drop(store);
    std::fs::remove_dir_all(&scratch).ok();
    if outcome.is_err() {
        bail!("the guest failed");
    }
    Ok(())
}
