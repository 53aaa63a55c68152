import { InvalidRequestError } from './errors';

/** Opaque pagination cursors: base64url JSON, so clients cannot depend on what is inside. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string,
  isValid: (value: Record<string, unknown>) => value is T,
): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && isValid(value as Record<string, unknown>)) {
    return value as T;
  }
  throw InvalidRequestError.field('cursor', 'invalid_cursor', 'This cursor was not issued by this endpoint.');
}

/**
 * Cursor pagination over rows fetched with `take: limit + 1`: the extra row only tells that
 * another page exists; the cursor names the position of the page's last row.
 */
export function pageOf<T>(
  rows: T[],
  limit: number,
  positionOf: (last: T) => Record<string, string | number>,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? encodeCursor(positionOf(page[page.length - 1])) : null };
}
