import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const SECRET = 'a-production-secret-of-at-least-32-bytes';
const demoKey = new Uint8Array(32).fill(7);
const demoSecret = () => demoKey;

/** Asserts loadConfig refuses this environment with a ConfigError whose message matches every pattern. */
function assertRefused(env: NodeJS.ProcessEnv, ...patterns: RegExp[]) {
  assert.throws(
    () => loadConfig(env, demoSecret),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      for (const p of patterns) assert.match(err.message, p);
      return true;
    },
  );
}

describe('loadConfig', () => {
  test('with no environment at all it starts in demo mode on PGlite with the defaults', () => {
    const c = loadConfig({}, demoSecret);
    assert.equal(c.env, 'development');
    assert.equal(c.demo, true);
    assert.deepEqual(c.auth, { kind: 'secret', secret: demoKey, issuer: undefined, audience: undefined });
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.dataDir, './data');
    assert.equal(c.databaseUrl, undefined);
    assert.deepEqual(c.corsOrigins, []);
    assert.deepEqual(c.rateLimit, { max: 300, windowMs: 60_000 });
    assert.equal(c.trustProxy, false);
  });

  test('PUBLIC_URL is kept as an origin; a path, a query or another scheme is refused', () => {
    assert.equal(loadConfig({}, demoSecret).publicUrl, undefined);
    assert.equal(loadConfig({ PUBLIC_URL: 'https://live.example.edu/' }, demoSecret).publicUrl, 'https://live.example.edu');
    assert.equal(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }, demoSecret).publicUrl, 'http://localhost:3000');
    for (const bad of ['https://live.example.edu/app', 'https://live.example.edu/?x=1', 'ftp://live.example.edu', 'live.example.edu']) {
      assertRefused({ PUBLIC_URL: bad }, /PUBLIC_URL/);
    }
  });

  test('demo mode without a demo secret supplier is refused', () => {
    assert.throws(() => loadConfig({}), ConfigError);
  });

  test('empty variables count as unset', () => {
    const c = loadConfig({ PORT: '', JWT_SECRET: '', DATA_DIR: '' }, demoSecret);
    assert.equal(c.port, 3000);
    assert.equal(c.dataDir, './data');
    assert.equal(c.demo, true);
  });

  test('a JWT secret turns demo mode off and signs with that secret', () => {
    const c = loadConfig({ JWT_SECRET: SECRET, JWT_ISSUER: 'lms', JWT_AUDIENCE: 'live' }, demoSecret);
    assert.equal(c.demo, false);
    assert.deepEqual(c.auth, { kind: 'secret', secret: new TextEncoder().encode(SECRET), issuer: 'lms', audience: 'live' });
  });

  test('production without JWT settings is refused, naming JWT_SECRET', () => {
    assertRefused({ NODE_ENV: 'production' }, /JWT_SECRET/, /production/);
  });

  test('production with DEMO_MODE=true is refused, even with a secret', () => {
    assertRefused({ NODE_ENV: 'production', JWT_SECRET: SECRET, DEMO_MODE: 'true' }, /DEMO_MODE/);
  });

  test('production with a secret or a JWKS URL starts', () => {
    assert.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET }).auth.kind, 'secret');
    const jwks = loadConfig({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example.com/jwks.json' });
    assert.equal(jwks.auth.kind, 'jwks');
    assert.equal(jwks.auth.kind === 'jwks' && jwks.auth.jwksUrl.href, 'https://idp.example.com/jwks.json');
    assert.equal(jwks.demo, false);
  });

  test('a JWT_SECRET shorter than 32 bytes is refused, naming JWT_SECRET', () => {
    assertRefused({ JWT_SECRET: 'too-short' }, /JWT_SECRET/, /32 bytes/);
    assertRefused({ JWT_SECRET: 'x'.repeat(31) }, /JWT_SECRET/);
    assert.equal(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).auth.kind, 'secret');
  });

  test('the secret length is counted in bytes, not characters', () => {
    assertRefused({ JWT_SECRET: `${'é'.repeat(15)}x` }, /JWT_SECRET/); // 16 characters, 31 bytes
    assert.equal(loadConfig({ JWT_SECRET: 'é'.repeat(16) }).auth.kind, 'secret'); // 16 characters, 32 bytes
  });

  test('setting both JWT_SECRET and JWT_JWKS_URL is refused', () => {
    assertRefused({ JWT_SECRET: SECRET, JWT_JWKS_URL: 'https://idp.example.com/jwks.json' }, /JWT_SECRET/, /JWT_JWKS_URL/);
  });

  test('a JWKS URL that is not http(s) is refused, naming JWT_JWKS_URL', () => {
    assertRefused({ JWT_JWKS_URL: 'file:///etc/jwks.json' }, /JWT_JWKS_URL/);
  });

  test('demo mode is refused beside real JWT settings: demo sign-in never signs with a key the LMS uses', () => {
    assertRefused({ DEMO_MODE: 'true', JWT_JWKS_URL: 'https://idp.example.com/jwks.json' }, /DEMO_MODE/);
    assertRefused({ DEMO_MODE: 'true', JWT_SECRET: SECRET }, /DEMO_MODE signs tokens with its own key/);
  });

  test('with DATABASE_URL and no JWT settings, start-up asks for them instead of seeding a demo into that database', () => {
    assertRefused({ DATABASE_URL: 'postgres://db.example/live' }, /JWT_SECRET or JWT_JWKS_URL \(or DEMO_MODE=true\)/);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://db.example/live', DEMO_MODE: 'true' }, demoSecret).demo, true);
  });

  test('several nodes (REDIS_URL) need PostgreSQL: start-up refuses the single-node PGlite and says why', () => {
    assertRefused({ JWT_SECRET: SECRET, REDIS_URL: 'redis://127.0.0.1:6379' }, /PGlite database is single-node/, /DATABASE_URL/);
    assertRefused({ JWT_SECRET: SECRET, DATABASE_URL: 'postgres://db/live', REDIS_URL: 'http://cache' }, /REDIS_URL/);
    const c = loadConfig({ JWT_SECRET: SECRET, DATABASE_URL: 'postgres://db/live', REDIS_URL: 'redis://cache:6379' });
    assert.deepEqual(c.cluster, { redisUrl: 'redis://cache:6379', resyncMs: 5000 });
    assert.equal(loadConfig({ JWT_SECRET: SECRET }).cluster, undefined);
  });

  test('demo mode signs with the secret kept in DATA_DIR', () => {
    let askedFor = '';
    const c = loadConfig({ DATA_DIR: '/var/lib/spl' }, (dir) => {
      askedFor = dir;
      return demoKey;
    });
    assert.equal(askedFor, '/var/lib/spl');
    assert.deepEqual(c.auth, { kind: 'secret', secret: demoKey, issuer: undefined, audience: undefined });
  });

  test('a non-numeric or out-of-range PORT is refused, naming PORT', () => {
    for (const PORT of ['abc', '3000.5', '-1', '65536']) assertRefused({ PORT }, /PORT/);
    assert.equal(loadConfig({ PORT: '0' }, demoSecret).port, 0);
    assert.equal(loadConfig({ PORT: '8080' }, demoSecret).port, 8080);
  });

  test('EVENT_RETENTION_DAYS (default 30, 0 keeps the log) and SHUTDOWN_TIMEOUT_MS (default 10 s) are read and checked', () => {
    const defaults = loadConfig({}, demoSecret);
    assert.deepEqual([defaults.eventRetentionDays, defaults.shutdownTimeoutMs], [30, 10_000]);
    const set = loadConfig({ EVENT_RETENTION_DAYS: '0', SHUTDOWN_TIMEOUT_MS: '2500' }, demoSecret);
    assert.deepEqual([set.eventRetentionDays, set.shutdownTimeoutMs], [0, 2500]);
    for (const EVENT_RETENTION_DAYS of ['-1', '1.5', 'forever']) assertRefused({ EVENT_RETENTION_DAYS }, /EVENT_RETENTION_DAYS/);
    for (const SHUTDOWN_TIMEOUT_MS of ['0', '10s']) assertRefused({ SHUTDOWN_TIMEOUT_MS }, /SHUTDOWN_TIMEOUT_MS/);
  });

  test('a blank PORT is refused rather than read as 0, which would listen on a random port', () => {
    assertRefused({ PORT: ' ' }, /PORT/);
  });

  test('CORS_ORIGINS is a comma-separated list, trimmed, empty entries dropped', () => {
    const c = loadConfig({ CORS_ORIGINS: ' https://lms.example.com, http://localhost:5173 ,,' }, demoSecret);
    assert.deepEqual(c.corsOrigins, ['https://lms.example.com', 'http://localhost:5173']);
  });

  test('an invalid CORS origin is refused, naming CORS_ORIGINS and its position', () => {
    assertRefused({ CORS_ORIGINS: 'https://lms.example.com,not a url' }, /CORS_ORIGINS\.1/);
    assertRefused({ CORS_ORIGINS: 'ftp://lms.example.com' }, /CORS_ORIGINS\.0/);
  });

  test('a CORS origin with a path is refused: it could never equal a browser Origin header', () => {
    assertRefused({ CORS_ORIGINS: 'https://lms.example.com/' }, /CORS_ORIGINS/);
    assertRefused({ CORS_ORIGINS: 'https://lms.example.com/app' }, /CORS_ORIGINS/);
  });

  test('RATE_LIMIT_MAX is a whole number from 1 to 1,000,000', () => {
    assert.equal(loadConfig({ RATE_LIMIT_MAX: '50' }, demoSecret).rateLimit.max, 50);
    assert.equal(loadConfig({ RATE_LIMIT_MAX: '1000000' }, demoSecret).rateLimit.max, 1_000_000);
    for (const RATE_LIMIT_MAX of ['0', '1.5', 'many', '1000001']) assertRefused({ RATE_LIMIT_MAX }, /RATE_LIMIT_MAX/);
  });

  test('DEMO_MODE accepts true/false/1/0 only', () => {
    assert.equal(loadConfig({ DEMO_MODE: '1' }, demoSecret).demo, true);
    assert.equal(loadConfig({ DEMO_MODE: 'false', JWT_SECRET: SECRET }).demo, false);
    assertRefused({ DEMO_MODE: 'yes' }, /DEMO_MODE/);
    assertRefused({ DEMO_MODE: 'false' }, /JWT_SECRET/);
  });
});

