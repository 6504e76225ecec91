//! HTTP surface of the real server, over real TCP: health and metrics routes, CORS, the Engine.IO
//! handshake, and graceful shutdown both in-process and of the built binary on SIGTERM / SIGINT.

mod common;

use std::time::Duration;

use common::{
    engineio_handshake, get, parse_response, poll_until_connected_and_pinged, request,
    send_request, with_timeout, TestServer,
};
use tokio::io::AsyncReadExt;

/// Upper bound for `run` to return once shutdown fires (its own grace period is 4 s).
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn healthz_answers_ok() {
    let server = TestServer::start().await;
    let res = get(server.addr, "/healthz", &[]).await;
    assert_eq!(res.status, 200, "{res:?}");
    assert_eq!(res.body, "ok");
}

#[tokio::test]
async fn metrics_are_prometheus_text_with_every_metric_name() {
    let server = TestServer::start().await;
    let res = get(server.addr, "/metrics", &[]).await;
    assert_eq!(res.status, 200, "{res:?}");
    let content_type = res.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("text/plain"),
        "content-type: {content_type:?}"
    );
    for name in [
        "jam_connections",
        "jam_rooms",
        "jam_participants",
        "jam_events_relayed_total",
        "jam_deliveries_total",
        "jam_errors_total{code=\"room_not_found\"}",
    ] {
        let present = res
            .body
            .lines()
            .any(|line| line.split(' ').next() == Some(name));
        assert!(present, "no sample for {name} in:\n{}", res.body);
    }
}

#[tokio::test]
async fn cors_allows_configured_origins_only() {
    let server = TestServer::start().await;

    let allowed = get(
        server.addr,
        "/healthz",
        &[("Origin", "http://localhost:5173")],
    )
    .await;
    assert_eq!(allowed.status, 200, "{allowed:?}");
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://localhost:5173"),
        "{allowed:?}"
    );

    let denied = get(server.addr, "/healthz", &[("Origin", "http://evil.test")]).await;
    assert_eq!(
        denied.header("access-control-allow-origin"),
        None,
        "{denied:?}"
    );
}

#[tokio::test]
async fn engineio_polling_handshake_opens_a_session() {
    let server = TestServer::start().await;
    let res = get(server.addr, "/socket.io/?EIO=4&transport=polling", &[]).await;
    assert_eq!(res.status, 200, "{res:?}");
    assert!(res.body.starts_with("0{"), "body: {:?}", res.body);
    assert!(res.body.contains("\"sid\""), "body: {:?}", res.body);
    // The body is a valid open packet with a sid.
    engineio_handshake(server.addr).await;
}

#[tokio::test]
async fn shutdown_completes_with_a_client_connected_and_a_poll_pending() {
    let mut server = TestServer::start().await;
    let addr = server.addr;
    let sid = engineio_handshake(addr).await;
    let session = format!("/socket.io/?EIO=4&transport=polling&sid={sid}");

    // Connect the default namespace; the server acknowledges with a `40{"sid":…}` packet.
    let posted = request(addr, "POST", &session, &[], "40").await;
    assert_eq!(posted.status, 200, "{posted:?}");
    poll_until_connected_and_pinged(addr, &session).await;

    // This poll has nothing to receive, so it stays pending until the server ends it.
    let mut pending = send_request(addr, "GET", &session, &[], "").await;
    let pending_poll = tokio::spawn(async move {
        let mut raw = Vec::new();
        let _ = pending.read_to_end(&mut raw).await;
        raw
    });
    // A round trip on another connection, accepted after the poll's, gives the server time to take
    // the poll in; it also shows the client is counted as connected when shutdown begins.
    let metrics = get(addr, "/metrics", &[]).await;
    assert!(
        metrics.body.lines().any(|l| l == "jam_connections 1"),
        "{}",
        metrics.body
    );

    server.trigger_shutdown();
    let result = with_timeout(SHUTDOWN_LIMIT, &mut server.handle)
        .await
        .expect("run task panicked");
    assert!(result.is_ok(), "run returned {result:?}");

    // Shutdown answered the pending poll and closed its connection rather than leaving it hanging.
    let raw = with_timeout(SHUTDOWN_LIMIT, pending_poll)
        .await
        .expect("poll task");
    let poll = parse_response(&raw);
    assert_eq!(poll.status, 200, "{poll:?}");
    assert_eq!(
        poll.body, "1",
        "expected an Engine.IO close packet: {poll:?}"
    );
}

/// The built binary, stopped by signals (Unix only).
#[cfg(unix)]
mod binary {
    use std::io::{BufRead, BufReader, Read};
    use std::net::SocketAddr;
    use std::process::{Child, Command, Stdio};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    use super::common::get;

    /// Upper bound for the binary to print its address (generous: the machine may be loaded).
    const STARTUP_LIMIT: Duration = Duration::from_secs(30);
    /// The binary must exit this soon after a signal.
    const EXIT_LIMIT: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn binary_exits_cleanly_on_sigterm() {
        binary_exits_cleanly_on("TERM").await;
    }

    #[tokio::test]
    async fn binary_exits_cleanly_on_sigint() {
        binary_exits_cleanly_on("INT").await;
    }

