//! Strange and hostile requests get a clear 4xx (or a timeout), never a 5xx, and the server
//! keeps serving everybody else.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::*;

/// Proof the server still answers, and nothing was stored by the hostile request.
async fn still_serving(app: &TestApp) {
    let response = app.get(&format!("{BETA}/accessPackages")).await;
    response.expect(200);
    assert_eq!(app.count_rows("access_packages").await, 0);
}

/// Sends raw bytes on a fresh connection and returns the status line's code, or None when the
/// server closed without answering. Blocking I/O runs off the test's runtime thread, which
/// the in-process server also needs.
async fn raw_exchange(app: &TestApp, request: &[u8]) -> Option<u16> {
    let address = app.address.trim_start_matches("http://").to_owned();
    let request = request.to_vec();
    actix_web::rt::task::spawn_blocking(move || blocking_exchange(&address, &request))
        .await
        .expect("the exchange thread ends")
}

fn blocking_exchange(address: &str, request: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a read timeout");
    // The server may answer and close before reading everything; that is fine.
    let _ = stream.write_all(request);
    // Only the status line: after it the server may reset the connection it closed with
    // bytes unread.
    let mut answer = [0u8; 12];
    let mut read = 0;
    while read < answer.len() {
        match stream.read(&mut answer[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    let text = String::from_utf8_lossy(&answer[..read]);
    text.strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
}

async fn post_bytes(app: &TestApp, body: Vec<u8>) -> TestResponse {
    app.post_raw(&format!("{BETA}/accessPackages"), "application/json", body)
        .await
}

#[actix_web::test]
async fn invalid_utf8_is_400() {
    let app = spawn_app().await;
    let mut body =
        br#"{"catalogId":"aa2f6514-3232-46e7-a08a-2411ad8d7128","displayName":""#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    body.extend_from_slice(br#""}"#);

    post_bytes(&app, body)
        .await
        .assert_graph_error(400, "BadRequest");
    still_serving(&app).await;
}

#[actix_web::test]
async fn huge_numbers_are_400() {
    let app = spawn_app().await;
    for body in [
        format!(r#"{{"catalogId":"{GENERAL}","displayName":"n","isHidden":1e400}}"#),
        format!(
            r#"{{"catalogId":"{GENERAL}","displayName":1{}}}"#,
            "0".repeat(5000)
        ),
        format!(
            r#"{{"catalogId":"{GENERAL}","displayName":"n","isHidden":-99999999999999999999999}}"#
        ),
    ] {
        let response = post_bytes(&app, body.into_bytes()).await;
        assert_eq!(response.status.as_u16(), 400, "{:?}", response.body);
    }
    still_serving(&app).await;
}

#[actix_web::test]
async fn json_nested_ten_thousand_deep_is_400() {
    let app = spawn_app().await;
    let depth = 10_000;
    let body = format!(
        r#"{{"catalogId":"{GENERAL}","displayName":"deep","description":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );

    post_bytes(&app, body.into_bytes())
        .await
        .assert_graph_error(400, "BadRequest");
    still_serving(&app).await;
}

#[actix_web::test]
async fn a_ten_megabyte_body_is_413() {
    let app = spawn_app().await;
    let body = json!({
        "catalogId": GENERAL,
        "displayName": "big",
        "description": "x".repeat(10 * 1024 * 1024),
    });

    post_bytes(&app, serde_json::to_vec(&body).unwrap())
        .await
        .assert_graph_error(413, "RequestEntityTooLarge");
    still_serving(&app).await;
}

#[actix_web::test]
async fn a_64_kb_url_is_a_4xx() {
    let app = spawn_app().await;
    let filter = format!("displayName eq '{}'", "a".repeat(64 * 1024));
    let request = format!(
        "GET {BETA}/accessPackages?$filter={} HTTP/1.1\r\nHost: x\r\nAuthorization: {BEARER}\r\nConnection: close\r\n\r\n",
        filter.replace(' ', "%20")
    );

    let status = raw_exchange(&app, request.as_bytes())
        .await
        .expect("an answer");
    assert!((400..500).contains(&status), "{status}");
    still_serving(&app).await;
}

#[actix_web::test]
async fn thousands_of_headers_are_a_4xx() {
    let app = spawn_app().await;
    let mut request =
        format!("GET {BETA}/accessPackages HTTP/1.1\r\nHost: x\r\nAuthorization: {BEARER}\r\n");
    for i in 0..5_000 {
        request.push_str(&format!("x-header-{i}: {i}\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");

    let status = raw_exchange(&app, request.as_bytes())
        .await
        .expect("an answer");
    assert!((400..500).contains(&status), "{status}");
    still_serving(&app).await;
}

/// A client that trickles its request head, a byte every 20 ms, is cut off
/// `limits.request_head_timeout_ms` after connecting, long before its head is complete (a
/// deadline per byte would never fire), and others are served meanwhile. The 408 is actix's
/// own, written before any of the emulator's layers run: bare, not Graph's envelope
/// (docs/src/errors.md).
#[actix_web::test]
async fn a_client_sending_one_byte_at_a_time_is_cut_off_while_others_are_served() {
    let app = spawn_app_with(|settings| settings.limits.request_head_timeout_ms = 300).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let head = format!(
        "GET {BETA}/accessPackages HTTP/1.1\r\nHost: x\r\nAuthorization: {BEARER}\r\nx-padding: {}\r\n\r\n",
        "p".repeat(150)
    );
    let total = head.len();
    let mut slow = TcpStream::connect(&address).expect("connects");
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a read timeout");
    let mut writer = slow.try_clone().expect("a second handle");
    let trickle = actix_web::rt::task::spawn_blocking(move || {
        let mut sent = 0;
        for byte in head.as_bytes() {
            if writer.write_all(std::slice::from_ref(byte)).is_err() {
                break;
            }
            sent += 1;
            std::thread::sleep(Duration::from_millis(20));
        }
        sent
    });

    still_serving(&app).await;

    let answer = actix_web::rt::task::spawn_blocking(move || {
        let mut answer = Vec::new();
        let _ = slow.read_to_end(&mut answer);
        answer
    })
    .await
    .expect("the reading thread ends");
    let sent = trickle.await.expect("the writing thread ends");
    assert!(
        sent < total,
        "the whole {total}-byte head got through: never cut off"
    );
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{text}"
    );
    assert!(
        !text.contains("request-id"),
        "docs/src/errors.md says this 408 is bare; it is not any more: {text}"
    );
    still_serving(&app).await;
}

/// SQL in names and filters is data: stored verbatim, found verbatim, nothing executed.
#[actix_web::test]
async fn sql_injection_strings_are_stored_and_compared_verbatim() {
    let app = spawn_app().await;
    let names = [
        "'; DROP TABLE access_packages; --",
        "x' OR '1'='1",
        "\") OR 1=1 --",
        "%_\\",
    ];
    for name in names {
        let created = app.create_beta_package(name).await;
        assert_eq!(created.status.as_u16(), 201, "{:?}", created.body);
        assert_eq!(created.json()["displayName"], name);
    }
    for name in names {
        let filter = format!("displayName eq '{}'", name.replace('\'', "''"));
        let encoded: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
        let found = app
            .get(&format!("{BETA}/accessPackages?$filter={encoded}"))
            .await;
        assert_eq!(found.status.as_u16(), 200, "{:?}", found.body);
        let value = found.json()["value"].clone();
        assert_eq!(value.as_array().map(Vec::len), Some(1), "{name}: {value}");
        assert_eq!(value[0]["displayName"], name);
    }
    // LIKE's wildcards and its escape character are data inside contains/startswith too:
    // an unescaped '_' matches any character ('x_' would find "x' OR…", '_' at the start
    // every name), and an unescaped backslash would escape what follows it.
    for (function, needle, expected) in [
        ("contains", "%_", vec!["%_\\"]),
        ("contains", "x_", vec![]),
        ("startswith", "_", vec![]),
        ("contains", "\\", vec!["%_\\"]),
        ("endswith", "_\\", vec!["%_\\"]),
    ] {
        let filter = format!("{function}(displayName,'{needle}')");
        let encoded: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
        let found = app
            .get(&format!("{BETA}/accessPackages?$filter={encoded}"))
            .await;
        assert_eq!(found.status.as_u16(), 200, "{:?}", found.body);
        let names: Vec<Value> = found.json()["value"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|p| p["displayName"].clone())
            .collect();
        let expected: Vec<Value> = expected.into_iter().map(Value::from).collect();
        assert_eq!(names, expected, "{filter}");
    }
    assert_eq!(app.count_rows("access_packages").await, 4);
}
