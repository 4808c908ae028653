'use strict';

const express = require('express');
const session = require('express-session');
const helmet = require('helmet');

const authRoutes = require('./routes/auth');
const orderRoutes = require('./routes/orders');
const {
  attachUser,
  requireUser,
  requireLegacyUser,
  requireMobileUser,
  requirePartner,
} = require('./middleware/auth');

const app = express();

app.set('trust proxy', 1);
app.use(helmet());
app.use(express.json({ limit: '100kb' }));

// The server-rendered cart pages keep anonymous visitors in a session.
app.use(
  session({
    name: 'shop.sid',
    secret: 'keyboard cat',
    resave: false,
    saveUninitialized: false,
    cookie: { secure: false, httpOnly: true, sameSite: 'lax', maxAge: 30 * 60 * 1000 },
  }),
);

app.use(attachUser);
app.use('/auth', authRoutes);
app.use('/api/v2/orders', requireUser, orderRoutes);
app.use('/api/v1/orders', requireLegacyUser, orderRoutes);
app.use('/mobile/orders', requireMobileUser, orderRoutes);

app.post('/webhooks/partner', requirePartner, (req, res) => {
  req.app.emit('partner-event', req.partner.sub, req.body);
  res.status(202).end();
});

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

module.exports = app;
