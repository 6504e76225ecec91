use super::*;

fn net(text: &str) -> IpNet {
    text.parse().unwrap()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn an_address_allows_only_itself() {
    assert!(IpNet::LOCALHOST_V4.contains(ip("127.0.0.1")));
    assert!(!IpNet::LOCALHOST_V4.contains(ip("127.0.0.2")));
    assert!(IpNet::LOCALHOST_V6.contains(ip("::1")));
    assert!(!IpNet::LOCALHOST_V6.contains(ip("127.0.0.1")));
}

#[test]
fn a_network_allows_its_addresses() {
    assert!(net("10.0.0.0/8").contains(ip("10.200.3.4")));
    assert!(!net("10.0.0.0/8").contains(ip("11.0.0.1")));
    assert!(net("192.168.4.0/22").contains(ip("192.168.7.255")));
    assert!(!net("192.168.4.0/22").contains(ip("192.168.8.0")));
    assert!(net("fd00::/8").contains(ip("fd12::1")));
    assert!(net("0.0.0.0/0").contains(ip("203.0.113.9")));
}

#[test]
fn an_ipv4_client_on_an_ipv6_socket_counts_as_ipv4() {
    assert!(IpNet::LOCALHOST_V4.contains(ip("::ffff:127.0.0.1")));
}

#[test]
fn bad_addresses_and_prefixes_are_refused_and_good_ones_print_as_written() {
    assert!("localhost".parse::<IpNet>().is_err());
    assert!("10.0.0.0/33".parse::<IpNet>().is_err());
    assert!("::/129".parse::<IpNet>().is_err());
    assert!("10.0.0.0/x".parse::<IpNet>().is_err());
    assert_eq!(net("10.0.0.0/8").to_string(), "10.0.0.0/8");
    assert_eq!(net("::1").to_string(), "::1");
}
