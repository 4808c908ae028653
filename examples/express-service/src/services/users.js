'use strict';

const { randomUUID } = require('node:crypto');

// In-memory store so the demo runs without a database.
const byId = new Map();

async function create({ email, passwordHash }) {
  const user = { id: randomUUID(), email, role: 'customer', passwordHash, legacyHash: null };
  byId.set(user.id, user);
  return user;
}

async function findById(id) {
  return byId.get(id);
}

async function findByEmail(email) {
  return [...byId.values()].find((user) => user.email === email);
}

async function update(id, fields) {
  Object.assign(byId.get(id), fields);
}

module.exports = { create, findById, findByEmail, update };
