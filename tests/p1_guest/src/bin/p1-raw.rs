//! Preview 1 called directly, with the arguments a buggy or hostile
//! program can send: pointers and lengths outside memory, bad `whence`,
//! too many iovecs, strings that are not UTF-8, numbers that are not open.
//! Each line is `call: result`, the errno number preview 1 returns (0 for
//! success), so the test can compare the whole output with what vfd
//! promises: an errno for every one, never a trap.
//!
//! Run with /data mounted (preopened at 3) holding `hello.txt`.

#[cfg(target_os = "wasi")]
fn main() {
    raw::run();
}

#[cfg(not(target_os = "wasi"))]
fn main() {
    eprintln!("p1-raw calls WASI preview 1 itself: build it for wasm32-wasip1");
    std::process::exit(2);
}

#[cfg(target_os = "wasi")]
mod raw {
    #[repr(C)]
    struct Iovec {
        buf: u32,
        len: u32,
    }

    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    unsafe extern "C" {
        fn fd_write(fd: u32, iovs: u32, count: u32, out: u32) -> i32;
        fn fd_read(fd: u32, iovs: u32, count: u32, out: u32) -> i32;
        fn fd_seek(fd: u32, offset: i64, whence: u32, out: u32) -> i32;
        fn fd_close(fd: u32) -> i32;
        fn fd_renumber(fd: u32, to: u32) -> i32;
        fn fd_prestat_get(fd: u32, out: u32) -> i32;
        fn fd_prestat_dir_name(fd: u32, buf: u32, len: u32) -> i32;
        fn fd_fdstat_get(fd: u32, out: u32) -> i32;
        fn path_open(
            fd: u32,
            lookup: u32,
            path: u32,
            len: u32,
            oflags: u32,
            base: u64,
            inheriting: u64,
            fdflags: u32,
            out: u32,
        ) -> i32;
        fn args_sizes_get(count: u32, size: u32) -> i32;
        fn random_get(buf: u32, len: u32) -> i32;
        fn path_readlink(fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, out: u32) -> i32;
        fn poll_oneoff(subs: u32, events: u32, count: u32, out: u32) -> i32;
    }

    /// Far outside any memory a small program grows to.
    const OUTSIDE: u32 = 0xFFFF_FF00;
    const FD_READ: u64 = 1 << 1;

    fn ptr<T>(value: &T) -> u32 {
        value as *const T as u32
    }

    /// Where a call writes a result.
    fn ptr_mut<T>(value: &mut T) -> u32 {
        value as *mut T as u32
    }

    fn line(call: &str, result: i32) {
        println!("{call}: {result}");
    }

    fn open(path: &str) -> (i32, u32) {
        let mut fd = u32::MAX;
        let r = unsafe {
            path_open(
                3,
                1,
                path.as_ptr() as u32,
                path.len() as u32,
                0,
                FD_READ,
                0,
                0,
                ptr_mut(&mut fd),
            )
        };
        (r, fd)
    }

