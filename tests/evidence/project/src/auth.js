// A small login service: one verification done right, one done wrong,
// and an accepted exception.
const jwt = require('jsonwebtoken');
const bcrypt = require('bcrypt');
const crypto = require('node:crypto');

const VERIFY_OPTIONS = {
  algorithms: ['RS256'],
  issuer: 'https://auth.example.com/',
  audience: 'orders-api',
};

function verifyAccess(token, publicKey) {
  return jwt.verify(token, publicKey, VERIFY_OPTIONS);
}

function verifyLegacy(token, publicKey) {
  return jwt.verify(token, publicKey);
}

async function storePassword(password) {
  return bcrypt.hash(password, 12);
}

function sameSignature(expected, actual) {
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

// authlint-ignore secret/hardcoded-credential -- sandbox key from the vendor's docs <script>alert(1)</script>
const sandbox = { apiKey: 'sbx-test-4f9a2c7e1b' };

module.exports = { verifyAccess, verifyLegacy, storePassword, sameSignature, sandbox };
