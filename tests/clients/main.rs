//! Our clients against their counterparts, without the app: the typed QQ client against the
//! simulator (`qq_client`), the WeChat and Weibo clients against theirs (`social_clients`), and the signer against Python's itsdangerous (`itsdangerous`).

#[path = "../support/python_signer.rs"]
mod python_signer;

mod itsdangerous;
mod qq_client;
mod social_clients;
