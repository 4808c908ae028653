import { readFileSync } from 'node:fs';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`missing environment variable ${name}`);
  }
  return value;
}

export const config = {
  port: Number(process.env.PORT ?? 3000),
  jwtPrivateKey: readFileSync(required('JWT_PRIVATE_KEY_FILE')),
  jwtPublicKey: readFileSync(required('JWT_PUBLIC_KEY_FILE')),
  billingPublicKey: readFileSync(required('BILLING_PUBLIC_KEY_FILE')),
  refreshTokenSecret: required('REFRESH_TOKEN_SECRET'),
  apiKeySecret: required('API_KEY_SECRET'),
};

// The payment provider's sandbox: a shared test key from its public
// documentation that can move no real money.
// authlint-ignore secret/hardcoded-credential -- sandbox-only key from the provider's docs; production reads PAYMENTS_API_KEY (SEC-142)
export const paymentsSandbox = { apiKey: 'sbx-test-4f9a2c7e1b' };
