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

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::{Context, Poll, Waker};

/// Runs a message handler's future on the calling task until it first has to wait, and spawns a
/// task for it only then. Most handlers finish without waiting (an emit to a local room, an ack),
/// and a spawned, scheduled and woken task per incoming event cost more than the handler itself.
///
/// The first poll uses a no-op waker; a future that is not ready is then spawned and polled
/// again by its task, which registers the task's waker (the `Future` contract: only the waker of
/// the latest poll is woken). A panic in that first poll is caught, as the task would have caught
/// it, so it never reaches the connection's reader.
pub(crate) fn spawn_unless_ready<F>(fut: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let mut fut = Box::pin(fut);
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