describe('meeting-link configuration', () => {
  const oauth = { GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret', GOOGLE_REFRESH_TOKEN: 'refresh' };

  test('the default is Jitsi on the public server, with pasted links allowed and no Google', () => {
    const { meetings } = loadConfig({}, demoSecret);
    assert.equal(meetings.defaultProvider, 'jitsi');
    assert.deepEqual(meetings.providers, ['jitsi', 'manual']);
    assert.equal(meetings.jitsi.baseUrl, 'https://meet.jit.si');
    assert.equal(meetings.google, undefined);
  });

  test('google needs a refresh token or a delegated service account, and says which variables', () => {
    assertRefused(
      { MEETING_PROVIDER: 'google' },
      /GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REFRESH_TOKEN/,
      /GOOGLE_SERVICE_ACCOUNT_KEY_FILE/,
    );
    assertRefused({ MEETING_PROVIDER: 'google', GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' }, /GOOGLE_REFRESH_TOKEN/);
    assertRefused({ MEETING_PROVIDER: 'google', GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/k.json' }, /GOOGLE_IMPERSONATE_USER/);
    assertRefused(
      { MEETING_PROVIDER: 'google', ...oauth, GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/k.json', GOOGLE_IMPERSONATE_USER: 'a@b.edu' },
      /not both/,
    );
    const google = loadConfig({ MEETING_PROVIDER: 'google', ...oauth }, demoSecret).meetings;
    assert.deepEqual(google.providers, ['google', 'manual']);
    assert.equal(google.google?.calendarId, 'primary');
    assert.equal(google.google?.tokenUrl, 'https://oauth2.googleapis.com/token');
    assert.equal(google.google?.apiRootUrl, 'https://www.googleapis.com/');
  });

  test('MEETING_PROVIDERS lists what mentors may pick and must include the default', () => {
    assert.deepEqual(loadConfig({ MEETING_PROVIDERS: 'jitsi, google', ...oauth }, demoSecret).meetings.providers, ['jitsi', 'google']);
    assertRefused({ MEETING_PROVIDERS: 'manual' }, /MEETING_PROVIDERS must include MEETING_PROVIDER/);
    assertRefused({ MEETING_PROVIDERS: 'zoom' }, /MEETING_PROVIDERS/);
    assertRefused({ MEETING_PROVIDERS: 'google', MEETING_PROVIDER: 'google' }, /GOOGLE_REFRESH_TOKEN/);
  });

  test('Jitsi JWT rooms need both the app id and a secret of at least 32 bytes; the base URL must be https', () => {
    assertRefused({ JITSI_APP_ID: 'app' }, /JITSI_APP_ID and JITSI_APP_SECRET/);
    assertRefused({ JITSI_APP_ID: 'app', JITSI_APP_SECRET: 'short' }, /JITSI_APP_SECRET/);
    assertRefused({ JITSI_BASE_URL: 'http://meet.example.com' }, /JITSI_BASE_URL/);
    const app = loadConfig(
      { JITSI_APP_ID: 'app', JITSI_APP_SECRET: 'x'.repeat(32), JITSI_BASE_URL: 'https://meet.example.com/' },
      demoSecret,
    ).meetings.jitsi;
    assert.equal(app.baseUrl, 'https://meet.example.com');
    assert.equal(app.app?.id, 'app');
  });

  test('retry settings are bounded whole numbers', () => {
    assertRefused({ MEETING_MAX_ATTEMPTS: '0' }, /MEETING_MAX_ATTEMPTS/);
    assertRefused({ MEETING_RETRY_BASE_MS: 'soon' }, /MEETING_RETRY_BASE_MS/);
    assert.deepEqual(loadConfig({}, demoSecret).meetings.retry, { baseMs: 5000, maxMs: 300_000, maxAttempts: 8 });
  });
});

describe('metrics configuration', () => {
  test('metrics are off by default; METRICS_TOKEN or METRICS_PORT turns them on', () => {
    assert.equal(loadConfig({}, demoSecret).metrics, undefined);
    assert.deepEqual(loadConfig({ METRICS_TOKEN: 'a-token-of-16-bytes+' }, demoSecret).metrics, {
      token: 'a-token-of-16-bytes+',
      port: undefined,
    });
    assert.deepEqual(loadConfig({ METRICS_PORT: '9100' }, demoSecret).metrics, { token: undefined, port: 9100 });
  });

  test('a METRICS_TOKEN under 16 bytes, or METRICS_PORT equal to PORT, is refused, naming the variable', () => {
    assertRefused({ METRICS_TOKEN: 'short' }, /METRICS_TOKEN/, /16 bytes/);
    assertRefused({ METRICS_PORT: '3000' }, /METRICS_PORT must differ from PORT/);
    assertRefused({ METRICS_PORT: 'x' }, /METRICS_PORT/);
  });
});
