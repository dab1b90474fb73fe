//! Roles: named sets of permission strings (`resource:action`, `resource:*`, `*`).

use chrono::{DateTime, Utc};

use crate::{Error, Result, Store, new_id, unique_as_conflict, with_pool};

/// A role as the rest of the platform sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    /// Built-in roles (such as `admin`) cannot be deleted or have their permissions changed.
    pub builtin: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The role row as stored: permissions are a JSON array in a text column on both backends.
#[derive(sqlx::FromRow)]
pub(crate) struct RoleRow {
    id: String,
    name: String,
    description: Option<String>,
    permissions: String,
    builtin: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<RoleRow> for Role {
    type Error = Error;
    fn try_from(row: RoleRow) -> Result<Role> {
        let permissions = serde_json::from_str(&row.permissions)
            .map_err(|e| Error::Corrupt(format!("permissions of role {}: {e}", row.id)))?;
        Ok(Role {
            id: row.id,
            name: row.name,
            description: row.description,
            permissions,
            builtin: row.builtin,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewRole {
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    pub builtin: bool,
}

#[derive(Debug, Clone, Default)]
pub struct RolePatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub permissions: Option<Vec<String>>,
}

macro_rules! role_columns {
    () => {
        "id, name, description, permissions, builtin, created_at, updated_at"
    };
}

fn permissions_json(permissions: &[String]) -> String {
    serde_json::to_string(permissions).expect("a list of strings always serialises")
}

impl Store {
    pub async fn create_role(&self, new: NewRole) -> Result<Role> {
        let now = crate::now_micros();
        let role = Role {
            id: new_id("role"),
            name: new.name,
            description: new.description,
            permissions: new.permissions,
            builtin: new.builtin,
            created_at: now,
            updated_at: now,
        };
        with_pool!(self, p => sqlx::query(
            "INSERT INTO roles (id, name, description, permissions, builtin, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&role.id)
        .bind(&role.name)
        .bind(&role.description)
        .bind(permissions_json(&role.permissions))
        .bind(role.builtin)
        .bind(role.created_at)
        .bind(role.updated_at)
        .execute(p)
        .await
        .map_err(|e| unique_as_conflict(e, "role name"))?
        .rows_affected());
        Ok(role)
    }

    pub async fn role(&self, id: &str) -> Result<Option<Role>> {
        let sql = concat!("SELECT ", role_columns!(), " FROM roles WHERE id = $1");
        let row = with_pool!(self, p => sqlx::query_as::<_, RoleRow>(sql).bind(id).fetch_optional(p).await?);
        row.map(Role::try_from).transpose()
    }

    /// Finds a role by name, ignoring case.
    pub async fn role_by_name(&self, name: &str) -> Result<Option<Role>> {
        let sql = concat!("SELECT ", role_columns!(), " FROM roles WHERE lower(name) = lower($1)");
        let row = with_pool!(self, p => sqlx::query_as::<_, RoleRow>(sql).bind(name).fetch_optional(p).await?);
        row.map(Role::try_from).transpose()
    }

    pub async fn list_roles(&self) -> Result<Vec<Role>> {
        let sql = concat!("SELECT ", role_columns!(), " FROM roles ORDER BY name");
        let rows = with_pool!(self, p => sqlx::query_as::<_, RoleRow>(sql).fetch_all(p).await?);
        rows.into_iter().map(Role::try_from).collect()
    }

    /// The number of users holding a role.
    pub async fn role_user_count(&self, role_id: &str) -> Result<i64> {
        Ok(with_pool!(self, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM user_roles WHERE role_id = $1")
            .bind(role_id)
            .fetch_one(p)
            .await?))
    }

    pub async fn update_role(&self, id: &str, patch: RolePatch) -> Result<Option<Role>> {
        let Some(mut role) = self.role(id).await? else {
            return Ok(None);
        };
        if let Some(name) = patch.name {
            role.name = name;
        }
        if let Some(description) = patch.description {
            role.description = description;
        }
        if let Some(permissions) = patch.permissions {
            role.permissions = permissions;
        }
        role.updated_at = crate::now_micros();
        with_pool!(self, p => sqlx::query(
            "UPDATE roles SET name = $2, description = $3, permissions = $4, updated_at = $5 WHERE id = $1",
        )
        .bind(&role.id)
        .bind(&role.name)
        .bind(&role.description)
        .bind(permissions_json(&role.permissions))
        .bind(role.updated_at)
        .execute(p)
        .await
        .map_err(|e| unique_as_conflict(e, "role name"))?
        .rows_affected());
        Ok(Some(role))
    }

    /// Deletes a role; refuses with `Error::InUse` while users still hold it. Returns false when absent.
    pub async fn delete_role(&self, id: &str) -> Result<bool> {
        let holders = self.role_user_count(id).await?;
        if holders > 0 {
            return Err(Error::InUse(format!("the role is assigned to {holders} user(s)")));
        }
        let result = with_pool!(self, p => sqlx::query("DELETE FROM roles WHERE id = $1")
            .bind(id)
            .execute(p)
            .await
            .map(|done| done.rows_affected()));
        match result {
            Ok(deleted) => Ok(deleted > 0),
            // A user was given the role between the count and the delete.
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                Err(Error::InUse("the role is assigned to users".into()))
            }
            Err(e) => Err(e.into()),
        }
    }
}
