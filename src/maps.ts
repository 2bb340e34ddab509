/** The value under `key`, made by `make` and stored first if there is none yet (the get-or-create of every cache). */
export function getOrCreate<K, V>(map: Map<K, V> | (K extends object ? WeakMap<K, V> : never), key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
