import type { OperationNode } from 'kysely';
import type { Db } from '../db/kysely.ts';

/** What a hook sees: the statement's kind and the table it reads or writes. */
export interface HookedQuery {
  kind: 'select' | 'insert' | 'update' | 'delete';
  table: string;
}

type Hook = { matches: (q: HookedQuery) => boolean; run: (q: HookedQuery) => Promise<void> | void; times: number };

const EXECUTES = new Set(['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow']);

/**
 * A database on which a test runs its own code right after a chosen statement has returned (its connection given
 * back, so the code may use the database too) and before the caller sees the rows: how a race between two reads is
 * made to happen every time (run the other party's step there), or how one statement is made to fail (throw there).
 * Only statements built from the database itself are seen: not raw `sql`, nor those inside a transaction.
 */
export function dbHooks(raw: Db) {
  const hooks: Hook[] = [];

  const afterwards = async (builder: { toOperationNode(): OperationNode }) => {
    const query = describe(builder.toOperationNode());
    const hook = query && hooks.find((h) => h.times > 0 && h.matches(query));
    if (!hook || !query) return;
    hook.times -= 1;
    await hook.run(query);
  };

  // Every builder a builder returns is wrapped again, so a hook sees the statement as it is finally executed.
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, prop) {
        const value: unknown = Reflect.get(obj, prop, obj);
        if (typeof value !== 'function') return value;
        if (typeof prop === 'string' && EXECUTES.has(prop) && isBuilder(obj)) {
          return async (...args: unknown[]) => {
            const result: unknown = await value.apply(obj, args);
            await afterwards(obj);
            return result;
          };
        }
        return (...args: unknown[]) => {
          const result: unknown = value.apply(obj, args);
          return isBuilder(result) ? wrap(result) : result;
        };
      },
    });

  return {
    db: wrap(raw),
    /**
     * After the next `times` statements on `table` (or on any of several; of `kind`, when given), runs `run` before
     * their caller goes on; what it throws, the caller gets instead of the rows. Resolves once `run` is first called.
     */
    after(table: string | string[], run: Hook['run'], opts: { kind?: HookedQuery['kind']; times?: number } = {}): Promise<void> {
      const tables = new Set([table].flat());
      return new Promise((hit) => {
        hooks.push({
          matches: (q) => tables.has(q.table) && (!opts.kind || q.kind === opts.kind),
          run: (q) => {
            hit();
            return run(q);
          },
          times: opts.times ?? 1,
        });
      });
    },
    /** Drops every hook not yet used up. */
    clear() {
      for (const hook of hooks) hook.times = 0;
    },
  };
}

function isBuilder(value: unknown): value is { toOperationNode(): OperationNode } {
  return typeof value === 'object' && value !== null && 'toOperationNode' in value && 'execute' in value;
}

function describe(node: OperationNode): HookedQuery | undefined {
  const n = node as OperationNode & { from?: { froms: OperationNode[] }; into?: OperationNode; table?: OperationNode };
  switch (node.kind) {
    case 'SelectQueryNode':
      return withTable('select', n.from?.froms[0]);
    case 'InsertQueryNode':
      return withTable('insert', n.into);
    case 'UpdateQueryNode':
      return withTable('update', n.table);
    case 'DeleteQueryNode':
      return withTable('delete', n.from?.froms[0]);
    default:
      return undefined;
  }
}

function withTable(kind: HookedQuery['kind'], node: OperationNode | undefined): HookedQuery | undefined {
  const table = tableName(node);
  return table ? { kind, table } : undefined;
}

function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'AliasNode') return tableName((node as OperationNode & { node: OperationNode }).node);
  if (node.kind === 'TableNode') return (node as OperationNode & { table: { identifier: { name: string } } }).table.identifier.name;
  return undefined;
}
