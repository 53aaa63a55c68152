import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'autocall:public';

/** Marks a route (or controller) that needs no API key: health, metrics, docs. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
