//! A guest driven by its arguments, for the host-side tests of `vfd run`
//! flags, limits and dev mode. Each argument is one step:
//!
//! - `cat-fd:N`: copy descriptor N to fd 1 until end of file;
//! - `write-fd:N:TEXT`: write TEXT and a newline to descriptor N;
//! - `open:PATH`: open PATH read-only, print its number, leave it open;
//! - `close:N`: close N, print `close N: ok` or the errno name;
//! - `fill:PATH`: open PATH until the table is full, print how many opened
//!   and the error that stopped it, then close them all;
//! - `stale:PATH`: make an owning wrapper go stale (close and reuse its
//!   number) and drop it;
//! - `exit:N`: exit with status N at once;
//! - `panic`: panic (the guest traps);
//! - `spin`: loop for ever without a call (for time and fuel limits);
//! - `grow:MIB`: reserve MIB mebibytes, print `grow MIB: ok` or
//!   `grow MIB: out of memory` (for memory limits);
//! - `hog`: allocate 1 MiB blocks and keep them, without end (the
//!   allocator aborts when memory cannot grow).

use std::io::Read;
use vfd::fd::{FromRawFd, IntoRawFd, RawFd};
use vfd::fs::File;
use vfd_test_guests::errno;

fn errname(e: &std::io::Error) -> &'static str {
    e.raw_os_error().map(errno::name).unwrap_or("?")
}

fn fd_arg(s: &str) -> RawFd {
    s.parse().expect("a descriptor number")
}

fn main() {
    for step in std::env::args().skip(1) {
        let (verb, arg) = step.split_once(':').unwrap_or((&step, ""));
        match verb {
            "cat-fd" => {
                // SAFETY: the host handed this number in; we own it from here.
                let mut f = unsafe { File::from_raw_fd(fd_arg(arg)) };
                let mut text = String::new();
                match f.read_to_string(&mut text) {
                    Ok(_) => vfd::print!("{text}"),
                    Err(e) => vfd::println!("cat-fd {arg}: {}", errname(&e)),
                }
            }
            "write-fd" => {
                let (n, text) = arg.split_once(':').expect("write-fd:N:TEXT");
                let line = format!("{text}\n");
                if let Err(e) = vfd::io::write_all(
                    unsafe { vfd::fd::BorrowedFd::borrow_raw(fd_arg(n)) },
                    line.as_bytes(),
                ) {
                    vfd::println!("write-fd {n}: {}", errname(&e));
                }
            }
            "open" => match File::open(arg) {
                Ok(f) => vfd::println!("open {arg}: fd {}", f.into_raw_fd()),
                Err(e) => vfd::println!("open {arg}: {}", errname(&e)),
            },
            "close" => match vfd::io::close_raw(fd_arg(arg)) {
                Ok(()) => vfd::println!("close {arg}: ok"),
                Err(e) => vfd::println!("close {arg}: {}", errname(&e)),
            },
            "fill" => {
                let mut files = Vec::new();
                let err = loop {
                    match File::open(arg) {
                        Ok(f) => files.push(f),
                        Err(e) => break e,
                    }
                };
                vfd::println!("fill: opened {}, then {}", files.len(), errname(&err));
            }
            "stale" => {
                let f = File::open(arg).expect("open for stale");
                let n = f.into_raw_fd();
                let handle = vfd::handles::Handle::wrap(n, true).expect("wrap");
                vfd::io::close_raw(n).expect("close behind the handle");
                let again = File::open(arg).expect("reopen").into_raw_fd();
                drop(handle);
                let alive =
                    vfd::io::fcntl_getfd(unsafe { vfd::fd::BorrowedFd::borrow_raw(again) }).is_ok();
                vfd::println!(
                    "stale: fd {n} reused as {again}, still open after the drop: {alive}"
                );
            }
            "exit" => std::process::exit(arg.parse().expect("an exit status")),
            "panic" => panic!("the probe was asked to panic"),
            "spin" => {
                let mut n = 0u64;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            "hog" => {
                let mut kept: Vec<Vec<u8>> = Vec::new();
                loop {
                    kept.push(std::hint::black_box(vec![1u8; 1 << 20]));
                }
            }
            "grow" => {
                let mib: usize = arg.parse().expect("grow:MIB");
                let mut block: Vec<u8> = Vec::new();
                match block.try_reserve_exact(mib << 20) {
                    Ok(()) => vfd::println!("grow {mib}: ok"),
                    Err(_) => vfd::println!("grow {mib}: out of memory"),
                }
            }
            other => panic!("unknown probe step {other:?}"),
        }
    }
}
