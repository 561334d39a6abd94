//! passport's schema. Every migration runs unchanged on SQLite and PostgreSQL; constraints that
//! protect data (uniqueness, one binding per user, live-job keys) live here, not only in code.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_create_users;
mod m20261125_000002_create_qq_bindings;
mod m20261125_000003_create_pending_qq_identities;
mod m20261125_000004_create_jobs;
mod m20261125_000005_create_password_resets;
mod m20261125_000006_create_sms_codes;
mod m20261125_000007_create_audit_log;
mod m20261125_000008_create_job_deliveries;
mod m20261125_000020_create_rate_limits;
mod m20261125_000030_add_qq_binding_refresh_lease;
mod m20261125_000031_admin_panel;
mod m20261129_000040_create_email_verifications;
mod m20261129_000041_add_jobs_sealed_payload;
mod m20261129_000042_create_used_login_states;
mod m20261129_000050_accounts_self_service;
mod m20261129_000060_create_qq_callback_replays;
mod m20261129_000061_add_qq_binding_profile_fetched_at;
mod m20261130_000062_add_qq_binding_refresh_sent_version;
mod m20261130_000070_social_bindings;
mod m20261130_000071_social_bindings_refresh_scan_index;
mod m20261130_000072_add_jobs_claim_index;
mod m20261130_000080_jobs_partial_state_indexes;
mod m20261201_000090_live_link_indexes;

/// Run `statements` in order (migrations written as plain SQL, the same on both databases).
async fn execute_all(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    for sql in statements {
        manager.get_connection().execute_unprepared(sql).await?;
    }
    Ok(())
}

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_users::Migration),
            Box::new(m20261125_000002_create_qq_bindings::Migration),
            Box::new(m20261125_000003_create_pending_qq_identities::Migration),
            Box::new(m20261125_000004_create_jobs::Migration),
            Box::new(m20261125_000005_create_password_resets::Migration),
            Box::new(m20261125_000006_create_sms_codes::Migration),
            Box::new(m20261125_000007_create_audit_log::Migration),
            Box::new(m20261125_000008_create_job_deliveries::Migration),
            Box::new(m20261125_000020_create_rate_limits::Migration),
            Box::new(m20261125_000030_add_qq_binding_refresh_lease::Migration),
            Box::new(m20261125_000031_admin_panel::Migration),
            Box::new(m20261129_000040_create_email_verifications::Migration),
            Box::new(m20261129_000041_add_jobs_sealed_payload::Migration),
            Box::new(m20261129_000042_create_used_login_states::Migration),
            Box::new(m20261129_000050_accounts_self_service::Migration),
            Box::new(m20261129_000060_create_qq_callback_replays::Migration),
            Box::new(m20261129_000061_add_qq_binding_profile_fetched_at::Migration),
            Box::new(m20261130_000062_add_qq_binding_refresh_sent_version::Migration),
            Box::new(m20261130_000070_social_bindings::Migration),
            Box::new(m20261130_000071_social_bindings_refresh_scan_index::Migration),
            Box::new(m20261130_000072_add_jobs_claim_index::Migration),
            Box::new(m20261130_000080_jobs_partial_state_indexes::Migration),
            Box::new(m20261201_000090_live_link_indexes::Migration),
        ]
    }
}

/// Column helpers shared by the migrations, so every table spells ids and times the same way.
pub(crate) mod cols {
    use sea_orm_migration::prelude::*;

    /// A 64-bit auto-increment primary key (`INTEGER PRIMARY KEY AUTOINCREMENT` on SQLite).
    pub fn id<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .big_integer()
            .not_null()
            .auto_increment()
            .primary_key()
            .to_owned()
    }

    pub fn time<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .timestamp_with_time_zone()
            .not_null()
            .to_owned()
    }

    pub fn time_null<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .timestamp_with_time_zone()
            .null()
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every migration's name as recorded in `seaql_migrations`, in order. Frozen: a name that
    /// changes is a migration that databases already migrated report as missing. A file may be
    /// renamed only if its `name()` keeps returning the recorded string (see
    /// `m20261125_000031_admin_panel`).
    const RECORDED_NAMES: [&str; 23] = [
        "m20261125_000001_create_users",
        "m20261125_000002_create_qq_bindings",
        "m20261125_000003_create_pending_qq_identities",
        "m20261125_000004_create_jobs",
        "m20261125_000005_create_password_resets",
        "m20261125_000006_create_sms_codes",
        "m20261125_000007_create_audit_log",
        "m20261125_000008_create_job_deliveries",
        "m20261125_000020_create_rate_limits",
        "m20261125_000030_add_qq_binding_refresh_lease",
        "m20261125_000030_admin_panel",
        "m20261129_000040_create_email_verifications",
        "m20261129_000041_add_jobs_sealed_payload",
        "m20261129_000042_create_used_login_states",
        "m20261129_000050_accounts_self_service",
        "m20261129_000060_create_qq_callback_replays",
        "m20261129_000061_add_qq_binding_profile_fetched_at",
        "m20261130_000062_add_qq_binding_refresh_sent_version",
        "m20261130_000070_social_bindings",
        "m20261130_000071_social_bindings_refresh_scan_index",
        "m20261130_000072_add_jobs_claim_index",
        "m20261130_000080_jobs_partial_state_indexes",
        "m20261201_000090_live_link_indexes",
    ];

    /// New migrations append to `RECORDED_NAMES`; existing entries never change.
    #[test]
    fn recorded_migration_names_never_change() {
        let names: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        assert!(
            names.len() >= RECORDED_NAMES.len(),
            "a shipped migration was removed: {names:?}"
        );
        assert_eq!(&names[..RECORDED_NAMES.len()], RECORDED_NAMES.as_slice());
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "two migrations share a name");
    }
}
