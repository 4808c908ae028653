//! Issuing and checking the tokens of the shop API.

use std::collections::HashMap;
use std::sync::Arc;

use argon2::{Argon2, PasswordHash, PasswordVerifier};
use axum::{
    extract::{Request, State},
    http::{header::AUTHORIZATION, HeaderMap, StatusCode},
    middleware::Next,
    response::Response,
    Json,
};
use jsonwebtoken::{
    decode, decode_header, encode, errors::Error, get_current_timestamp, Algorithm, DecodingKey,
    EncodingKey, Header, Validation,
};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "https://auth.shop.example";
const AUDIENCE: &str = "shop-api";
const ACCESS_TOKEN_TTL_SECS: u64 = 15 * 60;

// Shared with the admin console, which lives in another repository.
const CONSOLE_SECRET: &[u8] = b"admin-console-secret";

/// Claims of the access tokens this service issues to customers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: u64,
}

/// Claims of the admin console tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsoleClaims {
    pub sub: String,
    pub role: String,
}

/// Claims in the tokens partners send with stock updates and callbacks.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnerClaims {
    pub sub: String,
    pub iss: String,
}

pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    partner: DecodingKey,
}

#[derive(Debug, Deserialize)]
pub struct StoredUser {
    id: String,
    password_hash: String,
    is_admin: bool,
}

#[derive(Clone)]
pub struct AppState {
    keys: Arc<Keys>,
    users: Arc<HashMap<String, StoredUser>>,
}

impl AppState {
    pub fn from_env() -> Result<Self, Box<dyn std::error::Error>> {
        let private_pem = std::fs::read(std::env::var("JWT_PRIVATE_KEY_FILE")?)?;
        let public_pem = std::fs::read(std::env::var("JWT_PUBLIC_KEY_FILE")?)?;
        let partner_pem = std::fs::read(std::env::var("PARTNER_PUBLIC_KEY_FILE")?)?;
        let keys = Keys {
            encoding: EncodingKey::from_ed_pem(&private_pem)?,
            decoding: DecodingKey::from_ed_pem(&public_pem)?,
            partner: DecodingKey::from_rsa_pem(&partner_pem)?,
        };
        let users = serde_json::from_slice(&std::fs::read(std::env::var("USERS_FILE")?)?)?;
        Ok(Self {
            keys: Arc::new(keys),
            users: Arc::new(users),
        })
    }
}

/// Customer tokens: one algorithm, and the token must be ours and meant for us.
fn access_validation() -> Validation {
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.leeway = 30;
    validation
}

/// Partners sign with RS256; the oldest integrations still send HS256.
fn partner_validation() -> Validation {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.algorithms = vec![Algorithm::RS256, Algorithm::HS256];
    validation.set_issuer(&["https://partners.shop.example"]);
    validation
}

pub fn issue_access_token(keys: &Keys, user_id: &str) -> Result<String, Error> {
    let claims = AccessClaims {
        sub: user_id.to_owned(),
        iss: ISSUER.to_owned(),
        aud: AUDIENCE.to_owned(),
        exp: get_current_timestamp() + ACCESS_TOKEN_TTL_SECS,
    };
    encode(&Header::new(Algorithm::EdDSA), &claims, &keys.encoding)
}

pub fn issue_console_token(user_id: &str) -> Result<String, Error> {
    let claims = ConsoleClaims {
        sub: user_id.to_owned(),
        role: "admin".to_owned(),
    };
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(CONSOLE_SECRET),
    )
}

fn read_console_token(token: &str) -> Result<ConsoleClaims, Error> {
    // Console tokens from before the 2023 migration are HS512; take what they say.
    let header = decode_header(token)?;
    let mut validation = Validation::new(header.alg);
    // They carry no `exp` (see ConsoleClaims).
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let key = DecodingKey::from_secret(CONSOLE_SECRET);
    Ok(decode::<ConsoleClaims>(token, &key, &validation)?.claims)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

#[derive(Deserialize)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Serialize)]
pub struct LoginResponse {
    access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    console_token: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    Json(body): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, StatusCode> {
    let user = state
        .users
        .get(&body.email)
        .ok_or(StatusCode::UNAUTHORIZED)?;
    let hash =
        PasswordHash::new(&user.password_hash).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Argon2::default()
        .verify_password(body.password.as_bytes(), &hash)
        .map_err(|_| StatusCode::UNAUTHORIZED)?;

    let access_token =
        issue_access_token(&state.keys, &user.id).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let console_token = if user.is_admin {
        Some(issue_console_token(&user.id).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?)
    } else {
        None
    };
    Ok(Json(LoginResponse {
        access_token,
        console_token,
    }))
}

pub async fn require_user(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, StatusCode> {
    let token = bearer(req.headers()).ok_or(StatusCode::UNAUTHORIZED)?;
    let data = decode::<AccessClaims>(token, &state.keys.decoding, &access_validation())
        .map_err(|_| StatusCode::UNAUTHORIZED)?;
    req.extensions_mut().insert(data.claims);
    Ok(next.run(req).await)
}

pub async fn require_partner(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, StatusCode> {
    let token = bearer(req.headers()).ok_or(StatusCode::UNAUTHORIZED)?;
    let data = decode::<PartnerClaims>(token, &state.keys.partner, &partner_validation())
        .map_err(|_| StatusCode::UNAUTHORIZED)?;
    req.extensions_mut().insert(data.claims);
    Ok(next.run(req).await)
}

/// Callbacks come through the API gateway, which "already checked" the token.
pub async fn partner_from_gateway(mut req: Request, next: Next) -> Result<Response, StatusCode> {
    let token = bearer(req.headers()).ok_or(StatusCode::UNAUTHORIZED)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.insecure_disable_signature_validation();
    validation.set_issuer(&["https://partners.shop.example"]);
    let data = decode::<PartnerClaims>(token, &DecodingKey::from_secret(&[]), &validation)
        .map_err(|_| StatusCode::UNAUTHORIZED)?;
    req.extensions_mut().insert(data.claims);
    Ok(next.run(req).await)
}

pub async fn require_admin(mut req: Request, next: Next) -> Result<Response, StatusCode> {
    let token = bearer(req.headers()).ok_or(StatusCode::UNAUTHORIZED)?;
    let claims = read_console_token(token).map_err(|_| StatusCode::UNAUTHORIZED)?;
    if claims.role != "admin" {
        return Err(StatusCode::FORBIDDEN);
    }
    req.extensions_mut().insert(claims);
    Ok(next.run(req).await)
}
