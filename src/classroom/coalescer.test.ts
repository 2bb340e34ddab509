import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from '../test/eventually.ts';
import { createCoalescer } from './coalescer.ts';

/** A logger that keeps what it is given. */
function recordingLog() {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, fields, msg });
  return { lines, log: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as never };
}

describe('the coalescer', () => {
  test('a burst of marks becomes one flush', async () => {
    const { log } = recordingLog();
    const flushed: string[] = [];
    const c = createCoalescer(20, async (key) => void flushed.push(key), log, 'test flush');
    for (let i = 0; i < 50; i++) c.mark('a');
    await eventually(() => flushed.length === 1, 'the flush');
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(flushed, ['a']);
    await c.stop();
  });

  test('a flush that fails is logged and runs again without another mark, until it succeeds', async () => {
    const { lines, log } = recordingLog();
    let calls = 0;
    const c = createCoalescer(
      20,
      async () => {
        calls += 1;
        if (calls <= 2) throw new Error('database away');
      },
      log,
      'test flush',
    );
    c.mark('k');
    await eventually(() => calls === 3, 'the third attempt', 10_000);
    const failures = lines.filter((l) => l.msg === 'test flush failed; retrying');
    assert.equal(failures.length, 2);
    assert.deepEqual(
      failures.map((l) => [l.fields.key, l.fields.attempts, (l.fields.err as Error).message]),
      [
        ['k', 1, 'database away'],
        ['k', 2, 'database away'],
      ],
    );
    assert.ok(
      lines.some((l) => l.level === 'info' && l.msg === 'test flush: sent after retrying'),
      'the recovery is logged',
    );
    await c.stop();
  });

  test('stop runs what is pending, and a failure then is logged rather than thrown', async () => {
    const { lines, log } = recordingLog();
    const c = createCoalescer(
      10_000,
      async () => {
        throw new Error('database away');
      },
      log,
      'test flush',
    );
    c.mark('k');
    await c.stop();
    assert.equal(lines.filter((l) => l.msg === 'test flush failed while stopping; sent at the next start').length, 1);
  });
});
