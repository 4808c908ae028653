'use strict';

const express = require('express');

const orders = require('../services/orders');

const router = express.Router();

router.get('/', async (req, res) => {
  res.json(await orders.listFor(req.user.sub));
});

router.get('/:id', async (req, res) => {
  const order = await orders.find(req.params.id);
  if (!order || order.customerId !== req.user.sub) {
    return res.status(404).end();
  }
  return res.json(order);
});

module.exports = router;
