//! Login sessions and their rotating refresh tokens.
//!
//! A session is one login. Access tokens name their session, so revoking the
//! session (logout, refresh-token reuse, a disabled account) refuses every
//! token issued for it. Refresh tokens are stored only as hashes; each may be
//! used once, and using one twice revokes its whole session.

use chrono::{DateTime, Utc};

use crate::{Result, Store, with_pool};

#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub user_id: String,
    pub remember_me: bool,
    pub client: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// The hash of the first refresh token and when it expires.
    pub refresh_hash: String,
    pub refresh_expires_at: DateTime<Utc>,
}

/// What authenticating a request needs to know about its session and user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionPrincipal {
    pub session_id: String,
    pub user_id: String,
    pub username: String,
    pub email: Option<String>,
    pub avatar: Option<String>,
    pub user_disabled: bool,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The result of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token was valid and is now spent; the new one was stored.
    Rotated { session_id: String, user_id: String, remember_me: bool },
    /// The token had already been used: its session is now revoked.
    Reused { session_id: String },
    /// The token or its session has expired.
    Expired,
    /// The session was revoked (logout, reuse, disabled account).
    Revoked,
    /// No such token.
    Unknown,
}

#[derive(sqlx::FromRow)]
struct RefreshRow {
    session_id: String,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
    user_id: String,
    remember_me: bool,
    session_expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

impl Store {
    pub async fn create_session(&self, new: NewSession) -> Result<()> {
        let now = crate::now_micros();
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO sessions (id, user_id, remember_me, client, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&new.id)
            .bind(&new.user_id)
            .bind(new.remember_me)
            .bind(&new.client)
            .bind(now)
            .bind(new.expires_at)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(&new.refresh_hash)
                .bind(&new.id)
                .bind(now)
                .bind(new.refresh_expires_at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Loads a session with its user, for authenticating a request.
    pub async fn session_principal(&self, session_id: &str) -> Result<Option<SessionPrincipal>> {
        let sql = "SELECT s.id AS session_id, u.id AS user_id, u.username, u.email, u.avatar, \
                   u.disabled AS user_disabled, s.expires_at, s.revoked_at \
                   FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1";
        Ok(with_pool!(self, p => sqlx::query_as::<_, SessionPrincipal>(sql).bind(session_id).fetch_optional(p).await?))
    }

    /// Spends the refresh token `hash` and stores `next_hash` in its place, atomically.
    pub async fn rotate_refresh_token(
        &self,
        hash: &str,
        next_hash: &str,
        next_expires_at: DateTime<Utc>,
    ) -> Result<RefreshOutcome> {
        let now = crate::now_micros();
        let lookup = "SELECT t.session_id, t.expires_at, t.used_at, s.user_id, s.remember_me, \
                      s.expires_at AS session_expires_at, s.revoked_at \
                      FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1";
        let begin = self.begin_read_write();
        let outcome = with_pool!(self, p => {
            let mut tx = p.begin_with(begin).await?;
            let Some(row) = sqlx::query_as::<_, RefreshRow>(lookup).bind(hash).fetch_optional(&mut *tx).await? else {
                return Ok(RefreshOutcome::Unknown);
            };
            if row.revoked_at.is_some() {
                return Ok(RefreshOutcome::Revoked);
            }
            if row.expires_at <= now || row.session_expires_at <= now {
                return Ok(RefreshOutcome::Expired);
            }
            // Only one of two racing uses can flip `used_at`; the loser is a reuse.
            let spent = sqlx::query("UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL")
                .bind(hash)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if row.used_at.is_some() || spent == 0 {
                sqlx::query("UPDATE sessions SET revoked_at = $2, revoked_reason = 'refresh token reused' WHERE id = $1 AND revoked_at IS NULL")
                    .bind(&row.session_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                RefreshOutcome::Reused { session_id: row.session_id }
            } else {
                sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(next_hash)
                    .bind(&row.session_id)
                    .bind(now)
                    .bind(next_expires_at.min(row.session_expires_at))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                RefreshOutcome::Rotated { session_id: row.session_id, user_id: row.user_id, remember_me: row.remember_me }
            }
        });
        Ok(outcome)
    }

    /// Revokes one session; returns false when it was unknown or already revoked.
    pub async fn revoke_session(&self, session_id: &str, reason: &str) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query(
            "UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(session_id)
        .bind(crate::now_micros())
        .bind(reason)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done > 0)
    }

    /// Revokes every live session of a user and returns their ids.
    pub async fn revoke_user_sessions(&self, user_id: &str, reason: &str) -> Result<Vec<String>> {
        let now = crate::now_micros();
        let begin = self.begin_read_write();
        with_pool!(self, p => {
            let mut tx = p.begin_with(begin).await?;
            let ids = sqlx::query_scalar::<_, String>("SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL")
                .bind(user_id)
                .fetch_all(&mut *tx)
                .await?;
            sqlx::query("UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL")
                .bind(user_id)
                .bind(now)
                .bind(reason)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(ids)
        })
    }

    /// Deletes sessions (and their refresh tokens) that expired before `before`.
    pub async fn purge_expired_sessions(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(before)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done)
    }
}
