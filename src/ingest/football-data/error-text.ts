/** The text of a thrown value for a message or log line: never `[object Object]`. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && e !== null) {
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    try {
      const json = JSON.stringify(e);
      if (json !== undefined && json !== '{}') return json;
    } catch {
      // a cycle or a BigInt: fall through to the constructor's name
    }
    return `a thrown ${e.constructor?.name ?? 'object'} without a message`;
  }
  return String(e);
}
