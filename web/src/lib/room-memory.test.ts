import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classOfRoom, rememberRoom } from './room-memory.ts';

function memoryStore() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe('room memory', () => {
  it('tells the class of a room opened before, and nothing of others', () => {
    const store = memoryStore();
    rememberRoom('room-a', 'class-1', store);
    rememberRoom('room-b', 'class-2', store);
    assert.equal(classOfRoom('room-a', store), 'class-1');
    assert.equal(classOfRoom('room-b', store), 'class-2');
    assert.equal(classOfRoom('class-1', store), null);
  });

  it('keeps the 50 most recent rooms, a room opened again counting as recent', () => {
    const store = memoryStore();
    rememberRoom('first', 'class', store);
    for (let i = 0; i < 49; i++) rememberRoom(`room-${i}`, 'class', store);
    rememberRoom('first', 'class', store);
    rememberRoom('one-more', 'class', store);
    assert.equal(classOfRoom('first', store), 'class');
    assert.equal(classOfRoom('room-0', store), null);
    assert.equal(classOfRoom('room-1', store), 'class');
  });

  it('reads unreadable or foreign storage as empty, and survives a store that refuses writes', () => {
    const store = memoryStore();
    store.items.set('breakout-rooms', '{not json');
    assert.equal(classOfRoom('room-a', store), null);
    store.items.set('breakout-rooms', JSON.stringify({ 'room-a': 'class-1' }));
    assert.equal(classOfRoom('room-a', store), null);
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    assert.doesNotThrow(() => rememberRoom('room-a', 'class-1', full));
  });
});
