//! The operations the scheduling hook reports, as a type.
//!
//! Every synchronisation point ([`Point::operation`](super::schedule::Point)) and every
//! blocked-on report ([`Blocked::operation`](crate::Blocked)) names what the thread is doing
//! with an [`Operation`]. It exists so that the crate that reports an operation and the test
//! drivers, traces and timelines that read it share one definition: a driver matches on
//! variants instead of re-reading names, and what it asks of an operation (which primitive it
//! acts on, whether it takes or gives back a lock) is answered here, once.
//!
//! An operation prints as the name the messages, reports, replay strings and timelines show
//! (`Lock.acquire`, `Condition.wait`, `thread::park`, `sleep`): [`Operation::name`] and
//! [`Display`](fmt::Display) give it, [`Operation::from_name`] reads it back.
//!
//! ```
//! use threading::schedule::{AtomicOp, AtomicType, Claim, Operation};
//! assert_eq!(Operation::LockAcquire.name(), "Lock.acquire");
//! assert_eq!(Operation::ThreadPark.to_string(), "thread::park");
//! let load = Operation::Atomic(AtomicType::AtomicUsize, AtomicOp::Load);
//! assert_eq!(load.name(), "AtomicUsize.load");
//! assert_eq!(Operation::from_name("AtomicUsize.load"), Some(load));
//! assert_eq!(Operation::ConditionWait.primitive(), "Condition");
//! assert_eq!(Operation::RLockRelease.claim(), Some(Claim::Release));
//! ```

use std::fmt;

/// Declares [`Operation`] from one list of `Variant = "name"`: the enum, its names and the
/// list of every operation come from the same lines.
macro_rules! operations {
    ($($(#[$meta:meta])* $variant:ident = $name:literal,)*) => {
        /// A synchronisation operation, as the scheduling hook reports it.
        ///
        /// One variant per operation this crate reports (the Python-style primitives at the
        /// crate root, [`queue`](crate::queue), [`futures`](crate::futures),
        /// `process` and the [`stdlib`](crate::stdlib) module's
        /// `std`-shaped types), plus [`Operation::Print`], which only a test driver reports.
        /// Each doc gives the name the operation prints as.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            $($(#[$meta])* $variant,)*
            /// An operation on one of the [`stdlib`](crate::stdlib) module's atomics:
            /// `AtomicUsize.load`, `AtomicBool.fetch_or`, `AtomicPtr.swap`, ...
            Atomic(AtomicType, AtomicOp),
        }

        impl Operation {
            /// Every operation that is not an [`Operation::Atomic`].
            const NAMED: &'static [Operation] = &[$(Operation::$variant),*];

            /// The name messages, reports, replay strings and timelines give the operation:
            /// `Lock.acquire`, `Thread.exit`, `thread::park`, `sleep`, ...
            ///
            /// ```
            /// use threading::schedule::Operation;
            /// assert_eq!(Operation::ThreadExit.name(), "Thread.exit");
            /// assert_eq!(Operation::MpscRecvTimeout.name(), "mpsc.recv_timeout");
            /// ```
            pub const fn name(self) -> &'static str {
                match self {
                    $(Operation::$variant => $name,)*
                    Operation::Atomic(ty, op) => ATOMIC_NAMES[ty as usize][op as usize],
                }
            }
        }
    };
}

