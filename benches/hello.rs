//! The web benchmark's reference: a bare axum server answering "hello" on ADDR, built
//! with the same crates and profile as Dossier. Prints `listening http=ADDR`.
//!
//! usage: hello ADDR

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .skip(1)
        .find(|a| a != "--bench")
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind(&addr).await.unwrap();
    println!("listening http={}", listener.local_addr().unwrap());
    axum::serve(listener, app).await.unwrap();
}
