/** Runs `fn`, which must throw, and returns what it threw (typed as `T` for the caller's assertions). */
export function thrownBy<T = unknown>(fn: () => unknown, what = "the call"): T {
  try {
    fn();
  } catch (error) {
    return error as T;
  }
  throw new Error(`expected ${what} to throw, but it returned`);
}
