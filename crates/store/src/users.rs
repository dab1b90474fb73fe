//! User accounts and their role assignments.

use chrono::{DateTime, Utc};

use crate::{Error, Result, Role, Store, like_pattern, new_id, unique_as_conflict, with_pool};

/// A stored user. The password hash never leaves the store except for verification.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub avatar: Option<String>,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What is needed to create a user; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub email: Option<String>,
    pub avatar: Option<String>,
    pub password_hash: String,
    pub role_ids: Vec<String>,
}

/// Fields to change on a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub email: Option<Option<String>>,
    pub avatar: Option<Option<String>>,
    pub password_hash: Option<String>,
    pub disabled: Option<bool>,
    pub role_ids: Option<Vec<String>>,
}

/// One page of users, their role names, and the number of users matching the filter.
#[derive(Debug, Clone)]
pub struct UserList {
    pub items: Vec<User>,
    /// Role names by user id, for the users on this page.
    pub roles: std::collections::HashMap<String, Vec<String>>,
    pub total: i64,
}

macro_rules! user_columns {
    () => {
        "id, username, email, avatar, password_hash, disabled, created_at, updated_at"
    };
}

/// Matches users whose name or email contains the `LIKE` pattern `$1` (or every user when it is NULL).
macro_rules! user_filter {
    () => {
        "($1 IS NULL OR lower(username) LIKE $1 ESCAPE '\\' OR lower(coalesce(email, '')) LIKE $1 ESCAPE '\\')"
    };
}

impl Store {
    /// Creates a user with its roles in one transaction.
    pub async fn create_user(&self, new: NewUser) -> Result<User> {
        let now = crate::now_micros();
        let user = User {
            id: new_id("user"),
            username: new.username,
            email: new.email,
            avatar: new.avatar,
            password_hash: new.password_hash,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO users (id, username, email, avatar, password_hash, disabled, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&user.id)
            .bind(&user.username)
            .bind(&user.email)
            .bind(&user.avatar)
            .bind(&user.password_hash)
            .bind(user.disabled)
            .bind(user.created_at)
            .bind(user.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_as_conflict(e, "username"))?;
            for role_id in &new.role_ids {
                sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
                    .bind(&user.id)
                    .bind(role_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(user)
    }

    pub async fn user(&self, id: &str) -> Result<Option<User>> {
        let sql = concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1");
        Ok(with_pool!(self, p => sqlx::query_as::<_, User>(sql).bind(id).fetch_optional(p).await?))
    }

    /// Finds a user by name, ignoring case.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let sql = concat!("SELECT ", user_columns!(), " FROM users WHERE lower(username) = lower($1)");
        Ok(with_pool!(self, p => sqlx::query_as::<_, User>(sql).bind(username).fetch_optional(p).await?))
    }

    pub async fn count_users(&self) -> Result<i64> {
        Ok(with_pool!(self, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(p).await?))
    }

    /// Lists users by creation order, optionally filtered by a keyword in the username or email.
    pub async fn list_users(&self, keyword: Option<&str>, offset: i64, limit: i64) -> Result<UserList> {
        let pattern = keyword.map(like_pattern);
        let count_sql = concat!("SELECT COUNT(*) FROM users WHERE ", user_filter!());
        let page_sql = concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE ",
            user_filter!(),
            " ORDER BY created_at, id LIMIT $2 OFFSET $3"
        );
        // The roles of the whole page in one query, not one per user.
        let roles_sql = concat!(
            "SELECT ur.user_id, r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id ",
            "WHERE ur.user_id IN (SELECT id FROM users WHERE ",
            user_filter!(),
            " ORDER BY created_at, id LIMIT $2 OFFSET $3) ORDER BY r.name"
        );
        with_pool!(self, p => {
            let total = sqlx::query_scalar::<_, i64>(count_sql).bind(&pattern).fetch_one(p).await?;
            let items = sqlx::query_as::<_, User>(page_sql)
                .bind(&pattern)
                .bind(limit)
                .bind(offset)
                .fetch_all(p)
                .await?;
            let pairs = sqlx::query_as::<_, (String, String)>(roles_sql)
                .bind(&pattern)
                .bind(limit)
                .bind(offset)
                .fetch_all(p)
                .await?;
            let mut roles = std::collections::HashMap::<String, Vec<String>>::new();
            for (user_id, name) in pairs {
                roles.entry(user_id).or_default().push(name);
            }
            Ok(UserList { items, roles, total })
        })
    }

    /// Applies `patch` to a user; returns the updated user, or `None` when it does not exist.
    pub async fn update_user(&self, id: &str, patch: UserPatch) -> Result<Option<User>> {
        let Some(mut user) = self.user(id).await? else {
            return Ok(None);
        };
        if let Some(email) = patch.email {
            user.email = email;
        }
        if let Some(avatar) = patch.avatar {
            user.avatar = avatar;
        }
        if let Some(hash) = patch.password_hash {
            user.password_hash = hash;
        }
        if let Some(disabled) = patch.disabled {
            user.disabled = disabled;
        }
        user.updated_at = crate::now_micros();
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query(
                "UPDATE users SET email = $2, avatar = $3, password_hash = $4, disabled = $5, updated_at = $6 WHERE id = $1",
            )
            .bind(&user.id)
            .bind(&user.email)
            .bind(&user.avatar)
            .bind(&user.password_hash)
            .bind(user.disabled)
            .bind(user.updated_at)
            .execute(&mut *tx)
            .await?;
            if let Some(role_ids) = &patch.role_ids {
                sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(&user.id).execute(&mut *tx).await?;
                for role_id in role_ids {
                    sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
                        .bind(&user.id)
                        .bind(role_id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
        });
        Ok(Some(user))
    }

    /// The roles assigned to a user, by name.
    pub async fn user_roles(&self, user_id: &str) -> Result<Vec<Role>> {
        let sql = "SELECT r.id, r.name, r.description, r.permissions, r.builtin, r.created_at, r.updated_at \
                   FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.name";
        let rows =
            with_pool!(self, p => sqlx::query_as::<_, crate::roles::RoleRow>(sql).bind(user_id).fetch_all(p).await?);
        rows.into_iter().map(Role::try_from).collect::<Result<Vec<_>, Error>>()
    }
}
