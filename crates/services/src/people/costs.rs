//! The labour cost of each person: internal cost rates valid from a date (to an optional date).
use crate::audit::record;
use crate::projects::{RateForm, check_person, parse_rate};
use crate::{App, Ctx, Result};
use mesure_domain::ProjectsAction;
use mesure_domain::RateId;
use mesure_store::people::costs::{self, CostRow};

/// Adds an internal cost rate for a person, valid from a date (to an optional date).
pub async fn add_cost(app: &App, ctx: &Ctx, form: &RateForm) -> Result<CostRow> {
    ctx.require(ProjectsAction::Write)?;
    let (user, _, cost, from, to) = parse_rate(ctx, form)?;
    crate::write_tx!(app, tx => {
        check_person(&mut tx.conn(), ctx, user).await?;
        let row = CostRow {
            workspace_id: ctx.workspace.uuid(),
            id: RateId::new().uuid(),
            user_id: user,
            cost_minor: cost,
            currency: ctx.workspace_currency.code().into(),
            valid_from: from,
            valid_to: to,
            created_at: app.now(),
        };
        costs::insert_cost(&mut tx.conn(), &row).await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            row.created_at,
            "cost_rate",
            row.id,
            "create",
            None,
            Some(&row),
        )
        .await?;
        crate::time::reprice(&mut tx.conn(), app, ctx, user, from).await?;
        row
    })
}
