//! The page as a production site serves it, over real TCP: the precompressed file the browser's
//! `Accept-Encoding` allows, a year's cache for content-hashed assets and revalidation for
//! `index.html`, the security headers, and `/metrics` only for the addresses `--metrics-allow` lists.
//! The page here is a stand-in whose `.br` / `.gz` files say which one was served.

mod common;

use std::path::PathBuf;

use common::{get, TestServer};
use jam_server::page::CONTENT_SECURITY_POLICY_VALUE;

const ASSET: &str = "/assets/app-3f9a1c.js";

/// A built page in a fresh folder: index.html and one hashed script, each with `.br` and `.gz`.
fn page_dir() -> PathBuf {
    let unique = format!(
        "jam-page-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    );
    let dir = std::env::temp_dir().join(unique.replace(['(', ')'], ""));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    for (file, body) in [
        ("index.html", "<!doctype html><title>Jam</title>"),
        (&ASSET[1..], "plain script"),
    ] {
        std::fs::write(dir.join(file), body).unwrap();
        std::fs::write(dir.join(format!("{file}.br")), format!("br of {file}")).unwrap();
        std::fs::write(dir.join(format!("{file}.gz")), format!("gzip of {file}")).unwrap();
    }
    dir
}

async fn serve_page() -> TestServer {
    let mut config = jam_server::Config::defaults();
    config.static_dir = Some(page_dir());
    TestServer::start_with(config).await
}

#[tokio::test]
async fn each_browser_gets_the_encoding_it_accepts() {
    let server = serve_page().await;
    let br = get(
        server.addr,
        ASSET,
        &[("accept-encoding", "gzip, deflate, br")],
    )
    .await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.body, "br of assets/app-3f9a1c.js");
    assert_eq!(br.header("content-type"), Some("text/javascript"));
    let gzip = get(server.addr, ASSET, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(gzip.body, "gzip of assets/app-3f9a1c.js");
    let plain = get(server.addr, ASSET, &[]).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, "plain script");
    for res in [&br, &gzip, &plain] {
        assert_eq!(res.header("vary"), Some("accept-encoding"));
    }
    let index = get(server.addr, "/", &[("accept-encoding", "br")]).await;
    assert_eq!(index.header("content-encoding"), Some("br"));
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_the_page_is_revalidated() {
    let server = serve_page().await;
    let asset = get(server.addr, ASSET, &[]).await;
    assert_eq!(
        asset.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let index = get(server.addr, "/", &[]).await;
    assert_eq!(index.status, 200);
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let modified = index
        .header("last-modified")
        .expect("Last-Modified")
        .to_owned();
    let again = get(server.addr, "/", &[("if-modified-since", &modified)]).await;
    assert_eq!(again.status, 304, "unchanged: not sent again");
    let missing = get(server.addr, "/assets/gone-000000.js", &[]).await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("cache-control"),
        Some("no-cache"),
        "a 404 is not kept"
    );
}

#[tokio::test]
async fn the_page_is_locked_down_by_its_headers() {
    let server = serve_page().await;
    for path in ["/", ASSET] {
        let res = get(server.addr, path, &[]).await;
        assert_eq!(
            res.header("content-security-policy"),
            Some(CONTENT_SECURITY_POLICY_VALUE)
        );
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(res.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(res.header("x-frame-options"), Some("DENY"));
    }
    for directive in [
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            CONTENT_SECURITY_POLICY_VALUE.contains(directive),
            "{directive}"
        );
    }
    assert!(
        !CONTENT_SECURITY_POLICY_VALUE.contains("unsafe"),
        "no inline script or eval"
    );
    let socket_io = get(
        server.addr,
        "/socket.io/?EIO=4&transport=polling",
        &[("accept-encoding", "br")],
    )
    .await;
    assert_eq!(socket_io.status, 200);
    assert_eq!(
        socket_io.header("content-encoding"),
        None,
        "Socket.IO is left as it is"
    );
    assert_eq!(socket_io.header("cache-control"), None);
}

/// The status `/metrics` answers, to a request from loopback or forwarded for `client`.
async fn metrics_status(addr: std::net::SocketAddr, client: Option<&str>) -> u16 {
    let forwarded: Vec<(&str, &str)> = client
        .map(|ip| ("x-forwarded-for", ip))
        .into_iter()
        .collect();
    get(addr, "/metrics", &forwarded).await.status
}

#[tokio::test]
async fn metrics_are_only_for_the_listed_addresses() {
    let mut config = jam_server::Config::defaults();
    config.metrics_allow = vec!["10.0.0.0/8".parse().unwrap()];
    let server = TestServer::start_with(config.clone()).await;
    let refused = get(server.addr, "/metrics", &[]).await;
    assert_eq!(refused.status, 403);
    assert!(!refused.body.contains("jam_"), "nothing of the counters");

    // Behind a trusted balancer, the client's address comes from X-Forwarded-For.
    config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let proxied = TestServer::start_with(config).await;
    assert_eq!(metrics_status(proxied.addr, Some("10.1.2.3")).await, 200);
    assert_eq!(metrics_status(proxied.addr, Some("203.0.113.7")).await, 403);

    let local = TestServer::start().await;
    assert_eq!(
        metrics_status(local.addr, None).await,
        200,
        "loopback by default"
    );
}
