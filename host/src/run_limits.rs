//! Bounds on one run of a guest: its linear memory, its fuel and its
//! wall-clock time, as `wasmtime run -W max-memory-size=,fuel=,timeout=`
//! sets them.
//!
//! A guest stopped by a limit ends in a trap ([`Trap::OutOfFuel`],
//! [`Trap::Interrupt`], or the limiter's error when growing memory is
//! made to trap); its store is dropped as after any trap, so every host
//! descriptor of its table is closed.
//!
//! # References
//!  - [wasmtime's `ResourceLimiter`](https://docs.rs/wasmtime/latest/wasmtime/trait.ResourceLimiter.html)
//!  - [Epoch-based interruption](https://docs.rs/wasmtime/latest/wasmtime/struct.Config.html#method.epoch_interruption)

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use wasmtime::{Config, Engine, ResourceLimiter, Store, Trap};

/// What one run may use. The default bounds nothing, as a plain
/// [`run_command`](crate::run_command).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunLimits {
    /// The largest size, in bytes, a linear memory may grow to.
    pub max_memory_size: Option<usize>,
    /// Trap when `memory.grow` fails, rather than return -1 to the guest.
    pub trap_on_grow_failure: bool,
    /// Units of fuel: wasm code traps once it has used them all. Needs an
    /// engine made with [`configure`](RunLimits::configure).
    pub fuel: Option<u64>,
    /// Wall-clock time for the guest's code: once it has passed, the next
    /// function entry or loop back-edge traps. A call blocked in the host
    /// (an `accept`, a read of an empty pipe) ends it only when it
    /// returns. Needs an engine made with
    /// [`configure`](RunLimits::configure), and runs a watchdog thread
    /// beside the guest (see [`compile`](crate::compile) for what a second
    /// thread costs small calls).
    pub timeout: Option<Duration>,
}

impl RunLimits {
    /// vfd's engine ([`engine_config`](crate::engine_config)) made for
    /// these limits: see [`configure`](RunLimits::configure).
    pub fn engine(&self) -> wasmtime::Result<Engine> {
        let mut config = crate::engine_config();
        self.configure(&mut config);
        Engine::new(&config)
    }

    /// Set what the engine must do for these limits: count fuel for
    /// [`fuel`](RunLimits::fuel), check the epoch for
    /// [`timeout`](RunLimits::timeout). Either makes wasm code a little
    /// slower, so neither is set unless asked for. (wasmtime cannot tell
    /// a store whether its engine checks the epoch: with an engine made
    /// otherwise, a timeout never fires. Fuel is refused.)
    pub fn configure(&self, config: &mut Config) {
        if self.fuel.is_some() {
            config.consume_fuel(true);
        }
        if self.timeout.is_some() {
            config.epoch_interruption(true);
        }
    }

    /// The store limiter for [`max_memory_size`](RunLimits::max_memory_size).
    pub(crate) fn memory_limiter(&self) -> MemoryLimiter {
        MemoryLimiter {
            max_size: self.max_memory_size,
            trap: self.trap_on_grow_failure,
            refused: false,
        }
    }

    /// Apply the fuel and the deadline to `store` before the guest runs;
    /// the returned watchdog ends the run at the deadline and must live as
    /// long as the run.
    pub(crate) fn arm<T>(&self, store: &mut Store<T>) -> wasmtime::Result<Option<Watchdog>> {
        if let Some(fuel) = self.fuel {
            store.set_fuel(fuel)?;
        }
        let Some(timeout) = self.timeout else {
            return Ok(None);
        };
        store.set_epoch_deadline(1);
        store.epoch_deadline_trap();
        Ok(Some(Watchdog::start(store.engine().clone(), timeout)?))
    }
}

/// Which limit a run's error says stopped the guest, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitReached {
    /// It used all its fuel.
    Fuel,
    /// Its time ran out.
    Timeout,
    /// Its memory could not grow: the trap was the growth itself (with
    /// `trap_on_grow_failure`), or came after a growth was refused (a
    /// guest whose allocator aborts when it finds no memory).
    Memory,
}

impl LimitReached {
    /// The limit behind `error`, the error a run ended in, or `None` for
    /// any other error.
    pub fn of(error: &wasmtime::Error) -> Option<LimitReached> {
        match error.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => Some(LimitReached::Fuel),
            Some(Trap::Interrupt) => Some(LimitReached::Timeout),
            _ => error.downcast_ref::<LimitReached>().copied(),
        }
    }
}

impl std::fmt::Display for LimitReached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LimitReached::Fuel => "the guest used all its fuel",
            LimitReached::Timeout => "the guest ran out of time",
            LimitReached::Memory => "the guest's memory reached its limit",
        })
    }
}

impl std::error::Error for LimitReached {}

/// The store's limiter: linear memories up to a size, and whether a
/// growth was refused, for the run's error to say why it ended.
pub(crate) struct MemoryLimiter {
    max_size: Option<usize>,
    trap: bool,
    refused: bool,
}

impl MemoryLimiter {
    /// `error`, the run's, with the limit named if a growth was refused
    /// before it (unless it names a limit already).
    pub(crate) fn explain(&self, error: wasmtime::Error) -> wasmtime::Error {
        if self.refused && LimitReached::of(&error).is_none() {
            error.context(LimitReached::Memory)
        } else {
            error
        }
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let over = |limit: Option<usize>| limit.is_some_and(|limit| desired > limit);
        if !over(self.max_size) && !over(maximum) {
            return Ok(true);
        }
        self.refused = true;
        if self.trap {
            return Err(wasmtime::Error::new(LimitReached::Memory));
        }
        Ok(false)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(maximum.is_none_or(|max| desired <= max))
    }
}

/// A thread that ends a run at its deadline by bumping the engine's epoch,
/// and is stopped and joined when dropped.
pub(crate) struct Watchdog {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    fn start(engine: Engine, timeout: Duration) -> wasmtime::Result<Watchdog> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("vfd-timeout".into())
            .spawn(move || {
                block_signals();
                let deadline = Instant::now() + timeout;
                let (lock, wake) = &*flag;
                let mut stopped = lock.lock().unwrap_or_else(PoisonError::into_inner);
                while !*stopped {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        engine.increment_epoch();
                        return;
                    }
                    stopped = wake
                        .wait_timeout(stopped, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            })
            .map_err(|e| wasmtime::Error::msg(format!("cannot start the timeout's thread: {e}")))?;
        Ok(Watchdog {
            stop,
            thread: Some(thread),
        })
    }
}

/// Block every signal in the calling thread: a process's signals (the
/// host's SIGUSR1 for the table, say) are then delivered to the thread
/// running the guest, where they interrupt the call it waits in.
fn block_signals() {
    // SAFETY: `set` is initialised by sigfillset before use, and
    // pthread_sigmask only changes this thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut set);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        *lock.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_one();
        if let Some(thread) = self.thread.take() {
            // The thread's only work is above: it cannot panic.
            let _ = thread.join();
        }
    }
}
