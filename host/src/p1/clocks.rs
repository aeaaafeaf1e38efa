//! `clock_res_get` and `clock_time_get`. The realtime and monotonic clocks
//! are wasmtime-wasi's (an embedder may replace them); the CPU-time
//! clocks are the host process's and thread's, which run the guest.

use super::{Errno, Result, functions};
use std::time::Duration;
use wasmtime::Linker;
use wasmtime_wasi::WasiView;
use wasmtime_wasi::clocks::WasiClocksCtxView;
use wasmtime_wasi::p2::bindings::clocks::monotonic_clock::Host as Monotonic;
use wasmtime_wasi::p2::bindings::clocks::wall_clock::Host as Wall;

/// Preview 1's clock ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Clock {
    Realtime,
    Monotonic,
    ProcessCpuTime,
    ThreadCpuTime,
}

impl Clock {
    /// An unknown id is `EINVAL`, as clock_gettime(2) answers.
    pub(super) fn from_id(id: u32) -> Result<Clock> {
        Ok(match id {
            0 => Clock::Realtime,
            1 => Clock::Monotonic,
            2 => Clock::ProcessCpuTime,
            3 => Clock::ThreadCpuTime,
            _ => return Err(Errno::INVAL),
        })
    }

    /// The time now in nanoseconds; `EOVERFLOW` past the year 2554.
    pub(super) fn now<T: WasiView>(self, data: &mut T) -> Result<u64> {
        match self {
            Clock::Realtime => {
                let now =
                    Wall::now(&mut clocks(data)).map_err(|_| Errno::from(vfd_core::Errno::Io))?;
                nanos(Duration::new(now.seconds, now.nanoseconds))
            }
            Clock::Monotonic => {
                Monotonic::now(&mut clocks(data)).map_err(|_| vfd_core::Errno::Io.into())
            }
            Clock::ProcessCpuTime | Clock::ThreadCpuTime => {
                let t = rustix::time::clock_gettime(self.cpu_clock());
                nanos(Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
            }
        }
    }

    fn resolution<T: WasiView>(self, data: &mut T) -> Result<u64> {
        match self {
            Clock::Realtime => {
                let res = Wall::resolution(&mut clocks(data))
                    .map_err(|_| Errno::from(vfd_core::Errno::Io))?;
                nanos(Duration::new(res.seconds, res.nanoseconds))
            }
            Clock::Monotonic => {
                Monotonic::resolution(&mut clocks(data)).map_err(|_| vfd_core::Errno::Io.into())
            }
            // Linux's CPU-time clocks count in nanoseconds.
            Clock::ProcessCpuTime | Clock::ThreadCpuTime => Ok(1),
        }
    }

    fn cpu_clock(self) -> rustix::time::ClockId {
        if self == Clock::ThreadCpuTime {
            rustix::time::ClockId::ThreadCPUTime
        } else {
            rustix::time::ClockId::ProcessCPUTime
        }
    }
}

fn clocks<T: WasiView>(data: &mut T) -> WasiClocksCtxView<'_> {
    let view = data.ctx();
    WasiClocksCtxView {
        ctx: view.ctx.clocks(),
        table: view.table,
    }
}

fn nanos(d: Duration) -> Result<u64> {
    u64::try_from(d.as_nanos()).map_err(|_| Errno::OVERFLOW)
}

pub(super) fn add_to_linker<T: WasiView + crate::VfdView + 'static>(
    linker: &mut Linker<T>,
) -> wasmtime::Result<()> {
    functions! { linker,
        "clock_res_get" => |mem, data, id: u32, out: u32| {
            mem.check(out, 8)?;
            let res = Clock::from_id(id)?.resolution(data)?;
            mem.put_u64(out, res)
        };
        // The precision is a hint that Linux's clocks have no use for.
        "clock_time_get" => |mem, data, id: u32, _precision: u64, out: u32| {
            mem.check(out, 8)?;
            let now = Clock::from_id(id)?.now(data)?;
            mem.put_u64(out, now)
        };
    }
    Ok(())
}
