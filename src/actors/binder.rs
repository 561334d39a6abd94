//! The binders: the actors that write QQ bindings, pending identities and the users registered
//! through QQ. Each request is one transaction (see `accounts::qq_login`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use sea_orm::DatabaseConnection;

use super::supervisor::{AskError, ChildSpec, Slot};
use crate::accounts::AccountError;
use crate::accounts::qq_login::{self, BindTicket, CallbackOutcome, NewAccount, QqIdentity};
use crate::auth::crypto::TokenCipher;
use crate::entities::users;

type Reply<T> = RpcReplyPort<Result<T, AccountError>>;

pub enum BinderMsg {
    /// Store a returning user's fresh tokens, or park a new identity as pending.
    Callback(Box<QqIdentity>, Reply<CallbackOutcome>),
    /// Bind the ticket's identity to a user whose password was proven; the `String` is the
    /// client address (for the owner's notice).
    Bind(BindTicket, Box<users::Model>, String, Reply<users::Model>),
    /// Create a user for the ticket's identity (the `String`: the client address).
    Register(BindTicket, Box<NewAccount>, String, Reply<users::Model>),
}

pub struct Binder;

#[derive(Clone)]
pub struct BinderArgs {
    pub db: DatabaseConnection,
    pub cipher: Arc<TokenCipher>,
    /// The base of the links in notices.
    pub public_base_url: url::Url,
}

impl Actor for Binder {
    type Msg = BinderMsg;
    type State = BinderArgs;
    type Arguments = BinderArgs;

    async fn pre_start(
        &self,
        _: ActorRef<BinderMsg>,
        args: BinderArgs,
    ) -> Result<BinderArgs, ActorProcessingErr> {
        Ok(args)
    }

    async fn handle(
        &self,
        _: ActorRef<BinderMsg>,
        msg: BinderMsg,
        state: &mut BinderArgs,
    ) -> Result<(), ActorProcessingErr> {
        let now = Utc::now();
        match msg {
            BinderMsg::Callback(identity, reply) => {
                let _ = reply
                    .send(qq_login::login_or_pend(&state.db, &state.cipher, &identity, now).await);
            }
            BinderMsg::Bind(ticket, user, client, reply) => {
                let origin = qq_login::Origin {
                    public_base_url: &state.public_base_url,
                    client: &client,
                };
                let _ = reply
                    .send(qq_login::bind_existing(&state.db, &ticket, *user, origin, now).await);
            }
            BinderMsg::Register(ticket, account, client, reply) => {
                let origin = qq_login::Origin {
                    public_base_url: &state.public_base_url,
                    client: &client,
                };
                let _ =
                    reply.send(qq_login::register(&state.db, &ticket, *account, origin, now).await);
            }
        }
        Ok(())
    }
}

/// A few binders side by side: each request is its own transaction and the schema's unique
/// constraints settle races, so binders need not take turns; several keep PostgreSQL busy while
/// one waits on a commit. Requests go round-robin.
#[derive(Clone)]
pub struct BinderPool {
    slots: Arc<Vec<Slot<BinderMsg>>>,
    next: Arc<AtomicUsize>,
}

impl BinderPool {
    pub fn new(size: usize) -> Self {
        Self {
            slots: Arc::new((0..size.max(1)).map(|_| Slot::default()).collect()),
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn child_specs(&self, args: BinderArgs) -> Vec<ChildSpec> {
        self.slots
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let args = args.clone();
                ChildSpec::new(format!("binder_{i}"), slot.clone(), move || {
                    (Binder, args.clone())
                })
            })
            .collect()
    }

    /// Send a request to the next binder and wait for its reply.
    pub async fn ask<T, F>(&self, build: F, deadline: Duration) -> Result<T, AskError>
    where
        T: Send + 'static,
        F: FnOnce(RpcReplyPort<T>) -> BinderMsg,
    {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
        self.slots[i].ask(build, deadline).await
    }
}
