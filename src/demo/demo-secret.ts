import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Demo mode signs tokens with a random secret kept in DATA_DIR, so tokens (and `npm run token`) stay valid across
 * restarts without any configuration. Never used when JWT_SECRET or JWT_JWKS_URL is set.
 */
export function readOrCreateDemoSecret(dataDir: string): Uint8Array {
  if (dataDir.startsWith('memory://')) return new Uint8Array(randomBytes(32));
  const file = join(dataDir, '.demo-jwt-secret');
  try {
    return new Uint8Array(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('base64url'), { mode: 0o600, flag: 'wx' });
  return new Uint8Array(secret);
}
