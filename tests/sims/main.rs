//! The simulators on the wire, without the app: QQ Connect (`qq_sim`) and Tencent Cloud
//! (`tencent_sim`), each spawned on a random local port and spoken to with plain reqwest.

mod qq_sim;
mod tencent_sim;
