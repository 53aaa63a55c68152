export * from './prisma.service';
export * from './database.module';
export * from './migrator';
export * from './generated/prisma/client';
export * from './idempotent-requests';
