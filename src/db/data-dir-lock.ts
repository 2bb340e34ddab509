import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/**
 * PGlite is a single-process database: two processes on one folder each see only their own writes, and one loses
 * them on restart. So the folder is locked for as long as the process holds it open.
 *
 * The lock is a listening Unix socket whose name is derived from the folder's real path, not a file holding a pid:
 * the kernel frees it the instant the holder dies, however it dies (kill -9, out of memory, a container stopped), so
 * a restart never has to guess whether a recorded pid is stale, reused by the next process, or held by another one.
 * Binding a name is atomic, so two processes starting together cannot both win.
 *
 * On Linux the socket lives in the abstract namespace (no file, nothing left behind). That namespace belongs to the
 * network namespace: processes in two containers with separate networks do not see each other's lock, so mount a
 * data folder into one container at a time. Elsewhere (macOS, for development) the socket is a file in the folder, and
 * a dead holder's file is taken over; there, two processes starting in the same instant after a crash could both win.
 *
 * Resolves to the release function; rejects, naming the folder, when another live process holds it.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  mkdirSync(dir, { recursive: true });
  const address = lockAddress(realpathSync(dir));
  let server: Server;
  try {
    server = await listen(address);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const owner = await askOwner(address);
    if (owner === 'gone' && !isAbstract(address)) {
      // A socket file whose process died (only outside Linux); the kernel refused the connection, so take it over.
      rmSync(address, { force: true });
      return lockDataDir(dir);
    }
    const who = owner === 'gone' || owner === 'unknown' ? 'another process' : `process ${owner}`;
    throw new Error(`The database folder ${dir} is in use by ${who}; stop it first (PGlite is single-process)`);
  }
  // The pid file of versions before this lock means nothing now; once we hold the folder it is only clutter.
  rmSync(join(dir, 'pglite.lock'), { force: true });
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
    });
}

/** Exported for tests: the socket address that locks `realDir`. */
export function lockAddress(realDir: string): string {
  if (process.platform === 'linux') {
    const key = createHash('sha256').update(realDir).digest('hex').slice(0, 40);
    return `\0skill-probe-live/pglite/${key}`;
  }
  return join(realDir, '.lock.sock');
}

const isAbstract = (address: string) => address.startsWith('\0');

function listen(address: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Whoever finds the folder taken connects here to learn who holds it, for the error message.
    const server = createServer((socket) => socket.end(String(process.pid)));
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      // The lock must not keep a process alive that has nothing else to do.
      server.unref();
      resolve(server);
    });
  });
}

/** The holder's pid; `gone` when nothing listens (a dead holder's socket file); `unknown` when it does not say. */
function askOwner(address: string): Promise<number | 'gone' | 'unknown'> {
  return new Promise((resolve) => {
    let reply = '';
    const socket = connect(address);
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (d) => (reply += d));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'gone' : 'unknown'));
    socket.on('close', () => {
      const pid = Number(reply);
      resolve(Number.isInteger(pid) && pid > 0 ? pid : 'unknown');
    });
  });
}
