//! Two guests in one host, connected by a host pipe: `cat FILE | upper`.
//!
//! Usage: `two-guest-pipeline <cat.wasm> <upper.wasm> <host-dir> <file-in-dir>`.
//! The host makes one pipe, gives its write end to the first guest as fd 1
//! and its read end to the second as fd 0 (both owned by the guests), and
//! runs each guest on its own thread. The kernel does the buffering and the
//! blocking; the reader sees end of file when the writer's instance ends
//! and its fd 1 is released.

use anyhow::{Result, bail};
use vfd_host::{MountPerms, VfdCtx};
use wasmtime::component::Component;
use wasmtime_wasi::WasiCtx;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cat, upper, dir, file] = args.as_slice() else {
        bail!("usage: two-guest-pipeline <cat.wasm> <upper.wasm> <host-dir> <file-in-dir>");
    };
    let engine = vfd_host::engine()?;
    let load = |path: &str| {
        Component::from_file(&engine, path)
            .map_err(|e| anyhow::Error::from(e).context(format!("cannot load {path}")))
    };
    let (cat, upper) = (load(cat)?, load(upper)?);

    let (read_end, write_end) = vfd_host::pipe()?;
    let writer = VfdCtx::builder()
        .mount(dir, "/data", MountPerms::ReadOnly)?
        .stdout(write_end)
        .build()?;
    let reader = VfdCtx::builder().stdin(read_end).build()?;

    let guest_file = format!("/data/{file}");
    let cat_wasi = WasiCtx::builder()
        .inherit_stderr()
        .args(&["cat", &guest_file])
        .build();
    let upper_wasi = WasiCtx::builder().inherit_stderr().args(&["upper"]).build();
    let (first, second) = std::thread::scope(|s| {
        let first = s.spawn(|| vfd_host::run_command(&engine, &cat, cat_wasi, writer));
        let second = s.spawn(|| vfd_host::run_command(&engine, &upper, upper_wasi, reader));
        (first.join(), second.join())
    });
    let (first, second) = (first.expect("cat thread")?, second.expect("upper thread")?);
    if first != 0 || second != 0 {
        bail!("the pipeline failed: cat exited {first}, upper exited {second}");
    }
    Ok(())
}
