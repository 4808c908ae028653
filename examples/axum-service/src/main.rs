//! Shop API: orders for signed-in customers, stock updates from partners.

mod auth;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::{
    extract::Extension,
    middleware,
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};
use tower_governor::{governor::GovernorConfigBuilder, GovernorLayer};

use crate::auth::{AccessClaims, AppState, PartnerClaims};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt::init();
    let state = AppState::from_env()?;

    // A burst of five attempts, then one more every twelve seconds.
    let login_quota = GovernorConfigBuilder::default()
        .per_second(12)
        .burst_size(5)
        .finish()
        .ok_or("invalid rate limit")?;

    let login = Router::new()
        .route("/login", post(auth::login))
        .layer(GovernorLayer {
            config: Arc::new(login_quota),
        });
    let customer = Router::new()
        .route("/orders", get(list_orders))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_user,
        ));
    let partner = Router::new()
        .route("/partner/stock", post(update_stock))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_partner,
        ));
    let callbacks = Router::new()
        .route("/partner/callbacks", post(partner_callback))
        .route_layer(middleware::from_fn(auth::partner_from_gateway));
    let admin = Router::new()
        .route("/admin/reports", get(admin_reports))
        .route_layer(middleware::from_fn(auth::require_admin));

    let app = Router::new()
        .merge(login)
        .merge(customer)
        .merge(partner)
        .merge(callbacks)
        .merge(admin)
        .route("/health", get(|| async { "ok" }))
        .with_state(state);

    let addr = SocketAddr::from(([0, 0, 0, 0], 8080));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await?;
    Ok(())
}

async fn list_orders(Extension(user): Extension<AccessClaims>) -> Json<Value> {
    Json(json!({ "customer": user.sub, "orders": [] }))
}

async fn update_stock(
    Extension(partner): Extension<PartnerClaims>,
    Json(update): Json<Value>,
) -> Json<Value> {
    tracing::info!(partner = %partner.sub, "stock update");
    Json(json!({ "accepted": update }))
}

async fn partner_callback(Extension(partner): Extension<PartnerClaims>) -> Json<Value> {
    Json(json!({ "partner": partner.sub }))
}

async fn admin_reports(Extension(admin): Extension<auth::ConsoleClaims>) -> Json<Value> {
    Json(json!({ "requested_by": admin.sub, "reports": [] }))
}
