'use strict';

const orders = new Map();

async function find(id) {
  return orders.get(id);
}

async function listFor(customerId) {
  return [...orders.values()].filter((order) => order.customerId === customerId);
}

module.exports = { find, listFor };
