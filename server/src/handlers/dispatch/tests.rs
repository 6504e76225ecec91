use super::*;
use crate::sessions::SessionManager;
use std::sync::Arc;

/// A disconnect handler can still be sending when shutdown has closed the namespace.
#[tokio::test]
async fn sending_after_the_server_closed_does_not_panic() {
    let (_layer, io) = SocketIo::new_layer();
    io.ns("/", || async {});
    io.close().await;
    let sessions = SessionManager::new(crate::Config::defaults().limits());
    let creator: crate::sessions::ConnId = Arc::from("creator");
    let code = sessions.create_room(&creator, None).await.unwrap();
    let joined = sessions.join(&creator, &code, "Ann").await.unwrap();
    deliver(&io, None, joined.delivery).await;
    kicked(&io, "AAAAAAAAAAAAAAAA", &code).await;
    taken_over(&io, "AAAAAAAAAAAAAAAA", &code).await;
}
