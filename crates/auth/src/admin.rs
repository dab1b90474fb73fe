//! Managing users and roles: validation of every field at once, then the store.

use errors::FieldError;
use store::{NewRole, NewUser, Role, RolePatch, User, UserPatch};

use crate::{AuthService, Error, Permission, Result};

/// A new user as an administrator submits it.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub username: String,
    pub password: String,
    pub email: Option<String>,
    pub avatar: Option<String>,
    pub roles: Vec<String>,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub email: Option<Option<String>>,
    pub avatar: Option<Option<String>>,
    pub password: Option<String>,
    pub roles: Option<Vec<String>>,
    pub disabled: Option<bool>,
}

/// A role as an administrator submits it (for create, every field; for update, any).
#[derive(Debug, Clone, Default)]
pub struct RoleInput {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub permissions: Option<Vec<String>>,
}

fn check_username(name: &str, errors: &mut Vec<FieldError>) {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c));
    if !(3..=64).contains(&name.chars().count()) {
        errors.push(FieldError::new("username", "length", "must be 3 to 64 characters"));
    } else if !ok_chars || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        errors.push(FieldError::new(
            "username",
            "invalid",
            "may contain letters, digits, '_', '.', '@' and '-', and must start with a letter or digit",
        ));
    }
}

fn check_password(password: &str, username: Option<&str>, errors: &mut Vec<FieldError>) {
    let len = password.chars().count();
    if len < 8 {
        errors.push(FieldError::new("password", "too_short", "must be at least 8 characters"));
    } else if len > 256 {
        errors.push(FieldError::new("password", "too_long", "must be at most 256 characters"));
    } else if username.is_some_and(|u| u.eq_ignore_ascii_case(password)) {
        errors.push(FieldError::new("password", "weak", "must differ from the username"));
    }
}

fn check_email(email: Option<&str>, errors: &mut Vec<FieldError>) {
    let Some(email) = email else { return };
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        });
    if !valid {
        errors.push(FieldError::new("email", "invalid", "is not an email address"));
    }
}

fn check_avatar(avatar: Option<&str>, errors: &mut Vec<FieldError>) {
    let Some(avatar) = avatar else { return };
    if avatar.len() > 2048 || !(avatar.starts_with("https://") || avatar.starts_with("http://")) {
        errors.push(FieldError::new("avatar", "invalid", "must be an http(s) URL of at most 2048 characters"));
    }
}

fn check_role_name(name: &str, errors: &mut Vec<FieldError>) {
    let ok = (1..=64).contains(&name.chars().count())
        && name.chars().all(|c| c.is_alphanumeric() || "_-. ".contains(c))
        && name.trim() == name;
    if !ok {
        errors.push(FieldError::new(
            "name",
            "invalid",
            "must be 1 to 64 letters, digits, '_', '-', '.' or inner spaces",
        ));
    }
}

fn check_permissions(permissions: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, p) in permissions.iter().enumerate() {
        match Permission::parse(p) {
            Ok(p) => {
                let p = p.to_string();
                if !out.contains(&p) {
                    out.push(p);
                }
            }
            Err(e) => errors.push(FieldError::new(format!("permissions[{i}]"), "invalid", e)),
        }
    }
    out
}

