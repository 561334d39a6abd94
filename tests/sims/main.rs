//! The simulators on the wire, without the app: QQ Connect (`qq_sim`) and Tencent Cloud
//! (`tencent_sim`), each spawned on a random local port and spoken to with plain reqwest.

mod qq_sim;
mod tencent_sim;

/// GET `url` and read its JSON answer (any status).
async fn get_json(http: &reqwest::Client, url: String) -> serde_json::Value {
    http.get(url)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("a JSON answer")
}