operations! {
    /// `Lock.acquire`: [`Lock`](crate::Lock)'s acquire (and a condition's, on its lock).
    LockAcquire = "Lock.acquire",
    /// `Lock.release`.
    LockRelease = "Lock.release",
    /// `RLock.acquire`: [`RLock`](crate::RLock)'s acquire (and a condition's, on its lock).
    RLockAcquire = "RLock.acquire",
    /// `RLock.release`.
    RLockRelease = "RLock.release",
    /// `Condition.wait`, and the waits built on it (`wait_for`).
    ConditionWait = "Condition.wait",
    /// `Condition.notify`, and `notify_all`.
    ConditionNotify = "Condition.notify",
    /// `Semaphore.acquire`.
    SemaphoreAcquire = "Semaphore.acquire",
    /// `Semaphore.release`.
    SemaphoreRelease = "Semaphore.release",
    /// `BoundedSemaphore.acquire`.
    BoundedSemaphoreAcquire = "BoundedSemaphore.acquire",
    /// `BoundedSemaphore.release`.
    BoundedSemaphoreRelease = "BoundedSemaphore.release",
    /// `Event.set`.
    EventSet = "Event.set",
    /// `Event.clear`.
    EventClear = "Event.clear",
    /// `Event.wait`.
    EventWait = "Event.wait",
    /// `Barrier.wait`: [`Barrier`](crate::Barrier)'s and the `stdlib` module's.
    BarrierWait = "Barrier.wait",
    /// `Barrier.reset`.
    BarrierReset = "Barrier.reset",
    /// `Barrier.abort`.
    BarrierAbort = "Barrier.abort",
    /// `Thread.start`: a [`Thread`](crate::Thread) is about to be spawned (the site is this
    /// crate's; [`Scheduler::thread_created`](super::schedule::Scheduler::thread_created) names the thread).
    ThreadStart = "Thread.start",
    /// `Thread.join`.
    ThreadJoin = "Thread.join",
    /// `Thread.exit`: a thread returned from its target and is about to end.
    ThreadExit = "Thread.exit",
    /// `Queue.put`, of [`queue`](crate::queue)'s queues and the process queues.
    QueuePut = "Queue.put",
    /// `Queue.get`.
    QueueGet = "Queue.get",
    /// `Queue.task_done`.
    QueueTaskDone = "Queue.task_done",
    /// `Queue.join`.
    QueueJoin = "Queue.join",
    /// `Queue.shutdown`.
    QueueShutdown = "Queue.shutdown",
    /// `SimpleQueue.put`.
    SimpleQueuePut = "SimpleQueue.put",
    /// `SimpleQueue.get`.
    SimpleQueueGet = "SimpleQueue.get",
    /// `Future.result`.
    FutureResult = "Future.result",
    /// `Future.exception`.
    FutureException = "Future.exception",
    /// `Future.cancel`.
    FutureCancel = "Future.cancel",
    /// `Future.set_result`.
    FutureSetResult = "Future.set_result",
    /// `Future.set_exception`.
    FutureSetException = "Future.set_exception",
    /// `futures.wait`.
    FuturesWait = "futures.wait",
    /// `futures.as_completed`.
    FuturesAsCompleted = "futures.as_completed",
    /// `Process.start`.
    ProcessStart = "Process.start",
    /// `Process.join`.
    ProcessJoin = "Process.join",
    /// `Connection.send`.
    ConnectionSend = "Connection.send",
    /// `Connection.recv`.
    ConnectionRecv = "Connection.recv",
    /// `Connection.poll`.
    ConnectionPoll = "Connection.poll",
    /// `sleep`: [`sleep`](crate::sleep), and `std::thread::sleep` in the `stdlib` module.
    Sleep = "sleep",
    /// `thread::spawn`: a `stdlib` thread, scoped or not, is about to be spawned.
    ThreadSpawn = "thread::spawn",
    /// `thread::scope`.
    ThreadScope = "thread::scope",
    /// `thread::park`.
    ThreadPark = "thread::park",
    /// `thread::park_timeout`.
    ThreadParkTimeout = "thread::park_timeout",
    /// `thread::yield_now`.
    ThreadYieldNow = "thread::yield_now",
    /// `Thread.unpark` (`std::thread::Thread::unpark`).
    ThreadUnpark = "Thread.unpark",
    /// `JoinHandle.join`.
    JoinHandleJoin = "JoinHandle.join",
    /// `JoinHandle.is_finished`.
    JoinHandleIsFinished = "JoinHandle.is_finished",
    /// `hint::spin_loop`.
    SpinLoop = "hint::spin_loop",
    /// `Mutex.lock`.
    MutexLock = "Mutex.lock",
    /// `Mutex.try_lock`.
    MutexTryLock = "Mutex.try_lock",
    /// `Mutex.unlock` (a guard dropped).
    MutexUnlock = "Mutex.unlock",
    /// `RwLock.read`.
    RwLockRead = "RwLock.read",
    /// `RwLock.try_read`.
    RwLockTryRead = "RwLock.try_read",
    /// `RwLock.read_unlock` (a read guard dropped).
    RwLockReadUnlock = "RwLock.read_unlock",
    /// `RwLock.write`.
    RwLockWrite = "RwLock.write",
    /// `RwLock.try_write`.
    RwLockTryWrite = "RwLock.try_write",
    /// `RwLock.write_unlock` (a write guard dropped).
    RwLockWriteUnlock = "RwLock.write_unlock",
    /// `Condvar.wait`, and `wait_while`.
    CondvarWait = "Condvar.wait",
    /// `Condvar.wait_timeout`, and `wait_timeout_while`.
    CondvarWaitTimeout = "Condvar.wait_timeout",
    /// `Condvar.notify_one`.
    CondvarNotifyOne = "Condvar.notify_one",
    /// `Condvar.notify_all`.
    CondvarNotifyAll = "Condvar.notify_all",
    /// `Once.call_once`.
    OnceCallOnce = "Once.call_once",
    /// `Once.call_once_force`.
    OnceCallOnceForce = "Once.call_once_force",
    /// `Once.is_completed`.
    OnceIsCompleted = "Once.is_completed",
    /// `Once.wait`.
    OnceWait = "Once.wait",
    /// `OnceLock.get`.
    OnceLockGet = "OnceLock.get",
    /// `OnceLock.set`.
    OnceLockSet = "OnceLock.set",
    /// `mpsc.send`.
    MpscSend = "mpsc.send",
    /// `mpsc.try_send`.
    MpscTrySend = "mpsc.try_send",
    /// `mpsc.recv`.
    MpscRecv = "mpsc.recv",
    /// `mpsc.recv_timeout`.
    MpscRecvTimeout = "mpsc.recv_timeout",
    /// `mpsc.try_recv`.
    MpscTryRecv = "mpsc.try_recv",
    /// `mpsc.Sender.clone`: a sender cloned.
    MpscSenderClone = "mpsc.Sender.clone",
    /// `mpsc.Sender.drop`: a sender dropped.
    MpscSenderDrop = "mpsc.Sender.drop",
    /// `mpsc.Receiver.drop`: the receiver dropped.
    MpscReceiverDrop = "mpsc.Receiver.drop",
    /// `atomic::fence`.
    Fence = "atomic::fence",
    /// `atomic::compiler_fence`.
    CompilerFence = "atomic::compiler_fence",
    /// `print`: never reported by this crate. A test driver's own point, for output it
    /// treats as shared state: the grader reports each print callback of its harness with it
    /// (the token as the point's [`name`](super::schedule::Point::name)).
    Print = "print",
    /// `probe`: the idle hook's benchmark probe.
    #[doc(hidden)]
    Probe = "probe",
}

