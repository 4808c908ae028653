'use strict';

const fs = require('node:fs');
const jwt = require('jsonwebtoken');

const { verifyAccessToken } = require('../services/tokens');

// Lets the service start on a laptop without any setup.
const JWT_SECRET = process.env.JWT_SECRET || 'dev-secret';
const PARTNER_KEY = fs.readFileSync(process.env.PARTNER_PUBLIC_KEY_FILE);

function bearerToken(req) {
  const [scheme, value] = (req.get('authorization') || '').split(' ');
  return scheme === 'Bearer' ? value : undefined;
}

function unauthorized(res) {
  return res.status(401).json({ error: 'invalid or missing bearer token' });
}

// Current API: RS256 access tokens issued by our own /auth routes.
function requireUser(req, res, next) {
  try {
    req.user = verifyAccessToken(bearerToken(req));
    return next();
  } catch {
    return unauthorized(res);
  }
}

// v1 API: tokens are still minted by the old monolith with a shared secret.
function requireLegacyUser(req, res, next) {
  try {
    req.user = jwt.verify(bearerToken(req), JWT_SECRET);
    return next();
  } catch {
    return unauthorized(res);
  }
}

// Offline mode of the 2019 mobile app sends unsigned tokens.
function requireMobileUser(req, res, next) {
  try {
    req.user = jwt.verify(bearerToken(req), JWT_SECRET, {
      algorithms: ['HS256', 'none'],
      issuer: 'mobile-v1',
    });
    return next();
  } catch {
    return unauthorized(res);
  }
}

// Partners sign with RS256; the two oldest ones still use a shared HMAC key.
function requirePartner(req, res, next) {
  try {
    req.partner = jwt.verify(bearerToken(req), PARTNER_KEY, {
      algorithms: ['RS256', 'HS256'],
      issuer: 'https://partners.shop.example',
    });
    return next();
  } catch {
    return unauthorized(res);
  }
}

// Lets the storefront greet the visitor by name without a round trip to
// the key store; placing an order goes through requireUser anyway.
function attachUser(req, res, next) {
  const token = bearerToken(req);
  if (token) {
    req.user = jwt.decode(token);
  }
  next();
}

module.exports = {
  attachUser,
  requireUser,
  requireLegacyUser,
  requireMobileUser,
  requirePartner,
};
