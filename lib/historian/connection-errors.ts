/**
 * Connection problems (server down, network cut, server restarting) are worth waiting out and retrying;
 * anything else (a constraint, a bad value) will fail again and must be reported at once.
 */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The database refused the rows for what they contain (SQLSTATE class 22 data exception, 23 integrity constraint,
 * 54 program limit such as an index row too large): sending them again can never succeed.
 */
export function isDataError(err: unknown): boolean {
  return err instanceof Error && /^(22|23|54)/.test((err as Error & { code?: string }).code ?? '');
}

export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as Error & { code?: string }).code ?? '';
  if (CONNECTION_CODES.has(code)) return true;
  // SQLSTATE class 08 = connection exception, 57P = operator intervention (shutdown), 53 = insufficient resources,
  // 57014 = statement cancelled by the server's statement_timeout.
  if (/^(08|57P|53)/.test(code) || code === '57014') return true;
  // pg's client-side query timeout: the link may be half-open (black-holed), the reply never coming.
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|timeout exceeded when trying to connect|Query read timeout/i.test(err.message);
}
