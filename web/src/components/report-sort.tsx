export interface Sort<K extends string> {
  key: K;
  dir: 'asc' | 'desc';
}

/** The rows in the order a column asks for; ties keep the name order the server sent, so the order is stable. */
export function sortRows<T>(rows: T[], by: (row: T) => string | number, dir: 'asc' | 'desc'): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, key: by(row) }))
    .sort((a, b) => (a.key < b.key ? -sign : a.key > b.key ? sign : a.index - b.index))
    .map((x) => x.row);
}

/**
 * A column header that sorts the table: a button inside the header cell, and aria-sort on the cell naming the
 * current order (WAI-ARIA's sortable table pattern). A second press reverses the order.
 */
export function SortHeader<K extends string>({
  sortKey,
  label,
  sort,
  onSort,
  numeric = false,
}: {
  sortKey: K;
  label: string;
  sort: Sort<K>;
  onSort: (sort: Sort<K>) => void;
  numeric?: boolean;
}) {
  const active = sort.key === sortKey;
  // Numbers read most useful largest first; names and statuses from the top.
  const first = numeric ? 'desc' : 'asc';
  const next = active ? (sort.dir === 'asc' ? 'desc' : 'asc') : first;
  return (
    <th
      scope="col"
      className={numeric ? 'report-num' : undefined}
      aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
    >
      <button type="button" className="sort" onClick={() => onSort({ key: sortKey, dir: next })}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
