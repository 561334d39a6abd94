//! The pruner: every `PASSPORT_PRUNE_INTERVAL_SECS` it deletes short-lived rows past their
//! retention and wipes the QQ tokens of expired pending identities (see `retention.rs`). Each
//! instance runs one; passes from several instances overlap harmlessly.

use ractor::{Actor, ActorProcessingErr, ActorRef};
use sea_orm::DatabaseConnection;

use crate::retention::{self, RetentionSettings};

pub enum PrunerMsg {
    /// Run one pass now.
    Prune,
}

pub struct Pruner;

#[derive(Clone)]
pub struct PrunerArgs {
    pub db: DatabaseConnection,
    pub settings: RetentionSettings,
}

pub struct PrunerState {
    args: PrunerArgs,
    ticker: tokio::task::JoinHandle<()>,
}

impl Actor for Pruner {
    type Msg = PrunerMsg;
    type State = PrunerState;
    type Arguments = PrunerArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<PrunerMsg>,
        args: PrunerArgs,
    ) -> Result<PrunerState, ActorProcessingErr> {
        let _ = myself.cast(PrunerMsg::Prune);
        let ticker = myself.send_interval(args.settings.interval, || PrunerMsg::Prune);
        Ok(PrunerState { args, ticker })
    }

    async fn handle(
        &self,
        _: ActorRef<PrunerMsg>,
        msg: PrunerMsg,
        state: &mut PrunerState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            PrunerMsg::Prune => {
                match retention::prune(&state.args.db, &state.args.settings, crate::jobs::now())
                    .await
                {
                    Ok(pruned) if pruned.total() == 0 => {}
                    Ok(pruned) => tracing::info!(?pruned, "pruned rows past retention"),
                    // The next pass tries again; a database outage shows in /readyz.
                    Err(e) => tracing::warn!(error = %e, "cannot prune rows past retention"),
                }
            }
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _: ActorRef<PrunerMsg>,
        state: &mut PrunerState,
    ) -> Result<(), ActorProcessingErr> {
        state.ticker.abort();
        Ok(())
    }
}
