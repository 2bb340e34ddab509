import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { buildApp } from '../app.ts';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import type { Db } from '../db/kysely.ts';
import { type DbTarget, freshDatabase, TEST_SECRET, type TestApp, type TestAppOptions, testConfig } from './harness.ts';

/** The error a lost connection gives: not the data's fault, so the batcher does not bisect it. */
const connectionLost = () => Object.assign(new Error('connection to the database was lost (test fault)'), { code: 'ECONNREFUSED' });

/**
 * A database whose transactions can be made to fail, as when the server goes away: `down` fails every transaction
 * until `up`, `failNext(n)` fails the next n. Plain statements pass through, so a test can aim at the transactional
 * writes that background work does (attendance segments, broadcasts).
 */
export function faultyDb(db: Db) {
  let down = false;
  let failures = 0;
  const failing = () => {
    if (down) return true;
    if (failures === 0) return false;
    failures -= 1;
    return true;
  };
  const bound = <T extends object>(target: T, prop: string | symbol) => {
    const value: unknown = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop !== 'transaction') return bound(target, prop);
      return () =>
        new Proxy(target.transaction(), {
          get(builder, p) {
            if (p !== 'execute') return bound(builder, p);
            return (work: Parameters<typeof builder.execute>[0]) => (failing() ? Promise.reject(connectionLost()) : builder.execute(work));
          },
        });
    },
  });
  return {
    db: wrapped as Db,
    down() {
      down = true;
    },
    up() {
      down = false;
    },
    failNext(n = 1) {
      failures = n;
    },
    /** Failures armed with failNext that no transaction has met yet. */
    armed: () => failures,
  };
}

export type LogLine = { level: number; msg: string; [field: string]: unknown };

/** An app like makeTestApp's, on a database with faults, whose warnings and errors are kept in `logs`. */
export async function makeFaultyApp(target: DbTarget, env: Record<string, string> = {}, opts: TestAppOptions = {}) {
  const { db, drop } = await freshDatabase(target);
  const faults = faultyDb(db);
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  const config = testConfig(env);
  const app = await buildApp(config, { db: opts.wrapDb?.(faults.db) ?? faults.db, logger: { level: 'warn', stream } });
  await app.ready();
  const t: TestApp = {
    app,
    db,
    token: (claims, opts) =>
      signToken(
        new TextEncoder().encode(TEST_SECRET),
        { name: claims.name ?? claims.sub, role: claims.role ?? 'student', ...claims } as Claims,
        {
          ttlSeconds: opts?.ttlSeconds,
        },
      ),
    request: ({ method, url, token, body }) =>
      app.inject({
        method,
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}),
      }),
    close: async () => {
      await app.close();
      await drop();
    },
  };
  return { t, faults, logs };
}
