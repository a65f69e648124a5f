//! Each person's weekly capacity and days of leave (the denominator of utilisation).
use crate::{Bind, Conn, Result, exec, fetch};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

pub async fn capacity(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<Option<i64>> {
    let r: Vec<(i64,)> = fetch(
        c,
        "SELECT weekly_minutes FROM capacities WHERE workspace_id = $1 AND user_id = $2",
        &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)],
    )
    .await?;
    Ok(r.first().map(|x| x.0))
}

pub async fn set_capacity(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    weekly: i64,
    now: i64,
) -> Result<()> {
    exec(c, "INSERT INTO capacities (workspace_id, user_id, weekly_minutes, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, user_id) DO UPDATE SET weekly_minutes = excluded.weekly_minutes, updated_at = excluded.updated_at", &[
        Bind::Uuid(ws.uuid()), Bind::Uuid(user), Bind::Int(weekly), Bind::Int(now),
    ]).await?;
    Ok(())
}

pub async fn leave(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    from: i32,
    to: i32,
) -> Result<Vec<(i32, i64)>> {
    fetch(c, "SELECT day, minutes FROM leave_days WHERE workspace_id = $1 AND user_id = $2 AND day >= $3 AND day < $4 ORDER BY day", &[
        Bind::Uuid(ws.uuid()), Bind::Uuid(user), Bind::Int(i64::from(from)), Bind::Int(i64::from(to)),
    ]).await
}

pub async fn set_leave(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    day: i32,
    minutes: i64,
) -> Result<()> {
    if minutes <= 0 {
        exec(
            c,
            "DELETE FROM leave_days WHERE workspace_id = $1 AND user_id = $2 AND day = $3",
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(user),
                Bind::Int(i64::from(day)),
            ],
        )
        .await?;
    } else {
        exec(c, "INSERT INTO leave_days (workspace_id, user_id, day, minutes) VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, user_id, day) DO UPDATE SET minutes = excluded.minutes", &[
            Bind::Uuid(ws.uuid()), Bind::Uuid(user), Bind::Int(i64::from(day)), Bind::Int(minutes),
        ]).await?;
    }
    Ok(())
}
