import { sign, verify, type JwtPayload, type SignOptions, type VerifyOptions } from 'jsonwebtoken';

import { config } from '../config';

export interface TokenUser {
  id: string;
  role: string;
}

export interface AccessClaims extends JwtPayload {
  sub: string;
  role: string;
}

const ISSUER = 'https://auth.shop.example';
const AUDIENCE = 'shop-api';

// Access tokens: one algorithm, our issuer, our audience, fifteen minutes.
const ACCESS_SIGN_OPTIONS: SignOptions = {
  algorithm: 'RS256',
  expiresIn: '15m',
  issuer: ISSUER,
  audience: AUDIENCE,
};

const ACCESS_VERIFY_OPTIONS: VerifyOptions = {
  algorithms: ['RS256'],
  issuer: ISSUER,
  audience: AUDIENCE,
};

export function issueAccessToken(user: TokenUser): string {
  return sign({ sub: user.id, role: user.role }, config.jwtPrivateKey, ACCESS_SIGN_OPTIONS);
}

export function verifyAccessToken(token: string): AccessClaims {
  return verify(token, config.jwtPublicKey, ACCESS_VERIFY_OPTIONS) as AccessClaims;
}

export function issueRefreshToken(user: TokenUser): string {
  return sign({ sub: user.id }, config.refreshTokenSecret, {
    algorithm: 'HS256',
    audience: 'refresh',
    expiresIn: '30d',
  });
}

// Tokens minted by the billing service when it calls into this API.
const billingVerifyOptions: VerifyOptions = {
  issuer: 'https://billing.shop.example',
  audience: AUDIENCE,
};

export function verifyBillingToken(token: string): JwtPayload {
  return verify(token, config.billingPublicKey, billingVerifyOptions) as JwtPayload;
}

// Keys for merchants' back-office scripts; merchants asked for keys that last.
export function issueMerchantApiKey(merchantId: string): string {
  return sign({ sub: merchantId, scope: 'orders:read' }, config.apiKeySecret);
}

// Signed links in the receipt e-mails.
const RECEIPT_LINK_SECRET = 'r3ceipt-l1nk-s3cret';

export function signReceiptLink(orderId: string): string {
  return sign({ orderId }, RECEIPT_LINK_SECRET, { algorithm: 'HS256', expiresIn: '12h' });
}
