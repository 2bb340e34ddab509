/**
 * `npm run token -- --sub u1 --role mentor --name Ada [--email a@b.c] [--ttl 3600]` prints a token the running
 * configuration accepts: signed with JWT_SECRET, or the demo secret in DATA_DIR. With JWT_JWKS_URL the service holds
 * no signing key, so pass the private key that matches the JWKS: `--key key.pem --alg RS256|ES256 [--kid id]`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { importPKCS8 } from 'jose';
import { claimsSchema } from '../src/auth/actor.ts';
import { signToken } from '../src/auth/tokens.ts';
import { loadConfigOrExit } from '../src/config.ts';
import { readOrCreateDemoSecret } from '../src/demo/demo-secret.ts';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
    key: { type: 'string' },
    alg: { type: 'string', default: 'RS256' },
    kid: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const claims = claimsSchema.safeParse({ sub: values.sub, role: values.role, name: values.name, email: values.email });
if (!claims.success) {
  fail(
    `Usage: npm run token -- --sub <userId> --role student|mentor|admin --name <name> [--email e] [--ttl seconds]\n` +
      claims.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`).join('\n'),
  );
}
const ttlSeconds = Number(values.ttl);
if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) fail('--ttl must be a positive number of seconds');

const config = loadConfigOrExit(process.env, readOrCreateDemoSecret);

const { issuer, audience } = config.auth;
if (config.auth.kind === 'secret') {
  console.log(await signToken(config.auth.secret, claims.data, { ttlSeconds, issuer, audience }));
} else {
  if (!values.key) fail('JWT_JWKS_URL is set: pass --key <private-key.pem> (PKCS#8) matching a key in the JWKS');
  if (values.alg !== 'RS256' && values.alg !== 'ES256') fail('--alg must be RS256 or ES256');
  const key = await importPKCS8(readFileSync(values.key, 'utf8'), values.alg);
  console.log(await signToken(key, claims.data, { ttlSeconds, issuer, audience, alg: values.alg, kid: values.kid }));
}