/// Declares [`AtomicType`] and [`AtomicOp`] and the names of their pairs, from one list of
/// types and one of operations.
macro_rules! atomics {
    (types: [$($ty:ident),*], ops: $ops:tt) => {
        atomic_ops!($ops);

        /// One of the [`stdlib`](crate::stdlib) module's atomic types, in an [`Operation::Atomic`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AtomicType {
            $(#[doc = concat!("`", stringify!($ty), "`.")] $ty,)*
        }

        impl AtomicType {
            /// Every atomic type.
            pub const ALL: &'static [AtomicType] = &[$(AtomicType::$ty),*];

            /// Its name: `AtomicUsize`, `AtomicBool`, ...
            pub const fn name(self) -> &'static str {
                match self {
                    $(AtomicType::$ty => stringify!($ty),)*
                }
            }
        }

        /// `Type.op` for every pair, indexed by the two enums.
        const ATOMIC_NAMES: [[&str; AtomicOp::ALL.len()]; AtomicType::ALL.len()] = [$(atomic_row!($ty, $ops)),*];
    };
}

macro_rules! atomic_ops {
    ([$($op:ident = $name:literal),*]) => {
        /// What an [`Operation::Atomic`] does: the method's name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AtomicOp {
            $(#[doc = concat!("`", $name, "`.")] $op,)*
        }

        impl AtomicOp {
            /// Every atomic operation.
            pub const ALL: &'static [AtomicOp] = &[$(AtomicOp::$op),*];

            /// Its name: `load`, `fetch_add`, ...
            pub const fn name(self) -> &'static str {
                match self {
                    $(AtomicOp::$op => $name,)*
                }
            }
        }
    };
}

macro_rules! atomic_row {
    ($ty:ident, [$($op:ident = $name:literal),*]) => {
        [$(concat!(stringify!($ty), ".", $name)),*]
    };
}

atomics! {
    types: [
        AtomicUsize, AtomicIsize, AtomicU8, AtomicU16, AtomicU32, AtomicU64,
        AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicBool, AtomicPtr
    ],
    ops: [
        Load = "load", Store = "store", Swap = "swap",
        CompareExchange = "compare_exchange", CompareExchangeWeak = "compare_exchange_weak",
        FetchAdd = "fetch_add", FetchSub = "fetch_sub", FetchAnd = "fetch_and", FetchNand = "fetch_nand",
        FetchOr = "fetch_or", FetchXor = "fetch_xor", FetchMax = "fetch_max", FetchMin = "fetch_min",
        FetchNot = "fetch_not"
    ]
}

/// What an operation does with a lock or a semaphore's permit (see [`Operation::claim`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Claim {
    /// It takes one: an `acquire`.
    Acquire,
    /// It gives one back: a `release`.
    Release,
}

impl Operation {
    /// Every operation, each [`Operation::Atomic`] pair included.
    ///
    /// ```
    /// use threading::schedule::Operation;
    /// assert!(Operation::all().any(|op| op == Operation::EventWait));
    /// assert!(Operation::all().all(|op| Operation::from_name(op.name()) == Some(op)));
    /// ```
    pub fn all() -> impl Iterator<Item = Operation> {
        let atomics = AtomicType::ALL
            .iter()
            .flat_map(|&ty| AtomicOp::ALL.iter().map(move |&op| Operation::Atomic(ty, op)));
        Operation::NAMED.iter().copied().chain(atomics)
    }

