//! Each person's weekly capacity and days of leave (the denominator of utilisation).
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

pub async fn capacity(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<Option<i64>> {
    let r: Vec<(i64,)> = CAPACITY
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
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
    SET_CAPACITY
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(user),
                Bind::Int(weekly),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(())
}

pub async fn leave(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    from: i32,
    to: i32,
) -> Result<Vec<(i32, i64)>> {
    LEAVE
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(user),
                Bind::Int(i64::from(from)),
                Bind::Int(i64::from(to)),
            ],
        )
        .await
}

pub async fn set_leave(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    day: i32,
    minutes: i64,
) -> Result<()> {
    if minutes <= 0 {
        CLEAR_LEAVE
            .exec(
                c,
                &[
                    Bind::Uuid(ws.uuid()),
                    Bind::Uuid(user),
                    Bind::Int(i64::from(day)),
                ],
            )
            .await?;
    } else {
        SET_LEAVE
            .exec(
                c,
                &[
                    Bind::Uuid(ws.uuid()),
                    Bind::Uuid(user),
                    Bind::Int(i64::from(day)),
                    Bind::Int(minutes),
                ],
            )
            .await?;
    }
    Ok(())
}

crate::registry::statements! {
    CAPACITY(2) ["weekly_minutes"] = "SELECT weekly_minutes FROM capacities WHERE workspace_id = $1 AND user_id = $2";
    SET_CAPACITY(4) [] = "INSERT INTO capacities (workspace_id, user_id, weekly_minutes, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, user_id) DO UPDATE SET weekly_minutes = excluded.weekly_minutes, updated_at = excluded.updated_at";
    LEAVE(4) ["day", "minutes"] = "SELECT day, minutes FROM leave_days WHERE workspace_id = $1 AND user_id = $2 AND day >= $3 AND day < $4 ORDER BY day";
    CLEAR_LEAVE(3) [] = "DELETE FROM leave_days WHERE workspace_id = $1 AND user_id = $2 AND day = $3";
    SET_LEAVE(4) [] = "INSERT INTO leave_days (workspace_id, user_id, day, minutes) VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, user_id, day) DO UPDATE SET minutes = excluded.minutes";
}
