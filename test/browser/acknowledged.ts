/**
 * An acknowledged write: the store method resolved and the connection says
 * everything committed is durable. Once the core awaits `whenDurable()` in
 * every write method (the operation runner), the second wait is a no-op and
 * this helper can shrink to `await write`.
 */
export async function acknowledged<T>(conn: { whenDurable?(): Promise<void> }, write: Promise<T>): Promise<T> {
  const result = await write;
  await conn.whenDurable?.();
  return result;
}
