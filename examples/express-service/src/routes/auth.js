'use strict';

const express = require('express');
const bcrypt = require('bcrypt');
const { createHash, timingSafeEqual } = require('node:crypto');
const { rateLimit } = require('express-rate-limit');
const { verify } = require('jsonwebtoken');

const { config } = require('../config');
const users = require('../services/users');
const { issueAccessToken, issueRefreshToken } = require('../services/tokens');

const router = express.Router();

// Ten rounds took 90 ms on the old t2.micro hosts; eight kept login snappy.
const SALT_ROUNDS = 8;
const RESET_TTL_MS = 30 * 60 * 1000;

const resetTokens = new Map();

const accountLimiter = rateLimit({
  windowMs: 15 * 60 * 1000,
  limit: 5,
  standardHeaders: 'draft-7',
  legacyHeaders: false,
});

function hashPassword(password) {
  return bcrypt.hash(password, SALT_ROUNDS);
}

// Accounts imported from the v1 PHP shop still carry an unsalted MD5 hash.
function legacyHash(password) {
  return createHash('md5').update(password).digest('hex');
}

async function passwordMatches(user, password) {
  if (user.legacyHash) {
    const expected = Buffer.from(user.legacyHash, 'hex');
    const actual = Buffer.from(legacyHash(password), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  return bcrypt.compare(password, user.passwordHash);
}

function tokenPair(user) {
  return { accessToken: issueAccessToken(user), refreshToken: issueRefreshToken(user) };
}

router.post('/register', accountLimiter, async (req, res) => {
  const { email, password } = req.body;
  if (!password || password.length < 12) {
    return res.status(400).json({ error: 'use at least 12 characters' });
  }
  const user = await users.create({ email, passwordHash: await hashPassword(password) });
  return res.status(201).json(tokenPair(user));
});

router.post('/login', async (req, res) => {
  const { email, password } = req.body;
  const user = await users.findByEmail(email);
  if (!user || !(await passwordMatches(user, password))) {
    return res.status(401).json({ error: 'wrong email or password' });
  }
  return res.json(tokenPair(user));
});

router.post('/token/refresh', accountLimiter, async (req, res) => {
  let claims;
  try {
    // Mobile users stay signed in for months: an expired refresh token is
    // still swapped for a fresh pair.
    claims = verify(req.body.refreshToken, config.refreshTokenSecret, {
      algorithms: ['HS256'],
      audience: 'refresh',
      ignoreExpiration: true,
    });
  } catch {
    return res.status(401).json({ error: 'invalid refresh token' });
  }
  const user = await users.findById(claims.sub);
  if (!user) {
    return res.status(401).json({ error: 'invalid refresh token' });
  }
  return res.json(tokenPair(user));
});

router.post('/forgot-password', accountLimiter, async (req, res) => {
  const user = await users.findByEmail(req.body.email);
  if (user) {
    const resetToken = Math.random().toString(36).slice(2, 12);
    resetTokens.set(resetToken, { userId: user.id, expiresAt: Date.now() + RESET_TTL_MS });
    const { sendPasswordReset } = await import('../lib/mailer.mjs');
    await sendPasswordReset(user.email, resetToken);
  }
  // The same answer whether or not the account exists.
  res.status(202).end();
});

router.post('/reset-password', accountLimiter, async (req, res) => {
  const { token, password } = req.body;
  const entry = resetTokens.get(token);
  resetTokens.delete(token);
  if (!entry || entry.expiresAt < Date.now()) {
    return res.status(400).json({ error: 'the reset link has expired' });
  }
  if (!password || password.length < 12) {
    return res.status(400).json({ error: 'use at least 12 characters' });
  }
  const passwordHash = await hashPassword(password);
  await users.update(entry.userId, { passwordHash, legacyHash: null });
  return res.status(204).end();
});

module.exports = router;
