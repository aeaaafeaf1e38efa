//! The guest library against a faulty host: one whose `read` answers with
//! more bytes than were asked. vfd-host never does, but another host of the
//! `vfd:posix` interface might, and the guest must then neither write past
//! its buffer nor leak the answer it cannot take.

use crate::harness::{Fixture, component, engine, read_all};
use vfd_host::CommandCtx;
use vfd_host::bindings::Errno;
use wasmtime::Store;
use wasmtime::component::{Linker, ResourceTable};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{I32Exit, WasiCtx};

/// How many bytes more than asked the faulty `read` answers with.
const EXTRA: u32 = 5;

#[test]
fn a_longer_read_answer_is_cut_to_the_buffer_and_freed() {
    let fixture = Fixture::new();
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let vfd = fixture.vfd(&out, &err).build().unwrap();
    let wasi = WasiCtx::builder()
        .args(&["reads", "faulty-host"])
        .inherit_stderr()
        .build();

    let mut linker = Linker::<CommandCtx>::new(engine());
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).unwrap();
    vfd_host::add_to_linker(&mut linker).unwrap();
    // vfd's `read`, replaced by the faulty one.
    linker.allow_shadowing(true);
    linker
        .instance("vfd:posix/descriptors@0.1.0")
        .unwrap()
        .func_wrap("read", |_, (_fd, len): (u32, u32)| {
            let answer: Vec<u8> = (0..len + EXTRA).map(|i| i as u8).collect();
            Ok((Ok::<_, Errno>(answer),))
        })
        .unwrap();

    let data = CommandCtx {
        wasi,
        table: ResourceTable::new(),
        vfd,
    };
    let mut store = Store::new(engine(), data);
    let command = Command::instantiate(&mut store, &component("reads"), &linker).unwrap();
    // The checks end with `exit`, which wasmtime-wasi reports as an error.
    let status = match command.wasi_cli_run().call_run(&mut store) {
        Ok(result) => i32::from(result.is_err()),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => exit.0,
            None => panic!("the guest trapped: {e:?}"),
        },
    };
    drop(store);
    assert_eq!(
        read_all(out),
        "ok longer_answers_are_cut_and_freed\n",
        "stderr: {}",
        read_all(err)
    );
    assert_eq!(status, 0, "the guest's exit status");
}
