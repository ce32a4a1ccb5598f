/** Memoises a promise; a failure is forgotten, so the next invocation tries again (e.g. a secret not yet readable). */
export function lazily<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
