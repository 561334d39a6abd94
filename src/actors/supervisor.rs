//! The root supervisor and the plumbing children need: ractor has no restart strategy of its
//! own (its default even stops the supervisor when a child dies), so the policy lives here:
//! one-for-one restart with a growing pause when a child keeps failing.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use ractor::{Actor, ActorCell, ActorId, ActorProcessingErr, ActorRef, SpawnErr, SupervisionEvent};

/// Where the current incarnation of a child can be found. Cheap to clone; read on every use so a
/// restarted child is picked up at once.
pub struct Slot<M>(Arc<RwLock<Option<ActorRef<M>>>>);

impl<M> Clone for Slot<M> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<M> Default for Slot<M> {
    fn default() -> Self {
        Self(Arc::new(RwLock::new(None)))
    }
}

impl<M> Slot<M> {
    /// The running child, or `None` while it is (re)starting or after shutdown.
    pub fn get(&self) -> Option<ActorRef<M>> {
        self.0.read().ok().and_then(|r| r.clone())
    }

    /// Send a request and wait for the reply, at most `deadline`.
    pub async fn ask<T, F>(&self, build: F, deadline: Duration) -> Result<T, AskError>
    where
        M: ractor::Message,
        T: Send + 'static,
        F: FnOnce(ractor::RpcReplyPort<T>) -> M,
    {
        let actor = self.get().ok_or(AskError::NotRunning)?;
        match actor.call(build, Some(deadline)).await {
            Ok(ractor::rpc::CallResult::Success(reply)) => Ok(reply),
            Ok(ractor::rpc::CallResult::Timeout) => Err(AskError::Timeout),
            // The actor died with our request (and is being restarted), or was already gone.
            Ok(ractor::rpc::CallResult::SenderError) | Err(_) => Err(AskError::Lost),
        }
    }

    fn set(&self, actor: Option<ActorRef<M>>) {
        if let Ok(mut slot) = self.0.write() {
            *slot = actor;
        }
    }
}

/// Why a request to an actor got no reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AskError {
    #[error("the actor is not running (restarting or shut down)")]
    NotRunning,
    #[error("the actor did not reply in time")]
    Timeout,
    #[error("the actor stopped before replying")]
    Lost,
}

type StartFn = dyn Fn(ActorCell) -> Pin<Box<dyn Future<Output = Result<ActorCell, SpawnErr>> + Send>>
    + Send
    + Sync;

/// How to start (and restart) one child.
pub struct ChildSpec {
    pub name: String,
    start: Arc<StartFn>,
    clear: Box<dyn Fn() + Send + Sync>,
}

impl ChildSpec {
    /// `make` builds the actor and its arguments afresh for every (re)start.
    pub fn new<A, F>(name: impl Into<String>, slot: Slot<A::Msg>, make: F) -> Self
    where
        A: Actor,
        F: Fn() -> (A, A::Arguments) + Send + Sync + 'static,
    {
        let make = Arc::new(make);
        let start_slot = slot.clone();
        let start: Arc<StartFn> = Arc::new(move |supervisor: ActorCell| {
            let make = make.clone();
            let slot = start_slot.clone();
            Box::pin(async move {
                let (actor, args) = make();
                let (actor_ref, _join) = A::spawn_linked(None, actor, args, supervisor).await?;
                let cell = actor_ref.get_cell();
                slot.set(Some(actor_ref));
                Ok(cell)
            })
        });
        Self {
            name: name.into(),
            start,
            clear: Box::new(move || slot.set(None)),
        }
    }
}

pub struct RootSupervisor;

pub struct RootState {
    specs: Vec<ChildSpec>,
    running: Vec<Option<ActorId>>,
    /// Recent failure times per child, for the restart pause.
    failures: Vec<Vec<Instant>>,
}

/// Failures within this window count towards a child's restart pause.
const FAILURE_WINDOW: Duration = Duration::from_secs(60);
const MAX_RESTART_PAUSE: Duration = Duration::from_secs(5);

impl RootState {
    fn restart_pause(&mut self, index: usize) -> Duration {
        let now = Instant::now();
        let recent = &mut self.failures[index];
        recent.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
        recent.push(now);
        // The first restart is immediate; a child that keeps failing waits 50 ms, 100 ms, … up
        // to 5 s, so a crash loop cannot eat the CPU.
        match recent.len() {
            0 | 1 => Duration::ZERO,
            n => (Duration::from_millis(25) * 2u32.saturating_pow((n as u32).min(16)))
                .min(MAX_RESTART_PAUSE),
        }
    }
}

impl Actor for RootSupervisor {
    type Msg = ();
    type State = RootState;
    type Arguments = Vec<ChildSpec>;