    pub fn run() {
        let text = b"must not be written\n";
        let iov = Iovec {
            buf: text.as_ptr() as u32,
            len: text.len() as u32,
        };
        let mut n = 0u32;
        let out = ptr_mut(&mut n);
        unsafe {
            line("fd_write iovs outside", fd_write(1, OUTSIDE, 1, out));
            let bad = Iovec {
                buf: OUTSIDE,
                len: 0x1000,
            };
            line("fd_write buffer outside", fd_write(1, ptr(&bad), 1, out));
            line(
                "fd_write result outside",
                fd_write(1, ptr(&iov), 1, OUTSIDE),
            );
            line("fd_write 2000 iovecs", fd_write(1, ptr(&iov), 2000, out));
            line("fd_write closed fd", fd_write(99, ptr(&iov), 1, out));
            let mut buf = [0u8; 4];
            let into = Iovec {
                buf: buf.as_mut_ptr() as u32,
                len: 4,
            };
            line("fd_read closed fd", fd_read(99, ptr(&into), 1, out));

            let path = "hello.txt";
            line(
                "path_open path outside",
                path_open(3, 1, OUTSIDE, 9, 0, FD_READ, 0, 0, out),
            );
            let not_utf8 = [b'h', 0xff, b'i'];
            line(
                "path_open not UTF-8",
                path_open(3, 1, not_utf8.as_ptr() as u32, 3, 0, FD_READ, 0, 0, out),
            );
            line(
                "path_open bad oflags",
                path_open(3, 1, path.as_ptr() as u32, 9, 0x100, FD_READ, 0, 0, out),
            );
            line(
                "path_open bad lookup flags",
                path_open(3, 7, path.as_ptr() as u32, 9, 0, FD_READ, 0, 0, out),
            );

            let (r, a) = open("hello.txt");
            println!("open: {r} fd {a}");
            let (r, b) = open("hello.txt");
            println!("open again: {r} fd {b}");
            let mut pos = 0u64;
            line("fd_seek whence 7", fd_seek(a, 0, 7, ptr_mut(&mut pos)));
            line("fd_seek result outside", fd_seek(a, 0, 0, OUTSIDE));
            line("fd_renumber onto itself", fd_renumber(a, a));
            line("fd_renumber onto a closed number", fd_renumber(a, 50));
            line("fd_renumber from a closed number", fd_renumber(50, a));
            line("fd_renumber", fd_renumber(b, a));
            line("fd_close the moved-from number", fd_close(b));
            line(
                "fd_read the moved-to number",
                fd_read(a, ptr(&into), 1, out),
            );
            println!(
                "read {n} bytes: {:?}",
                std::str::from_utf8(&buf[..n as usize]).unwrap()
            );
            line("fd_close", fd_close(a));
            let (r, c) = open("hello.txt");
            println!("open after close: {r} fd {c} (lowest free)");
            fd_close(c);

            let mut prestat = [0u32; 2];
            line("fd_prestat_get 3", fd_prestat_get(3, ptr_mut(&mut prestat)));
            println!(
                "prestat: tag {} name length {}",
                prestat[0] & 0xff,
                prestat[1]
            );
            let mut name = [0u8; 16];
            line(
                "fd_prestat_dir_name short buffer",
                fd_prestat_dir_name(3, name.as_mut_ptr() as u32, 2),
            );
            line(
                "fd_prestat_dir_name",
                fd_prestat_dir_name(3, name.as_mut_ptr() as u32, 16),
            );
            println!(
                "name: {}",
                std::str::from_utf8(&name[..prestat[1] as usize]).unwrap()
            );
            line(
                "fd_prestat_get 0 (stdin, not a preopen)",
                fd_prestat_get(0, ptr_mut(&mut prestat)),
            );
            line(
                "fd_prestat_get 4 (past the preopens)",
                fd_prestat_get(4, ptr_mut(&mut prestat)),
            );
            line(
                "fd_prestat_dir_name 0",
                fd_prestat_dir_name(0, name.as_mut_ptr() as u32, 16),
            );
            line("fd_prestat_get result outside", fd_prestat_get(3, OUTSIDE));

            let mut fdstat = [0u64; 3];
            line("fd_fdstat_get 3", fd_fdstat_get(3, ptr_mut(&mut fdstat)));
            println!(
                "preopen: filetype {} inherits FD_READ {} FD_WRITE {}",
                fdstat[0] & 0xff,
                fdstat[2] & (1 << 1) != 0,
                fdstat[2] & (1 << 6) != 0
            );
            line("fd_fdstat_get result outside", fd_fdstat_get(3, OUTSIDE));

            line(
                "args_sizes_get result outside",
                args_sizes_get(OUTSIDE, out),
            );
            line("random_get buffer outside", random_get(OUTSIDE, 0x1000));
            line(
                "path_open a 4 GiB path",
                path_open(3, 1, 0, 0xFFFF_0000, 0, FD_READ, 0, 0, out),
            );
            let name = "hello.txt";
            line(
                "path_readlink with no room",
                path_readlink(3, name.as_ptr() as u32, 9, out, 0, out),
            );
            // More than wasmtime-wasi hands out in one request.
            let mut noise = vec![0u8; 3 << 20];
            line(
                "random_get 3 MiB",
                random_get(noise.as_mut_ptr() as u32, 3 << 20),
            );
            println!(
                "last MiB filled: {}",
                noise[2 << 20..].iter().any(|&b| b != 0)
            );
            line(
                "poll_oneoff no subscriptions",
                poll_oneoff(OUTSIDE, OUTSIDE, 0, out),
            );
            // One subscription to reading fd 77, which is not open: an
            // event with EBADF, at once.
            let mut sub = [0u8; 48];
            sub[..8].copy_from_slice(&42u64.to_le_bytes());
            sub[8] = 1;
            sub[16..20].copy_from_slice(&77u32.to_le_bytes());
            let mut event = [0u8; 32];
            line(
                "poll_oneoff fd 77",
                poll_oneoff(sub.as_ptr() as u32, event.as_mut_ptr() as u32, 1, out),
            );
            println!(
                "events {n}: userdata {} error {} type {}",
                u64::from_le_bytes(event[..8].try_into().unwrap()),
                u16::from_le_bytes(event[8..10].try_into().unwrap()),
                event[10]
            );
            // A relative 1 ms sleep on the monotonic clock.
            let mut clock = [0u8; 48];
            clock[..8].copy_from_slice(&7u64.to_le_bytes());
            clock[16..20].copy_from_slice(&1u32.to_le_bytes());
            clock[24..32].copy_from_slice(&1_000_000u64.to_le_bytes());
            line(
                "poll_oneoff clock",
                poll_oneoff(clock.as_ptr() as u32, event.as_mut_ptr() as u32, 1, out),
            );
            println!(
                "events {n}: userdata {} type {}",
                u64::from_le_bytes(event[..8].try_into().unwrap()),
                event[10]
            );
            // Two clocks due at once, the events written from the second
            // subscription on: the first event lands on the second
            // subscription, whose userdata must have been read before.
            let mut both = [0u8; 112];
            for (i, userdata) in [1u64, 2].into_iter().enumerate() {
                let sub = &mut both[48 * i..48 * i + 48];
                sub[..8].copy_from_slice(&userdata.to_le_bytes());
                sub[16..20].copy_from_slice(&1u32.to_le_bytes());
            }
            let base = both.as_mut_ptr() as u32;
            line(
                "poll_oneoff events over the subscriptions",
                poll_oneoff(base, base + 48, 2, out),
            );
            let userdata = |at: usize| u64::from_le_bytes(both[at..at + 8].try_into().unwrap());
            println!("events {n}: userdata {} and {}", userdata(48), userdata(80));
        }
        println!("done");
    }
}