    /// The operation called `name` (what [`Operation::name`] gives), if there is one.
    ///
    /// ```
    /// use threading::schedule::Operation;
    /// assert_eq!(Operation::from_name("Condition.wait"), Some(Operation::ConditionWait));
    /// assert_eq!(Operation::from_name("Lock.frobnicate"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::all().find(|op| op.name() == name)
    }

    /// The primitive it acts on, as a trace or a report names a primitive: the name before
    /// the dot (`Lock` for `Lock.acquire`, `AtomicUsize` for `AtomicUsize.load`), or the
    /// whole name for a free function (`sleep`, `thread::park`, `atomic::fence`).
    ///
    /// ```
    /// use threading::schedule::Operation;
    /// assert_eq!(Operation::QueueTaskDone.primitive(), "Queue");
    /// assert_eq!(Operation::MpscSend.primitive(), "mpsc");
    /// assert_eq!(Operation::ThreadParkTimeout.primitive(), "thread::park_timeout");
    /// ```
    pub fn primitive(self) -> &'static str {
        match self {
            Operation::Atomic(ty, _) => ty.name(),
            _ => {
                let name = self.name();
                name.split_once('.').map_or(name, |(primitive, _)| primitive)
            }
        }
    }

    /// Whether it takes or gives back a lock or a semaphore's permit: the `acquire` and
    /// `release` of [`Lock`](crate::Lock), [`RLock`](crate::RLock),
    /// [`Semaphore`](crate::Semaphore) and [`BoundedSemaphore`](crate::BoundedSemaphore), and
    /// the `stdlib` module's `Mutex` and `RwLock` locks and unlocks. A release never waits, so
    /// the wait a thread blocks in is its last operation that is not one (a condition's wait,
    /// `Condvar.wait` too, releases its lock last, then parks).
    ///
    /// ```
    /// use threading::schedule::{Claim, Operation};
    /// assert_eq!(Operation::SemaphoreAcquire.claim(), Some(Claim::Acquire));
    /// assert_eq!(Operation::LockRelease.claim(), Some(Claim::Release));
    /// assert_eq!(Operation::MutexUnlock.claim(), Some(Claim::Release));
    /// assert_eq!(Operation::EventWait.claim(), None);
    /// ```
    pub const fn claim(self) -> Option<Claim> {
        match self {
            Operation::LockAcquire
            | Operation::RLockAcquire
            | Operation::SemaphoreAcquire
            | Operation::BoundedSemaphoreAcquire
            | Operation::MutexLock
            | Operation::RwLockRead
            | Operation::RwLockWrite => Some(Claim::Acquire),
            Operation::LockRelease
            | Operation::RLockRelease
            | Operation::SemaphoreRelease
            | Operation::BoundedSemaphoreRelease
            | Operation::MutexUnlock
            | Operation::RwLockReadUnlock
            | Operation::RwLockWriteUnlock => Some(Claim::Release),
            _ => None,
        }
    }

    /// Whether its primitive is held by the thread that acquired it until that thread
    /// releases it: an operation on a [`Lock`](crate::Lock) or an [`RLock`](crate::RLock).
    /// (A semaphore's permits or an event belong to nobody.)
    ///
    /// ```
    /// use threading::schedule::Operation;
    /// assert!(Operation::RLockAcquire.is_held());
    /// assert!(!Operation::SemaphoreAcquire.is_held());
    /// ```
    pub const fn is_held(self) -> bool {
        matches!(
            self,
            Operation::LockAcquire
                | Operation::LockRelease
                | Operation::RLockAcquire
                | Operation::RLockRelease
        )
    }
}

impl fmt::Display for Operation {
    /// Its [`name`](Operation::name) (padded as the formatter asks).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_read_back() {
        let names: std::collections::HashSet<&str> = Operation::all().map(Operation::name).collect();
        assert_eq!(names.len(), Operation::all().count());
        for op in Operation::all() {
            assert_eq!(Operation::from_name(op.name()), Some(op), "{op}");
        }
    }

    #[test]
    fn atomic_names_pair_the_type_and_the_method() {
        for &ty in AtomicType::ALL {
            for &op in AtomicOp::ALL {
                let name = Operation::Atomic(ty, op).name();
                assert_eq!(name, format!("{}.{}", ty.name(), op.name()));
                assert_eq!(Operation::Atomic(ty, op).primitive(), ty.name());
            }
        }
    }

    #[test]
    fn display_pads_like_a_string() {
        assert_eq!(format!("[{:<14}]", Operation::EventSet), "[Event.set     ]");
    }
}
