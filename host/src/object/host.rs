//! Host objects handed to the guest by the embedder.

/// Who is responsible for closing a host object handed to the guest.
///
/// vfd always works on a descriptor of its own for the object, a `dup(2)`
/// of the one it is given: both share one open file description (offset,
/// status flags), so this never gives the guest a separate position. vfd
/// closes its own descriptor when the guest closes the last number that
/// refers to it, or when the context is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// The guest owns the object. Pass it by value: the caller's descriptor
    /// is closed on the spot, vfd's is then the only one, and the guest's
    /// last `close` closes the host object (a peer sees end of file).
    Owned,
    /// The host keeps the object. Pass a reference: the caller's descriptor
    /// stays open and usable whatever the guest does with its copy.
    Borrowed,
}
