import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * Gives back, once, the memory start-up used and no longer needs. Migrations, the demo seed and (most) opening PGlite
 * churn through enough short-lived objects to grow V8's young generation to its 64 MiB ceiling, and V8 does not
 * reliably shrink it on its own: a minute into idling the server still held it (218 MiB on PGlite, 159 MiB on
 * PostgreSQL). A "last resort" collection returns it at once (180 and 119 MiB): unlike an ordinary full collection it
 * also releases the heap pages V8 keeps pooled, and compiled code it can compile again. One pause of tens of
 * milliseconds, before the first request (docs/performance.md, "Idle memory of the embedded database").
 *
 * `gc` is reached without `--expose-gc` on the command line (so `node src/server.ts` works as is): with the flag set
 * at run time, V8 installs `gc` in contexts created afterwards, here one throwaway context, and the flag is unset
 * again; the app's own global scope never sees `gc`.
 */
export function releaseStartupMemory(): void {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as Collect;
  setFlagsFromString('--no-expose-gc');
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
