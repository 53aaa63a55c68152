import { isUuid, NotFoundError } from '@autocall/common';

/** A path id that cannot name anything (not a UUID) answers 404 like an unknown one. */
export function knownId(id: string, what: string): string {
  if (!isUuid(id)) throw new NotFoundError('not_found', `No ${what} with this id.`);
  return id;
}