impl AuthService {
    /// Looks up role names, reporting each unknown one.
    async fn role_ids(&self, names: &[String], errors: &mut Vec<FieldError>) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match self.store().role_by_name(name).await? {
                Some(role) if !ids.contains(&role.id) => ids.push(role.id),
                Some(_) => {}
                None => {
                    errors.push(FieldError::new(format!("roles[{i}]"), "unknown", format!("no role named {name:?}")))
                }
            }
        }
        Ok(ids)
    }

    pub async fn create_user(&self, input: UserInput) -> Result<User> {
        let mut errors = Vec::new();
        check_username(&input.username, &mut errors);
        check_password(&input.password, Some(&input.username), &mut errors);
        check_email(input.email.as_deref(), &mut errors);
        check_avatar(input.avatar.as_deref(), &mut errors);
        let role_ids = self.role_ids(&input.roles, &mut errors).await?;
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let password_hash = self.hasher().hash(&input.password).await?;
        let user = self
            .store()
            .create_user(NewUser {
                username: input.username,
                email: input.email,
                avatar: input.avatar,
                password_hash,
                role_ids,
            })
            .await?;
        Ok(user)
    }

    /// Updates a user. `actor_id` is the caller: nobody may disable themselves or drop their own admin rights.
    pub async fn update_user(&self, id: &str, update: UserUpdate, actor_id: &str) -> Result<User> {
        let Some(existing) = self.store().user(id).await? else {
            return Err(Error::NotFound("user"));
        };
        let mut errors = Vec::new();
        if let Some(p) = &update.password {
            check_password(p, Some(&existing.username), &mut errors);
        }
        check_email(update.email.as_ref().and_then(|e| e.as_deref()), &mut errors);
        check_avatar(update.avatar.as_ref().and_then(|a| a.as_deref()), &mut errors);
        let role_ids = match &update.roles {
            Some(names) => Some(self.role_ids(names, &mut errors).await?),
            None => None,
        };
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        if id == actor_id && update.disabled == Some(true) {
            return Err(Error::NotAllowed("you cannot disable your own account".into()));
        }
        if id == actor_id && role_ids.is_some() {
            let mut roles = Vec::new();
            for rid in role_ids.iter().flatten() {
                roles.extend(self.store().role(rid).await?);
            }
            let keeps_all = roles.iter().any(|r| r.permissions.iter().any(|p| p == "*"));
            let had_all = self.store().user_roles(id).await?.iter().any(|r| r.permissions.iter().any(|p| p == "*"));
            if had_all && !keeps_all {
                return Err(Error::NotAllowed("you cannot remove your own administrator rights".into()));
            }
        }
        let password_hash = match &update.password {
            Some(p) => Some(self.hasher().hash(p).await?),
            None => None,
        };
        let revoke = update.disabled == Some(true) || password_hash.is_some();
        let user = self
            .store()
            .update_user(
                id,
                UserPatch {
                    email: update.email,
                    avatar: update.avatar,
                    password_hash,
                    disabled: update.disabled,
                    role_ids,
                },
            )
            .await?
            .ok_or(Error::NotFound("user"))?;
        if revoke {
            let reason = if update.disabled == Some(true) { "account disabled" } else { "password changed" };
            self.revoke_user(id, reason).await?;
        }
        self.forget_sessions();
        Ok(user)
    }

    pub async fn create_role(&self, input: RoleInput) -> Result<Role> {
        let mut errors = Vec::new();
        let name = input.name.unwrap_or_default();
        check_role_name(&name, &mut errors);
        let Some(permissions) = input.permissions else {
            errors.push(FieldError::new("permissions", "required", "is required"));
            return Err(Error::Validation(errors));
        };
        let permissions = check_permissions(&permissions, &mut errors);
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        Ok(self
            .store()
            .create_role(NewRole { name, description: input.description.flatten(), permissions, builtin: false })
            .await?)
    }

    pub async fn update_role(&self, id: &str, input: RoleInput) -> Result<Role> {
        let Some(existing) = self.store().role(id).await? else {
            return Err(Error::NotFound("role"));
        };
        let mut errors = Vec::new();
        if let Some(name) = &input.name {
            check_role_name(name, &mut errors);
        }
        let permissions = input.permissions.as_ref().map(|p| check_permissions(p, &mut errors));
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        if existing.builtin && (permissions.is_some() || input.name.as_ref().is_some_and(|n| *n != existing.name)) {
            return Err(Error::NotAllowed(format!(
                "the built-in role {:?} cannot be renamed or re-permissioned",
                existing.name
            )));
        }
        let role = self
            .store()
            .update_role(id, RolePatch { name: input.name, description: input.description, permissions })
            .await?
            .ok_or(Error::NotFound("role"))?;
        self.forget_sessions();
        Ok(role)
    }

    pub async fn delete_role(&self, id: &str) -> Result<()> {
        let Some(existing) = self.store().role(id).await? else {
            return Err(Error::NotFound("role"));
        };
        if existing.builtin {
            return Err(Error::NotAllowed(format!("the built-in role {:?} cannot be deleted", existing.name)));
        }
        if !self.store().delete_role(id).await? {
            return Err(Error::NotFound("role"));
        }
        self.forget_sessions();
        Ok(())
    }

    /// On an empty store, creates the built-in `admin` role and the `admin` user.
    /// Returns the password when one had to be generated, so it can be shown once.
    pub async fn bootstrap_admin(&self, password: Option<String>) -> Result<Option<String>> {
        if self.store().count_users().await? > 0 {
            return Ok(None);
        }
        let role = match self.store().role_by_name("admin").await? {
            Some(role) => role,
            None => {
                self.store()
                    .create_role(NewRole {
                        name: "admin".into(),
                        description: Some("Full access to everything".into()),
                        permissions: vec!["*".into()],
                        builtin: true,
                    })
                    .await?
            }
        };
        let generated = password.is_none();
        let password = password.unwrap_or_else(generate_password);
        let mut errors = Vec::new();
        check_password(&password, Some("admin"), &mut errors);
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let password_hash = self.hasher().hash(&password).await?;
        let created = self
            .store()
            .create_user(NewUser {
                username: "admin".into(),
                email: None,
                avatar: None,
                password_hash,
                role_ids: vec![role.id],
            })
            .await;
        match created {
            Ok(_) => Ok(generated.then_some(password)),
            // Another instance sharing the store won the race.
            Err(store::Error::Conflict(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// A 24-character password from an unambiguous alphabet (~140 bits).
fn generate_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    crate::random_bytes::<24>().iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_rules() {
        for (name, ok) in [("admin", true), ("a.b-c_d@e", true), ("ab", false), ("-x1", false), ("has space", false)] {
            let mut e = Vec::new();
            check_username(name, &mut e);
            assert_eq!(e.is_empty(), ok, "{name}");
        }
    }

    #[test]
    fn all_problems_are_reported_together() {
        let mut e = Vec::new();
        check_password("short", None, &mut e);
        check_email(Some("nope"), &mut e);
        check_permissions(&["users:read".into(), "bogus".into(), "x:y".into()], &mut e);
        let paths: Vec<_> = e.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["password", "email", "permissions[1]", "permissions[2]"]);
    }

    #[test]
    fn generated_passwords_are_long_and_distinct() {
        let (a, b) = (generate_password(), generate_password());
        assert_eq!(a.len(), 24);
        assert_ne!(a, b);
    }
}
