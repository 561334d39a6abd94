//! Our clients against their counterparts, without the app: the typed QQ client against the
//! simulator (`qq_client`), and the signer against Python's itsdangerous (`itsdangerous`).

#[path = "../support/python_signer.rs"]
mod python_signer;

mod itsdangerous;
mod qq_client;
