import { setFlagsFromString } from 'node:v8';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * How the embedded database is started, for memory (docs/performance.md, "Idle memory of the embedded database").
 * Both settings act on start-up only: nothing is written to the data folder, and folders made before open unchanged.
 *
 * - `shared_buffers=16MB`: PostgreSQL's stock 128 MB is sized for a server with many connections. PGlite's buffers
 *   live in its WebAssembly heap, which never gives memory back, so the 128 MB stayed resident. One connection and a
 *   class's working set need far less, and a miss is a read from the OS page cache.
 * - PGlite's engine runs on V8's baseline WebAssembly compiler (Liftoff) only. By default V8 recompiles hot functions
 *   with its optimizing compiler in the background; for PGlite's PostgreSQL one function alone took 9 s of a core and
 *   600 MB of compiler memory, seconds after every start (the process peaked at ~780 MiB), and the C allocator kept
 *   ~70 MiB of it for good. The price is small: most of a query's time is PGlite's JavaScript round trip, and a small
 *   transaction costs 5-10% more CPU than with the optimized code; the chat and poll suites, whose processes
 *   never earn the compile back, ran 20-30% faster. The flags are V8's and so the whole process's, but PGlite is its
 *   only large WebAssembly; they are set before the module is compiled, which they then govern.
 */
export function pgliteOptions(): PGliteOptions {
  setFlagsFromString('--no-wasm-tier-up');
  setFlagsFromString('--no-wasm-dynamic-tiering');
  return { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] };
}
