//! Functions and types used to handle incoming connections and messages.
//! There is three main types of handlers: [connect], [message] and [disconnect].
pub mod connect;
pub mod disconnect;
pub mod message;

pub(crate) use connect::BoxedConnectHandler;
pub use connect::{ConnectHandler, ConnectMiddleware, FromConnectParts};
pub(crate) use disconnect::BoxedDisconnectHandler;
pub use disconnect::{DisconnectHandler, FromDisconnectParts};
pub(crate) use message::BoxedMessageHandler;
pub use message::{FromMessage, FromMessageParts, MessageHandler};
pub use socketioxide_core::Value;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Runs a message handler's future on the calling task until it first has to wait, and spawns a
/// task for it only then. Most handlers finish without waiting (an emit to a local room, an ack),
/// and a spawned, scheduled and woken task per incoming event cost more than the handler itself.
///
/// The first poll uses a no-op waker; a future that is not ready is then spawned and polled
/// again by its task, which registers the task's waker (the `Future` contract: only the waker of
/// the latest poll is woken). A panic in that first poll is caught, as the task would have caught
/// it, so it never reaches the connection's reader. Inside [`call_deferred`] the first poll waits
/// until its call has returned.
pub(crate) fn spawn_unless_ready<F>(fut: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let fut = Box::pin(fut);
    if DEFERRING.get() && !DEFERRED.with(|slot| slot.borrow().is_some()) {
        DEFERRED.with(|slot| *slot.borrow_mut() = Some(fut));
        return;
    }
    poll_or_spawn(fut);
}

/// A handler future whose first poll waits for the end of [`call_deferred`].
type Deferred = Pin<Box<dyn Future<Output = ()> + Send>>;

thread_local! {
    /// Set while [`call_deferred`] runs its call.
    static DEFERRING: Cell<bool> = const { Cell::new(false) };
    /// The handler future that call started.
    static DEFERRED: RefCell<Option<Deferred>> = const { RefCell::new(None) };
}

/// Runs `call`, which starts a handler while it holds a lock (the socket's handler table), and
/// polls the handler only once `call` has returned and released it: a handler that runs in place
/// may take that lock itself (a handler that registers another), which would deadlock.
pub(crate) fn call_deferred(call: impl FnOnce()) {
    /// Leaves the deferring mode even if `call` panics.
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            DEFERRING.set(self.0);
        }
    }
    {
        let _reset = Reset(DEFERRING.replace(true));
        call();
    }
    if let Some(fut) = DEFERRED.with(|slot| slot.borrow_mut().take()) {
        poll_or_spawn(fut);
    }
}

fn poll_or_spawn<F>(mut fut: Pin<Box<F>>)
where
    F: Future<Output = ()> + Send + ?Sized + 'static,
{
    let mut cx = Context::from_waker(Waker::noop());
    match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(&mut cx))) {
        Ok(Poll::Ready(())) => {}
        Ok(Poll::Pending) => {
            tokio::spawn(fut);
        }
        Err(_panic) => {
            #[cfg(feature = "tracing")]
            tracing::error!("a message handler panicked");
        }
    }
}

/// A struct used to erase the type of [`ConnectHandler`] or [`MessageHandler`] so it can be stored in a map
pub(crate) struct MakeErasedHandler<H, A, T> {
    handler: H,
    adapter: std::marker::PhantomData<A>,
    type_: std::marker::PhantomData<T>,
}
impl<H, A, T> MakeErasedHandler<H, A, T> {
    pub fn new(handler: H) -> Self {
        Self {
            handler,
            adapter: std::marker::PhantomData,
            type_: std::marker::PhantomData,
        }
    }
}
impl<H: Clone, A, T> Clone for MakeErasedHandler<H, A, T> {
    fn clone(&self) -> Self {
        Self {
            handler: self.handler.clone(),
            adapter: std::marker::PhantomData,
            type_: std::marker::PhantomData,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::spawn_unless_ready;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[tokio::test(flavor = "current_thread")]
    async fn a_handler_that_does_not_wait_runs_before_the_call_returns() {
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        spawn_unless_ready(async move { flag.store(true, Ordering::SeqCst) });
        // No yield in between: on a current-thread runtime a spawned task could not have run yet.
        assert!(ran.load(Ordering::SeqCst));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_handler_that_waits_is_spawned_and_finishes_when_woken() {
        let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel::<u32>();
        spawn_unless_ready(async move {
            let value = rx.await.unwrap();
            done_tx.send(value + 1).unwrap();
        });
        tx.send(41).unwrap();
        assert_eq!(done_rx.await.unwrap(), 42);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_panic_in_the_first_poll_stays_in_the_handler() {
        spawn_unless_ready(async { panic!("handler bug") });
        // Still running: the panic did not unwind into the caller.
        let after_first_await = async { tokio::task::yield_now().await };
        spawn_unless_ready(async move {
            after_first_await.await;
            panic!("later handler bug");
        });
        tokio::task::yield_now().await;
    }
}
