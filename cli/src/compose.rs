//! Composition: a guest and the wasm build of the layer as one component,
//! for runtimes that cannot load host code (`wasmtime run`).
//!
//! This is what `wac plug --plug vfd_layer.wasm guest.wasm` does, done
//! in-process with `wac-graph`: the layer is instantiated once, its
//! `vfd:posix/*` exports are the guest's matching imports, and so are its
//! WASI exports (the guest's `wasi:cli` standard streams and the
//! `wasi:io/streams` they hand out, served by descriptors 0, 1 and 2 of
//! the layer's table) when the guest can take them all ([`Stdio`]). Every
//! other import of either becomes an import of the result, shared by
//! both. The result exports what the guest exports (`wasi:cli/run` for a
//! command).

use anyhow::{Context, Result, bail};
use wac_graph::types::{Package, Types, are_semver_compatible};
use wac_graph::{CompositionGraph, EncodeOptions, Processor};

/// The namespace of the interfaces the layer provides.
const VFD_NAMESPACE: &str = "vfd:";

/// The namespace of the standard interfaces.
const WASI_NAMESPACE: &str = "wasi:";

/// What `vfd compose` says when the binary carries no layer.
pub const NO_EMBEDDED_LAYER: &str = "this vfd was built without the wasm layer: run \
     `rustup target add wasm32-wasip2` and rebuild, or pass --layer";

/// The layer's component (`vfd-layer` built for wasm32-wasip2), as the
/// build script embedded it; empty when it could not be built.
static EMBEDDED_LAYER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vfd_layer.wasm"));

/// The wasm layer embedded in this build, if the build script could build
/// it (it needs the wasm32-wasip2 target).
pub fn embedded_layer() -> Option<&'static [u8]> {
    (!EMBEDDED_LAYER.is_empty()).then_some(EMBEDDED_LAYER)
}

/// The embedded layer, or an error saying why this build has none.
pub fn require_embedded_layer() -> Result<&'static [u8]> {
    match embedded_layer() {
        Some(layer) => Ok(layer),
        None => bail!("{NO_EMBEDDED_LAYER} ({})", env!("VFD_LAYER_STATUS")),
    }
}

/// Who serves a composed guest's standard I/O (`vfd compose --stdio`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Stdio {
    /// The layer's table when the guest can take the layer's streams,
    /// else the runtime's, with the reason in [`Composition::stdio`].
    #[default]
    Auto,
    /// The layer's table, or an error saying why it cannot be.
    Vfd,
    /// The runtime's: the guest's `wasi:*` imports are all left to it.
    Runtime,
}

/// A composed component, and who serves its standard I/O.
#[derive(Debug)]
pub struct Composition {
    /// The encoded component.
    pub bytes: Vec<u8>,
    /// `None` when the layer serves the guest's standard I/O (or the guest
    /// has none); else why the runtime does.
    pub stdio: Option<String>,
}

/// The WASI interfaces that neither take nor hand out a `wasi:io` stream:
/// a guest importing these from the runtime can still take its streams
/// from the layer. Any other WASI import the layer does not serve (a
/// `wasi:http` one, say) names the guest's streams, which must then all
/// come from one place: the runtime.
const STREAM_FREE: &[&str] = &[
    "wasi:io/poll",
    "wasi:io/error",
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:clocks/monotonic-clock",
    "wasi:clocks/wall-clock",
    "wasi:clocks/timezone",
    "wasi:random/random",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
    "wasi:sockets/network",
    "wasi:sockets/instance-network",
    "wasi:sockets/udp",
    "wasi:sockets/udp-create-socket",
    "wasi:sockets/ip-name-lookup",
];

/// Plug `layer` into `guest` with [`Stdio::Auto`] and return the encoded
/// composition.
pub fn compose(guest: &[u8], layer: &[u8]) -> Result<Vec<u8>> {
    Ok(compose_with(guest, layer, Stdio::Auto)?.bytes)
}

