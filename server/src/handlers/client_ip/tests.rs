use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn only_a_trusted_peer_is_believed_and_only_up_to_the_first_untrusted_hop() {
    let lb = ip("10.0.0.2");
    let trusted = [lb, ip("10.0.0.3")];
    let client = ip("203.0.113.7");
    assert_eq!(
        client_ip(client, ["198.51.100.1"].into_iter(), &trusted),
        client,
        "not a proxy"
    );
    assert_eq!(client_ip(lb, ["203.0.113.7"].into_iter(), &trusted), client);
    let spoofed = ["6.6.6.6, 203.0.113.7, 10.0.0.3"];
    assert_eq!(client_ip(lb, spoofed.into_iter(), &trusted), client);
    let split = ["6.6.6.6", "203.0.113.7"];
    assert_eq!(
        client_ip(lb, split.into_iter(), &trusted),
        client,
        "several headers"
    );
    assert_eq!(client_ip(lb, ["garbage"].into_iter(), &trusted), lb);
    assert_eq!(client_ip(lb, std::iter::empty(), &trusted), lb, "no header");
}