    async fn pre_start(
        &self,
        myself: ActorRef<()>,
        specs: Vec<ChildSpec>,
    ) -> Result<RootState, ActorProcessingErr> {
        let mut running = Vec::with_capacity(specs.len());
        for spec in &specs {
            let cell = (spec.start)(myself.get_cell()).await?;
            tracing::debug!(child = %spec.name, "actor started");
            running.push(Some(cell.get_id()));
        }
        let failures = vec![Vec::new(); specs.len()];
        Ok(RootState {
            specs,
            running,
            failures,
        })
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<()>,
        event: SupervisionEvent,
        state: &mut RootState,
    ) -> Result<(), ActorProcessingErr> {
        let (cell, failure) = match event {
            SupervisionEvent::ActorFailed(cell, err) => (cell, Some(err.to_string())),
            SupervisionEvent::ActorTerminated(cell, _, reason) => (cell, reason),
            _ => return Ok(()),
        };
        let Some(index) = state
            .running
            .iter()
            .position(|id| *id == Some(cell.get_id()))
        else {
            return Ok(());
        };
        let name = state.specs[index].name.clone();
        (state.specs[index].clear)();
        state.running[index] = None;
        tracing::warn!(child = %name, reason = failure.as_deref().unwrap_or("stopped"), "actor exited, restarting it");
        let pause = state.restart_pause(index);
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        match (state.specs[index].start)(myself.get_cell()).await {
            Ok(cell) => {
                state.running[index] = Some(cell.get_id());
                tracing::info!(child = %name, "actor restarted");
            }
            // A child that cannot even start takes the tree down: the service is not whole.
            Err(e) => return Err(format!("cannot restart {name}: {e}").into()),
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        myself: ActorRef<()>,
        state: &mut RootState,
    ) -> Result<(), ActorProcessingErr> {
        myself
            .stop_children_and_wait(Some("shutdown".into()), Some(SHUTDOWN_DEADLINE))
            .await;
        for spec in &state.specs {
            (spec.clear)();
        }
        Ok(())
    }
}

/// How long children get to finish their work on shutdown.
const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(10);

/// The running tree: stop it with [`ActorTree::shutdown`].
pub struct ActorTree {
    root: ActorRef<()>,
    join: tokio::task::JoinHandle<()>,
}

impl ActorTree {
    pub async fn start(children: Vec<ChildSpec>) -> Result<Self, SpawnErr> {
        let (root, join) = Actor::spawn(None, RootSupervisor, children).await?;
        Ok(Self { root, join })
    }

    /// Stop every child (in-flight work gets [`SHUTDOWN_DEADLINE`]) and then the root.
    pub async fn shutdown(self) {
        self.root.stop(Some("shutdown".into()));
        let _ = tokio::time::timeout(SHUTDOWN_DEADLINE + Duration::from_secs(1), self.join).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ractor::{RpcReplyPort, call_t};

    struct Flaky;

    enum FlakyMsg {
        Echo(u32, RpcReplyPort<u32>),
        Panic,
    }

    impl Actor for Flaky {
        type Msg = FlakyMsg;
        type State = ();
        type Arguments = ();

        async fn pre_start(&self, _: ActorRef<FlakyMsg>, _: ()) -> Result<(), ActorProcessingErr> {
            Ok(())
        }

        async fn handle(
            &self,
            _: ActorRef<FlakyMsg>,
            msg: FlakyMsg,
            _: &mut (),
        ) -> Result<(), ActorProcessingErr> {
            match msg {
                FlakyMsg::Echo(n, reply) => {
                    let _ = reply.send(n);
                }
                FlakyMsg::Panic => panic!("injected failure (expected in this test)"),
            }
            Ok(())
        }
    }

    async fn echo(slot: &Slot<FlakyMsg>) -> Option<u32> {
        let actor = slot.get()?;
        call_t!(actor, FlakyMsg::Echo, 1000, 7).ok()
    }

    #[tokio::test]
    async fn a_panicking_child_is_replaced_and_the_slot_follows_it() {
        let slot = Slot::<FlakyMsg>::default();
        let tree = ActorTree::start(vec![ChildSpec::new("flaky", slot.clone(), || (Flaky, ()))])
            .await
            .expect("tree starts");
        assert_eq!(echo(&slot).await, Some(7));
        let first = slot.get().expect("running").get_id();

        for _ in 0..3 {
            let before = slot.get().expect("running").get_id();
            slot.get()
                .expect("running")
                .cast(FlakyMsg::Panic)
                .expect("cast");
            let deadline = Instant::now() + Duration::from_secs(5);
            while slot.get().map(|a| a.get_id()) == Some(before) || slot.get().is_none() {
                assert!(Instant::now() < deadline, "the child was not restarted");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            assert_eq!(echo(&slot).await, Some(7), "the replacement answers");
        }
        assert_ne!(slot.get().expect("running").get_id(), first);

        tree.shutdown().await;
        assert!(slot.get().is_none(), "shutdown empties the slots");
    }
}