/// Plug `layer` (a component exporting `vfd:posix` interfaces) into
/// `guest` (a component importing some of them).
///
/// Each `vfd:*` import of the guest must be exported by the layer, under
/// the same name or a semver-compatible version of it (`@0.1.0` and
/// `@0.1.2`, not `@0.2.0`); a guest that imports no `vfd:*` interface is
/// refused, since there would be nothing to plug. The layer's `wasi:*`
/// exports are plugged as `stdio` says, all of them or none.
pub fn compose_with(guest: &[u8], layer: &[u8], stdio: Stdio) -> Result<Composition> {
    let mut graph = CompositionGraph::new();
    let guest = Package::from_bytes("vfd:guest", None, guest, graph.types_mut())
        .context("the guest is not a valid WebAssembly component")?;
    let layer = Package::from_bytes("vfd:layer", None, layer, graph.types_mut())
        .context("the layer is not a valid WebAssembly component")?;
    let guest = graph.register_package(guest)?;
    let layer = graph.register_package(layer)?;

    let guest_world = &graph.types()[graph[guest].ty()];
    let layer_world = &graph.types()[graph[layer].ty()];
    let wanted: Vec<String> = guest_world
        .imports
        .keys()
        .filter(|name| name.starts_with(VFD_NAMESPACE))
        .cloned()
        .collect();
    if wanted.is_empty() {
        bail!(
            "the guest imports no vfd interface (only {}): it does not use vfd, so it runs as it is",
            list(guest_world.imports.keys())
        );
    }
    let offered: Vec<String> = layer_world.exports.keys().cloned().collect();
    let guest_exports: Vec<String> = guest_world.exports.keys().cloned().collect();

    let (wasi, refused) = wasi_plugs(guest_world.imports.keys(), &offered, stdio)?;

    let mut plugs = wasi;
    for import in &wanted {
        let export = matching(&offered, import).with_context(|| {
            format!(
                "the guest imports `{import}`, which the layer does not export \
                 (it exports {}): build the guest and the layer from the same vfd:posix version",
                list(offered.iter())
            )
        })?;
        plugs.push((import.clone(), export.clone()));
    }

    let layer_instance = graph.instantiate(layer);
    let guest_instance = graph.instantiate(guest);
    for (import, export) in &plugs {
        let item = graph
            .alias_instance_export(layer_instance, export)
            .with_context(|| format!("the layer's export `{export}`"))?;
        graph
            .set_instantiation_argument(guest_instance, import, item)
            .with_context(|| {
                format!("the layer's `{export}` does not match the guest's import `{import}`")
            })?;
    }
    for name in &guest_exports {
        let item = graph
            .alias_instance_export(guest_instance, name)
            .with_context(|| format!("the guest's export `{name}`"))?;
        graph
            .export(item, name)
            .with_context(|| format!("exporting the guest's `{name}`"))?;
    }
    let bytes = graph
        .encode(EncodeOptions {
            processor: Some(Processor {
                name: "vfd compose",
                version: env!("CARGO_PKG_VERSION"),
            }),
            ..EncodeOptions::default()
        })
        .context("encoding the composition")?;

    let left: Vec<String> = imports(&bytes)?
        .into_iter()
        .filter(|name| name.starts_with(VFD_NAMESPACE))
        .collect();
    if !left.is_empty() {
        bail!(
            "the composition still imports {}: the layer itself imports vfd interfaces",
            list(left.iter())
        );
    }
    Ok(Composition {
        bytes,
        stdio: refused,
    })
}

/// A guest import and the layer's export that serves it.
type Plug = (String, String);

/// The layer's export for the guest's `import`: the same name, else a
/// semver-compatible one.
fn matching<'a>(offered: &'a [String], import: &str) -> Option<&'a String> {
    offered
        .iter()
        .find(|e| *e == import)
        .or_else(|| offered.iter().find(|e| are_semver_compatible(e, import)))
}

/// The guest's WASI imports to plug with the layer's exports, as
/// (import, export); or none, with the reason, when the runtime serves
/// the guest's standard I/O.
fn wasi_plugs<'a>(
    imports: impl Iterator<Item = &'a String>,
    offered: &[String],
    stdio: Stdio,
) -> Result<(Vec<Plug>, Option<String>)> {
    if stdio == Stdio::Runtime {
        return Ok((Vec::new(), Some("--stdio=runtime".into())));
    }
    let mut plugs = Vec::new();
    let mut blockers = Vec::new();
    for import in imports.filter(|name| name.starts_with(WASI_NAMESPACE)) {
        match matching(offered, import) {
            // A later minor version may add functions the layer's lacks.
            Some(export) if newer(import, export) => blockers.push(import.clone()),
            Some(export) => plugs.push((import.clone(), export.clone())),
            None if STREAM_FREE.contains(&unversioned(import)) => {}
            None => blockers.push(import.clone()),
        }
    }
    if blockers.is_empty() {
        return Ok((plugs, None));
    }
    let why = format!(
        "the guest imports {}, which the layer does not serve (it serves WASI {}), and a \
         component's streams come from one place: its standard I/O stays the runtime's",
        list(blockers.iter()),
        offered
            .iter()
            .find_map(|e| e.strip_prefix("wasi:io/streams@"))
            .unwrap_or("0.2")
    );
    if stdio == Stdio::Vfd {
        bail!("cannot serve the guest's standard I/O from vfd's table: {why}");
    }
    Ok((Vec::new(), Some(why)))
}

/// Whether `import`'s version is later than `export`'s (`@0.2.13`
/// against `@0.2.12`); a version that does not parse counts as later.
fn newer(import: &str, export: &str) -> bool {
    let version = |name: &str| {
        let (_, v) = name.split_once('@')?;
        semver::Version::parse(v).ok()
    };
    match (version(import), version(export)) {
        (Some(import), Some(export)) => import > export,
        _ => import != export,
    }
}

/// `wasi:cli/stdout` of `wasi:cli/stdout@0.2.12`.
fn unversioned(name: &str) -> &str {
    name.split_once('@').map_or(name, |(bare, _)| bare)
}

/// The names a component imports (`wasi:filesystem/types@0.2.6`...), in
/// its order.
pub fn imports(component: &[u8]) -> Result<Vec<String>> {
    let mut types = Types::default();
    let package = Package::from_bytes("vfd:inspected", None, component, &mut types)
        .context("not a valid WebAssembly component")?;
    Ok(types[package.ty()].imports.keys().cloned().collect())
}

/// `a`, `b`, `c` for an error message.
fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if names.is_empty() {
        "nothing".into()
    } else {
        names.join(", ")
    }
}
