/** Anything that runs SQL: the DataSource or a transaction's EntityManager. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The rows of a statement. TypeORM's Postgres driver answers UPDATE and DELETE with `[rows, rowCount]` but SELECT and
 * INSERT with the rows alone; this evens that out.
 */
export async function rowsOf<T>(runner: SqlRunner, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const result = await runner.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
