/**
 * Web Storage that never throws. Inside an LMS's iframe (a third-party context) a browser may refuse storage
 * altogether ("Access is denied for this document"); the app then keeps what it would have stored in memory, for as
 * long as the page lives, which is all an LTI launch in a frame needs (the app routes by hash, without reloads).
 */
type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function inMemory(): Store {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

function usable(get: () => Storage): Store {
  try {
    const store = get();
    store.getItem('spl.probe');
    return store;
  } catch {
    return inMemory();
  }
}

/** sessionStorage (this tab), or memory where it is refused. */
export const tabStorage: Store = usable(() => window.sessionStorage);
/** localStorage (this browser), or memory where it is refused. */
export const deviceStorage: Store = usable(() => window.localStorage);