    /// The listening line is the readiness signal harnesses and supervisors act on, so a signal sent
    /// right after it must already get the graceful path.
    #[test]
    fn binary_exits_cleanly_on_sigterm_sent_right_after_the_listening_line() {
        let mut server = Binary::spawn();
        server.wait_for_listening_line();
        server.send_signal("TERM");
        server.assert_exits_with_0("TERM");
    }

    /// Starts the built binary on a free port, checks it serves, sends `signal`, expects exit status 0.
    async fn binary_exits_cleanly_on(signal: &str) {
        let mut server = Binary::spawn();
        let addr = server.wait_for_listening_line();

        let res = get(addr, "/healthz", &[]).await;
        assert_eq!(res.status, 200, "{res:?}");
        assert_eq!(res.body, "ok");

        server.send_signal(signal);
        server.assert_exits_with_0(signal);
    }

    /// The built binary on `127.0.0.1:0`; its stdout (the listening line) and stderr (the logs)
    /// are read on threads for its whole life, so neither pipe fills and failures can show both.
    struct Binary {
        child: Child,
        stdout: mpsc::Receiver<String>,
        stderr: mpsc::Receiver<String>,
    }

    impl Binary {
        fn spawn() -> Self {
            let mut child = Command::new(env!("CARGO_BIN_EXE_jam-server"))
                .args(["--host", "127.0.0.1", "--port", "0"])
                .env_remove("JAM_LOG")
                .env("RUST_LOG", "info")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn jam-server");
            let stdout = drain_lines(child.stdout.take().expect("stdout"));
            let stderr = drain_lines(child.stderr.take().expect("stderr"));
            Binary {
                child,
                stdout,
                stderr,
            }
        }

        /// Waits for `jam-server listening on http://ADDR` on stdout and returns ADDR.
        fn wait_for_listening_line(&self) -> SocketAddr {
            let deadline = Instant::now() + STARTUP_LIMIT;
            let mut seen = Vec::new();
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match self.stdout.recv_timeout(left) {
                    Ok(line) => {
                        if let Some(addr) = line.strip_prefix("jam-server listening on http://") {
                            return addr
                                .trim()
                                .parse()
                                .unwrap_or_else(|_| panic!("bad address in {line:?}"));
                        }
                        seen.push(line);
                    }
                    Err(err) => panic!(
                        "no listening line ({err}); stdout so far: {seen:#?}; stderr: {:#?}",
                        self.stderr_so_far()
                    ),
                }
            }
        }

        /// Sends `signal` (`"TERM"` or `"INT"`) straight from this process: no `kill` child in
        /// between to delay it, so a signal sent right after the listening line arrives that early.
        fn send_signal(&self, signal: &str) {
            let signum = match signal {
                "TERM" => libc::SIGTERM,
                "INT" => libc::SIGINT,
                other => panic!("unsupported signal {other}"),
            };
            let pid = libc::pid_t::try_from(self.child.id()).expect("pid fits pid_t");
            // SAFETY: kill(2) has no memory-safety preconditions; `pid` is our child, not yet reaped.
            let rc = unsafe { libc::kill(pid, signum) };
            assert_eq!(
                rc,
                0,
                "kill(SIG{signal}) failed: {}",
                std::io::Error::last_os_error()
            );
        }

        /// Polls `try_wait` until the process exits (at most [`EXIT_LIMIT`]); expects status 0.
        fn assert_exits_with_0(&mut self, signal: &str) {
            let deadline = Instant::now() + EXIT_LIMIT;
            let status = loop {
                if let Some(status) = self.child.try_wait().expect("try_wait") {
                    break status;
                }
                if Instant::now() >= deadline {
                    panic!(
                        "jam-server still running {EXIT_LIMIT:?} after SIG{signal}; stderr: {:#?}",
                        self.stderr_so_far()
                    );
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            assert_eq!(
                status.code(),
                Some(0),
                "exit after SIG{signal}: {status:?}; stderr: {:#?}",
                self.stderr_so_far()
            );
        }

        fn stderr_so_far(&self) -> Vec<String> {
            self.stderr.try_iter().collect()
        }
    }

    /// Kills the process if the test fails before it exits.
    impl Drop for Binary {
        fn drop(&mut self) {
            if let Ok(None) = self.child.try_wait() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }

    /// Reads a pipe line by line on a thread until it closes.
    fn drain_lines(pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        rx
    }
}

/// `--static-dir` serves the built page at `/` (with `?room=` links) beside Socket.IO and the API.
#[tokio::test]
async fn static_dir_serves_the_page_beside_socketio() {
    let dir = std::env::temp_dir().join(format!("jam-static-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("assets")).expect("create dir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>Jam</title>").expect("write");
    std::fs::write(dir.join("assets/app.js"), "console.log(1)").expect("write");
    let config = jam_server::Config {
        static_dir: Some(dir.clone()),
        ..jam_server::Config::defaults()
    };
    let server = TestServer::start_with(config).await;

    let page = get(server.addr, "/?room=ABC234", &[]).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains("<title>Jam</title>"));
    assert!(page
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/html"));
    let asset = get(server.addr, "/assets/app.js", &[]).await;
    assert_eq!(asset.status, 200, "{asset:?}");
    assert_eq!(get(server.addr, "/healthz", &[]).await.body, "ok");
    assert_eq!(get(server.addr, "/missing.js", &[]).await.status, 404);
    let sid = engineio_handshake(server.addr).await;
    assert!(!sid.is_empty());
    let _ = std::fs::remove_dir_all(dir);
}
