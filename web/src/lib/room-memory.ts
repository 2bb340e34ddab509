/**
 * Which class each breakout room this tab has opened belongs to. A room refuses a student who was moved out of it
 * (404, as to an outsider), so a room page reloaded after a move cannot learn its class from the server any more:
 * the tab remembers it, and the refusal can still offer the way back to the class.
 */
import { tabStorage } from './safe-storage.ts';

const KEY = 'breakout-rooms';
/** Enough for a long day of rounds; the oldest are forgotten first. */
const KEEP = 50;

type Store = Pick<Storage, 'getItem' | 'setItem'>;

function read(store: Store): [string, string][] {
  try {
    const parsed: unknown = JSON.parse(store.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((e): e is [string, string] => Array.isArray(e) && e.length === 2) : [];
  } catch {
    // Unreadable (another version's format, or storage refused): as if nothing was remembered.
    return [];
  }
}

/** Remembers that `roomSessionId` is a room of class `classId` (this tab only, like the sign-in). */
export function rememberRoom(roomSessionId: string, classId: string, store: Store = tabStorage): void {
  const kept = read(store).filter(([room]) => room !== roomSessionId);
  kept.push([roomSessionId, classId]);
  try {
    store.setItem(KEY, JSON.stringify(kept.slice(-KEEP)));
  } catch {
    // Storage full or refused: only the way back after a refusal is lost, never the room itself.
  }
}

/** The class of a room this tab has opened before, or null. */
export function classOfRoom(sessionId: string, store: Store = tabStorage): string | null {
  return read(store).find(([room]) => room === sessionId)?.[1] ?? null;
}
